"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp (filled next)."""
