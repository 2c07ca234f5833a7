"""torch.optim.Adamax: infinity-norm Adam, eps added to |g| before the max (unlike optax)."""
import jax.numpy as jnp

from .adam import Adam
from .optimizer import Optimizer, cast, check, check_betas, check_lr, lerp, rule, step_state, zeros


class Adamax(Optimizer):
    _rule = "adamax"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        check_betas(betas)
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return ("step", "exp_avg", "exp_inf")

    def _init_state(self, p, group):
        return {"step": step_state(p), "exp_avg": zeros(p), "exp_inf": zeros(p)}

    _hyper = Adam._hyper

    def _config(self, group):
        return (("maximize", bool(group["maximize"])),)


@rule("adamax")
def _adamax(p, g, state, h, i, *, maximize):
    if maximize:
        g = -g
    step = state["step"] + 1
    g = g + cast(h["weight_decay"], p) * p
    exp_avg = lerp(state["exp_avg"], g, 1 - h["beta1"])
    exp_inf = jnp.maximum(state["exp_inf"] * cast(h["beta2"], p), jnp.abs(g) + cast(h["eps"], p))
    clr = h["lr"] / (1 - h["beta1"] ** step.astype(jnp.float64))
    return p - cast(clr, p) * (exp_avg / exp_inf), {"step": step, "exp_avg": exp_avg, "exp_inf": exp_inf}
