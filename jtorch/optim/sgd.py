"""torch.optim.SGD: momentum (with dampening), Nesterov, L2 weight decay, maximize."""
import jax.numpy as jnp

from .optimizer import Optimizer, cast, check, check_lr, rule, zeros


class SGD(Optimizer):
    _rule = "sgd"

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        check_lr(lr)
        check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    # options added after SGD first shipped: groups pickled before them get torch's fill-ins
    _LATER_OPTIONS = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False, "fused": False}

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in self._LATER_OPTIONS.items():
                group.setdefault(key, value)

    def _state_names(self, group):
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _init_state(self, p, group):
        # torch creates the buffer from the first grad; zeros + a `fresh` flag give the
        # first step the same program as every later one
        return {"momentum_buffer": zeros(p)} if group["momentum"] != 0 else {}

    def _hyper(self, group, params):
        fresh = [float("momentum_buffer" not in self.state.get(p, {})) for p in params]
        return dict(lr=group["lr"], momentum=group["momentum"], dampening=group["dampening"],
                    weight_decay=group["weight_decay"], fresh=fresh)

    def _config(self, group):
        return (("momentum", group["momentum"] != 0), ("nesterov", bool(group["nesterov"])),
                ("maximize", bool(group["maximize"])))


@rule("sgd")
def _sgd(p, g, state, h, i, *, momentum, nesterov, maximize):
    if maximize:
        g = -g
    g = g + cast(h["weight_decay"], p) * p
    if momentum:
        mom = cast(h["momentum"], p)
        buf = state["momentum_buffer"]
        buf = jnp.where(h["fresh"][i] > 0, g, buf * mom + cast(1 - h["dampening"], p) * g)
        state = {"momentum_buffer": buf}
        g = g + mom * buf if nesterov else buf
    return p - cast(h["lr"], p) * g, state
