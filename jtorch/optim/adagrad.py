"""torch.optim.Adagrad: lr_decay, initial accumulator, eps outside the sqrt."""
import jax.numpy as jnp

from .optimizer import Optimizer, cast, check, check_lr, rule, step_state, zeros
from .._ops.creation import _concrete


class Adagrad(Optimizer):
    _rule = "adagrad"

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        check(0.0 <= initial_accumulator_value,
              f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # torch creates the state eagerly, from the optimizer-wide default
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = self._init_state(p, group)

    def _init_state(self, p, group):
        return {"step": _concrete(step_state(p)),
                "sum": _concrete(zeros(p, self.defaults["initial_accumulator_value"]))}

    def _state_names(self, group):
        return ("step", "sum")

    def _hyper(self, group, params):
        return dict(lr=group["lr"], lr_decay=group["lr_decay"], eps=group["eps"], weight_decay=group["weight_decay"])

    def _config(self, group):
        return (("maximize", bool(group["maximize"])),)


@rule("adagrad")
def _adagrad(p, g, state, h, i, *, maximize):
    step = state["step"] + 1
    if maximize:
        g = -g
    g = g + cast(h["weight_decay"], p) * p
    clr = h["lr"] / (1 + (step.astype(jnp.float64) - 1) * h["lr_decay"])
    s = state["sum"] + g * g
    std = jnp.sqrt(s) + cast(h["eps"], p)
    return p - cast(clr, p) * (g / std), {"step": step, "sum": s}
