"""torch.optim.RAdam: rectified Adam with torch's threshold (rho_t > 5), optional decoupled decay."""
import jax.numpy as jnp

from .adam import moments, weight_decay
from .optimizer import Optimizer, cast, check, check_betas, check_lr, rule, step_state, zeros


class RAdam(Optimizer):
    _rule = "radam"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        check_betas(betas)
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return ("step", "exp_avg", "exp_avg_sq")

    def _init_state(self, p, group):
        return {"step": step_state(p), "exp_avg": zeros(p), "exp_avg_sq": zeros(p)}

    def _hyper(self, group, params):
        b1, b2 = group["betas"]
        return dict(lr=group["lr"], beta1=b1, beta2=b2, eps=group["eps"], weight_decay=group["weight_decay"])

    def _config(self, group):
        return (("maximize", bool(group["maximize"])), ("decoupled", bool(group["decoupled_weight_decay"])))


@rule("radam")
def _radam(p, g, state, h, i, *, maximize, decoupled):
    if maximize:
        g = -g
    step = state["step"] + 1
    s = step.astype(jnp.float64)
    b1, b2, lr = h["beta1"], h["beta2"], h["lr"]
    p, g = weight_decay(p, g, h, decoupled)
    exp_avg, exp_avg_sq = moments(state["exp_avg"], state["exp_avg_sq"], g, b1, b2)
    bc1, bc2 = 1 - b1 ** s, 1 - b2 ** s
    corrected = exp_avg / cast(bc1, p)
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * s * (b2 ** s) / bc2
    rectify = rho_t > 5.0
    safe = jnp.where(rectify, rho_t, 6.0)  # keeps the unused branch finite
    rect = jnp.sqrt((safe - 4) * (safe - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * safe))
    adaptive = cast(jnp.sqrt(bc2), p) / (jnp.sqrt(exp_avg_sq) + cast(h["eps"], p))
    rectified = p - corrected * cast(lr, p) * adaptive * cast(rect, p)
    plain = p - corrected * cast(lr, p)
    return jnp.where(rectify, rectified, plain), {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
