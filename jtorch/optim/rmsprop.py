"""torch.optim.RMSprop: eps outside the sqrt (optax puts it inside), centered, momentum."""
import jax.numpy as jnp

from .optimizer import Optimizer, cast, check, check_lr, lerp, rule, step_state, zeros


class RMSprop(Optimizer):
    _rule = "rmsprop"

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _state_names(self, group):
        return (("step", "square_avg") + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def _init_state(self, p, group):
        st = {"step": step_state(p), "square_avg": zeros(p)}
        if group["momentum"] > 0:
            st["momentum_buffer"] = zeros(p)
        if group["centered"]:
            st["grad_avg"] = zeros(p)
        return st

    def _hyper(self, group, params):
        return dict(lr=group["lr"], alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
                    momentum=group["momentum"])

    def _config(self, group):
        return (("momentum", group["momentum"] > 0), ("centered", bool(group["centered"])),
                ("maximize", bool(group["maximize"])))


@rule("rmsprop")
def _rmsprop(p, g, state, h, i, *, momentum, centered, maximize):
    if maximize:
        g = -g
    new = {"step": state["step"] + 1}
    g = g + cast(h["weight_decay"], p) * p
    alpha = h["alpha"]
    sq = state["square_avg"] * cast(alpha, p) + cast(1 - alpha, p) * (g * g)
    new["square_avg"] = sq
    if centered:
        ga = lerp(state["grad_avg"], g, 1 - alpha)
        new["grad_avg"] = ga
        avg = jnp.sqrt(sq - ga * ga)
    else:
        avg = jnp.sqrt(sq)
    avg = avg + cast(h["eps"], p)
    lr = cast(h["lr"], p)
    if momentum:
        buf = state["momentum_buffer"] * cast(h["momentum"], p) + g / avg
        new["momentum_buffer"] = buf
        return p - lr * buf, new
    return p - lr * (g / avg), new
