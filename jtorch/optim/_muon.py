"""torch.optim.Muon: momentum orthogonalised by Newton-Schulz iterations (bfloat16, like torch)."""
import math

import jax.numpy as jnp

from .optimizer import Optimizer, cast, check, lerp, rule

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.775, 2.0315
DEFAULT_NS_STEPS = 5


class Muon(Optimizer):
    _rule = "muon"

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS, ns_steps=DEFAULT_NS_STEPS,
                 adjust_lr_fn=None):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        check(0.0 <= momentum, f"momentum should be >= 0 but is: {momentum}")
        check(0.0 <= weight_decay, f"weight decay should be >= 0 but is: {weight_decay}")
        check(adjust_lr_fn in (None, "original", "match_rms_adamw"),
              f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                check(p.ndim == 2, f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                   f"{p.size()}")

    def _state_names(self, group):
        return ("momentum_buffer",)

    def _init_state(self, p, group):
        if p.is_complex():
            raise RuntimeError("Muon does not support complex parameters")
        from .optimizer import zeros
        return {"momentum_buffer": zeros(p)}

    def _hyper(self, group, params):
        a, b, c = group["ns_coefficients"]
        return dict(lr=group["lr"], weight_decay=group["weight_decay"], momentum=group["momentum"], a=a, b=b, c=c,
                    eps=group["eps"])

    def _config(self, group):
        if group["ns_steps"] >= 100:
            raise ValueError("Number of steps must be less than 100 for computational efficiency")
        return (("nesterov", bool(group["nesterov"])), ("ns_steps", int(group["ns_steps"])),
                ("adjust_lr_fn", group["adjust_lr_fn"]))


def _zeropower_via_newtonschulz(grad, h, ns_steps):
    x = grad.astype(jnp.bfloat16)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    x = x / jnp.maximum(jnp.sqrt(jnp.sum(x * x)), cast(h["eps"], x))
    a, b, c = (cast(h[k], x) for k in "abc")
    for _ in range(ns_steps):
        gram = x @ x.T
        gram_update = b * gram + c * (gram @ gram)
        x = a * x + gram_update @ x
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    A, B = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, A / B))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(A, B))
    return lr


@rule("muon")
def _muon(p, g, state, h, i, *, nesterov, ns_steps, adjust_lr_fn):
    buf = lerp(state["momentum_buffer"], g, 1 - h["momentum"])
    update = lerp(g, buf, h["momentum"]) if nesterov else buf
    update = _zeropower_via_newtonschulz(update, h, ns_steps)
    p = p * cast(1 - h["lr"] * h["weight_decay"], p)
    return p - cast(_adjust_lr(h["lr"], adjust_lr_fn, p.shape), p) * update.astype(p.dtype), {"momentum_buffer": buf}
