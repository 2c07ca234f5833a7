"""torch.optim.Adadelta (with torch's lr factor and L2 weight decay)."""
import jax.numpy as jnp

from .optimizer import Optimizer, cast, check, check_lr, rule, step_state, zeros


class Adadelta(Optimizer):
    _rule = "adadelta"

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return ("step", "square_avg", "acc_delta")

    def _init_state(self, p, group):
        return {"step": step_state(p), "square_avg": zeros(p), "acc_delta": zeros(p)}

    def _hyper(self, group, params):
        return dict(lr=group["lr"], rho=group["rho"], eps=group["eps"], weight_decay=group["weight_decay"])

    def _config(self, group):
        return (("maximize", bool(group["maximize"])),)


@rule("adadelta")
def _adadelta(p, g, state, h, i, *, maximize):
    if maximize:
        g = -g
    g = g + cast(h["weight_decay"], p) * p
    rho, eps = cast(h["rho"], p), cast(h["eps"], p)
    sq = state["square_avg"] * rho + cast(1 - h["rho"], p) * (g * g)
    std = jnp.sqrt(sq + eps)
    delta = jnp.sqrt(state["acc_delta"] + eps) / std * g
    acc = state["acc_delta"] * rho + cast(1 - h["rho"], p) * (delta * delta)
    return p - cast(h["lr"], p) * delta, {"step": state["step"] + 1, "square_avg": sq, "acc_delta": acc}
