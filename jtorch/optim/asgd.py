"""torch.optim.ASGD: averaged SGD (eta, mu and the average ax live in the state)."""
import jax.numpy as jnp
import numpy as np

from .optimizer import Optimizer, cast, check, check_lr, rule, step_state, zeros


class ASGD(Optimizer):
    _rule = "asgd"

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return ("step", "eta", "mu", "ax")

    def _init_state(self, p, group):
        return {"step": step_state(p), "eta": np.asarray(float(group["lr"]), np.float32),
                "mu": np.ones((), np.float32), "ax": zeros(p)}

    def _hyper(self, group, params):
        return dict(lr=group["lr"], lambd=group["lambd"], alpha=group["alpha"], t0=group["t0"],
                    weight_decay=group["weight_decay"])

    def _config(self, group):
        return (("maximize", bool(group["maximize"])),)


@rule("asgd")
def _asgd(p, g, state, h, i, *, maximize):
    if maximize:
        g = -g
    step = state["step"] + 1
    g = g + cast(h["weight_decay"], p) * p
    eta = state["eta"].astype(jnp.float64)
    p = p * cast(1 - h["lambd"] * eta, p)
    p = p - cast(eta, p) * g
    mu = state["mu"]
    ax = jnp.where(mu != 1, state["ax"] + (p - state["ax"]) * mu.astype(p.dtype), p)
    s = step.astype(jnp.float64)
    new_eta = h["lr"] / ((1 + h["lambd"] * h["lr"] * s) ** h["alpha"])
    new_mu = 1 / jnp.maximum(1.0, s - h["t0"])
    return p, {"step": step, "eta": new_eta, "mu": new_mu, "ax": ax}
