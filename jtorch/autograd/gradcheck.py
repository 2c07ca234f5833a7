"""gradcheck / gradgradcheck: analytic gradients against central finite differences.

Both Jacobians are laid out as torch prints them: one row per input element, one column per
output element. The numerical one perturbs each input element by +-eps on the host and reruns
`func` (same shapes every time, so jtorch compiles once); the analytic one takes one vjp per
output element.
"""
import warnings

import numpy as np
from .._tensor import Tensor
from .._ops.creation import tensor as make
from .._ops.random import randn_like

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


GradcheckError.__module__ = "torch.autograd.gradcheck"


def _tensors():
    return Tensor


def _as_tuple(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def _differentiable_outputs(out):
    return tuple(o for o in _as_tuple(out) if isinstance(o, _tensors()) and o.requires_grad)


def _float_outputs(out):
    return tuple(o for o in _as_tuple(out) if isinstance(o, _tensors()) and (o.dtype.is_floating_point or
                                                                              o.dtype.is_complex))


def _numerical(func, inputs, i, n_out, eps):
    """d(outputs)/d(inputs[i]) by central differences: a list (per output) of (numel_in, numel_out)."""
    x = inputs[i]
    base = x.detach().numpy()
    flat = base.reshape(-1)
    rows = [[] for _ in range(n_out)]

    def run(values):
        t = make(values.reshape(base.shape), dtype=x.dtype)
        if x.requires_grad:
            t.requires_grad_(True)
        args = list(inputs)
        args[i] = t
        return [o.detach().numpy().reshape(-1).astype(np.float64) for o in _float_outputs(func(*args))]

    for k in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[k] += eps
        down[k] -= eps
        for j, (a, b) in enumerate(zip(run(up), run(down))):
            rows[j].append((a - b) / (2 * eps))
    return [np.stack(r) if r else np.zeros((flat.size, 0)) for r in rows]


def _analytical(outputs, inputs, i):
    from . import grad
    x = inputs[i]
    jac = []
    for o in outputs:
        n = o.numel()
        J = np.zeros((x.numel(), n))
        for m in range(n):
            onehot = np.zeros(n)
            onehot[m] = 1
            cot = make(onehot.reshape(tuple(o.shape)), dtype=o.dtype)
            (g,) = grad([o], [x], [cot], retain_graph=True, allow_unused=True)
            if g is not None:
                J[:, m] = g.detach().numpy().reshape(-1)
        jac.append(J)
    return jac


def _fmt(J, dtype):
    return repr(make(J, dtype=dtype))


def gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """True when every analytic Jacobian matches the numerical one within atol + rtol * |numerical|."""
    Tensor = _tensors()
    inputs = _as_tuple(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    for i in diff:
        x = inputs[i]
        if str(x.dtype) not in ("torch.float64", "torch.complex128"):
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", stacklevel=2)
    outputs = _differentiable_outputs(func(*inputs))
    n_out = len(_float_outputs(func(*inputs)))
    try:
        if not check_backward_ad:
            return True
        for i in diff:
            numerical = _numerical(func, inputs, i, n_out, eps)
            analytical = _analytical(outputs, inputs, i)
            for j, (a, n) in enumerate(zip(analytical, numerical)):
                if not np.allclose(a, n, rtol=rtol, atol=atol):
                    dtype = outputs[j].dtype
                    raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input {i},\n"
                                         f"numerical:{_fmt(n, dtype)}\nanalytical:{_fmt(a, dtype)}\n")
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-06, atol=1e-05, rtol=0.001,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False, masked=False):
    """gradcheck of the gradient itself: (inputs, grad_outputs) -> d(outputs)/d(inputs) . grad_outputs."""
    Tensor = _tensors()
    inputs = _as_tuple(inputs)
    outputs = _differentiable_outputs(func(*inputs))
    if grad_outputs is None:
        grad_outputs = tuple(randn_like(o).requires_grad_(True) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_order(*args):
        from . import grad
        ins, gos = args[:n], args[n:]
        outs = _differentiable_outputs(func(*ins))
        gs = grad(outs, [ins[i] for i in diff], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_order, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol, check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     check_backward_ad=check_rev_over_rev, fast_mode=fast_mode, masked=masked)
