"""torch.optim.Adafactor: factored second moments for matrices, relative step sizes, update clipping."""
import jax.numpy as jnp
import numpy as np

from .optimizer import Optimizer, cast, check, lerp, rule, step_state, zeros


class Adafactor(Optimizer):
    _rule = "adafactor"

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        check(beta2_decay <= 0.0, f"beta2_decay should be <= 0 but is: {beta2_decay}")
        check(eps[0] is None or 0.0 <= eps[0], f"epsilon1 should be >= 0 but is: {eps[0]}")
        check(0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}")
        check(1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}")
        check(0.0 <= weight_decay, f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _param_state_names(self, group, p):
        return ("step", "row_var", "col_var") if p.dim() > 1 else ("step", "variance")

    def _init_state(self, p, group):
        if p.is_complex():
            raise RuntimeError("Adafactor does not support complex parameters")
        if p.dim() > 1:
            shape = tuple(p.shape)
            return {"step": step_state(p), "row_var": np.zeros(shape[:-1] + (1,), p.dtype.np),
                    "col_var": np.zeros(shape[:-2] + (1, shape[-1]), p.dtype.np)}
        return {"step": step_state(p), "variance": zeros(p)}

    def _hyper(self, group, params):
        eps1, eps2 = group["eps"]
        # eps1=None means the parameter dtype's eps, chosen inside the update
        return dict(lr=group["lr"], beta2_decay=group["beta2_decay"], eps1=-1.0 if eps1 is None else eps1,
                    eps2=eps2, d=group["d"], weight_decay=group["weight_decay"])

    def _config(self, group):
        return (("maximize", bool(group["maximize"])),)


def _norm(x, axis=None):
    return jnp.sqrt(jnp.sum(x * x, axis=axis, keepdims=axis is not None))


@rule("adafactor")
def _adafactor(p, g, state, h, i, *, maximize):
    if maximize:
        g = -g
    step = state["step"] + 1
    s = step.astype(jnp.float64)
    eps1 = jnp.where(h["eps1"] < 0, float(jnp.finfo(p.dtype).eps), h["eps1"])
    weight = s ** h["beta2_decay"]
    rho_t = jnp.minimum(h["lr"], 1 / jnp.sqrt(s))
    alpha = jnp.maximum(h["eps2"], _norm(p).astype(jnp.float64) / p.size ** 0.5) * rho_t
    p = p * cast(1 - h["lr"] * h["weight_decay"], p)
    new = {"step": step}
    if p.ndim > 1:
        row_var = lerp(state["row_var"], jnp.square(_norm(g, -1)) / g.shape[-1], weight)
        col_var = lerp(state["col_var"], jnp.square(_norm(g, -2)) / g.shape[-2], weight)
        new.update(row_var=row_var, col_var=col_var)
        var_estimate = row_var @ col_var
        var_estimate = var_estimate / jnp.maximum(jnp.mean(row_var, axis=-2, keepdims=True), cast(eps1, p))
    else:
        var_estimate = new["variance"] = lerp(state["variance"], g * g, weight)
    update = g / jnp.sqrt(jnp.maximum(var_estimate, cast(eps1 * eps1, p)))
    denom = jnp.maximum(1.0, _norm(update).astype(jnp.float64) / (update.size ** 0.5 * h["d"]))
    return p - cast(alpha / denom, p) * update, new
