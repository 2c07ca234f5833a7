"""torch.optim.Rprop: per-element step sizes grown or shrunk by the sign of g * prev."""
import jax.numpy as jnp

from .optimizer import Optimizer, cast, check_lr, rule, step_state, zeros


class Rprop(Optimizer):
    _rule = "rprop"

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return ("step", "prev", "step_size")

    def _init_state(self, p, group):
        # the initial step size is the lr at the first step; lr is not used after that
        return {"step": step_state(p), "prev": zeros(p), "step_size": zeros(p, float(group["lr"]))}

    def _hyper(self, group, params):
        (etaminus, etaplus), (lo, hi) = group["etas"], group["step_sizes"]
        return dict(etaminus=etaminus, etaplus=etaplus, step_size_min=lo, step_size_max=hi)

    def _config(self, group):
        return (("maximize", bool(group["maximize"])),)


@rule("rprop")
def _rprop(p, g, state, h, i, *, maximize):
    if maximize:
        g = -g
    sign = jnp.sign(g * state["prev"])
    etaminus = cast(h["etaminus"], p)
    factor = jnp.where(sign > 0, cast(h["etaplus"], p), jnp.where(sign < 0, etaminus, jnp.ones_like(p)))
    step_size = jnp.clip(state["step_size"] * factor, cast(h["step_size_min"], p), cast(h["step_size_max"], p))
    g = jnp.where(factor == etaminus, jnp.zeros_like(g), g)
    return p - jnp.sign(g) * step_size, {"step": state["step"] + 1, "prev": g, "step_size": step_size}
