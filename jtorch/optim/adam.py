"""torch.optim.Adam (amsgrad, L2 or decoupled weight decay, maximize); AdamW subclasses it."""
import jax.numpy as jnp
import optax

from .optimizer import Optimizer, cast, check, check_betas, check_lr, lerp, rule, step_state, zeros


class Adam(Optimizer):
    _rule = "adam"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_lr(lr)
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        check_betas(betas)
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    def _init_state(self, p, group):
        st = {"step": step_state(p), "exp_avg": zeros(p), "exp_avg_sq": zeros(p)}
        if group["amsgrad"]:
            st["max_exp_avg_sq"] = zeros(p)
        return st

    def _hyper(self, group, params):
        b1, b2 = group["betas"]
        return dict(lr=group["lr"], beta1=b1, beta2=b2, eps=group["eps"], weight_decay=group["weight_decay"])

    def _config(self, group):
        return (("amsgrad", bool(group["amsgrad"])), ("maximize", bool(group["maximize"])),
                ("decoupled", bool(group.get("decoupled_weight_decay", False))))


def weight_decay(p, g, h, decoupled):
    """torch's two weight decays: p *= 1 - lr*wd (decoupled) or g += wd*p (L2)."""
    if decoupled:
        return p * cast(1 - h["lr"] * h["weight_decay"], p), g
    return p, g + cast(h["weight_decay"], p) * p


def moments(exp_avg, exp_avg_sq, g, b1, b2):
    """exp_avg.lerp_(g, 1 - b1); exp_avg_sq.mul_(b2).addcmul_(g, g, value=1 - b2)."""
    exp_avg = lerp(exp_avg, g, 1 - b1)
    exp_avg_sq = exp_avg_sq * cast(b2, g) + cast(1 - b2, g) * (g * g)
    return exp_avg, exp_avg_sq


@rule("adam")
def _adam(p, g, state, h, i, *, amsgrad, maximize, decoupled):
    if maximize:
        g = -g
    step = state["step"] + 1
    p, g = weight_decay(p, g, h, decoupled)
    if not amsgrad:
        # optax's scale_by_adam is torch's update (bias-corrected m / (sqrt(v_hat) + eps))
        tx = optax.scale_by_adam(b1=cast(h["beta1"], p), b2=cast(h["beta2"], p), eps=cast(h["eps"], p))
        inner = optax.ScaleByAdamState(count=state["step"].astype(jnp.int32), mu=state["exp_avg"],
                                       nu=state["exp_avg_sq"])
        u, inner = tx.update(g, inner)
        return p - cast(h["lr"], p) * u, {"step": step, "exp_avg": inner.mu, "exp_avg_sq": inner.nu}
    # optax's amsgrad takes the max of bias-corrected moments; torch takes it before correcting
    s = step.astype(jnp.float64)
    exp_avg, exp_avg_sq = moments(state["exp_avg"], state["exp_avg_sq"], g, h["beta1"], h["beta2"])
    bc1 = 1 - h["beta1"] ** s
    bc2_sqrt = jnp.sqrt(1 - h["beta2"] ** s)
    mx = jnp.maximum(state["max_exp_avg_sq"], exp_avg_sq)
    denom = jnp.sqrt(mx) / cast(bc2_sqrt, p) + cast(h["eps"], p)
    p = p - cast(h["lr"] / bc1, p) * (exp_avg / denom)
    return p, {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq, "max_exp_avg_sq": mx}
