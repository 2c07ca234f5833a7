"""torch.optim.NAdam: torch's momentum-decay schedule (mu_product state), optional decoupled decay."""
import jax.numpy as jnp
import numpy as np

from .adam import moments, weight_decay
from .optimizer import Optimizer, cast, check, check_betas, check_lr, rule, step_state, zeros


class NAdam(Optimizer):
    _rule = "nadam"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_lr(lr)
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        check_betas(betas)
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return ("step", "mu_product", "exp_avg", "exp_avg_sq")

    def _init_state(self, p, group):
        return {"step": step_state(p), "mu_product": np.ones((), np.float32), "exp_avg": zeros(p),
                "exp_avg_sq": zeros(p)}

    def _hyper(self, group, params):
        b1, b2 = group["betas"]
        return dict(lr=group["lr"], beta1=b1, beta2=b2, eps=group["eps"], weight_decay=group["weight_decay"],
                    momentum_decay=group["momentum_decay"])

    def _config(self, group):
        return (("maximize", bool(group["maximize"])), ("decoupled", bool(group["decoupled_weight_decay"])))


@rule("nadam")
def _nadam(p, g, state, h, i, *, maximize, decoupled):
    if maximize:
        g = -g
    step = state["step"] + 1
    s = step.astype(jnp.float64)
    b1, b2, lr = h["beta1"], h["beta2"], h["lr"]
    bc2 = 1 - b2 ** s
    p, g = weight_decay(p, g, h, decoupled)
    mu = b1 * (1.0 - 0.5 * 0.96 ** (s * h["momentum_decay"]))
    mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((s + 1) * h["momentum_decay"]))
    # torch keeps mu_product as a float32 tensor and reads it back as a Python float
    mu_product = state["mu_product"] * mu.astype(state["mu_product"].dtype)
    mp = mu_product.astype(jnp.float64)
    exp_avg, exp_avg_sq = moments(state["exp_avg"], state["exp_avg_sq"], g, b1, b2)
    denom = jnp.sqrt(exp_avg_sq / cast(bc2, p)) + cast(h["eps"], p)
    p = p + cast(-lr * (1.0 - mu) / (1.0 - mp), p) * (g / denom)
    p = p + cast(-lr * mu_next / (1.0 - mp * mu_next), p) * (exp_avg / denom)
    return p, {"step": step, "mu_product": mu_product, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
