"""Device-side value checks (jtorch.debug.check_values): torch's errors for values the host cannot see.

When a checked op's input is pending, `_checks` calls `record`: one small op joins the
graph and computes, inside the same compiled program as everything else, an int64 pair
(which check failed or 0, the first offending value). The tensor is held here, so the next
sync computes it with the other live tensors; `raise_failed` runs after each sync and raises
the error of the first failed check, recorded in program order, in torch's words.

Used only while the mode is on (`_checks.device` is this module then, else None), so the
ordinary path pays nothing but a `None` test on a pending value.
"""
import threading

import jax.numpy as jnp
import numpy as np

from .. import _device
from .._engine import modes, sync
from .registry import op


@op("_check_values", tensors=("input",), method=False, function=False, differentiable=False)
def _check_values(input, *, kind, limit):
    first = jnp.zeros((), jnp.int64)
    if kind == "nonzero":
        code = jnp.any(input == 0).astype(jnp.int64)
    elif kind == "range":
        flat = input.reshape(-1)
        bad = (flat < limit[0]) | (flat >= limit[1])
        code = jnp.any(bad).astype(jnp.int64)
        first = flat[jnp.argmax(bad)].astype(jnp.int64)  # argmax: the first True, row-major
    elif kind == "classes":
        code = jnp.where(jnp.any(input < 0), 1, jnp.where(jnp.any(input >= limit), 2, 0)).astype(jnp.int64)
    elif kind == "distribution":
        garbage = jnp.any(~jnp.isfinite(input) | (input < 0))
        code = jnp.where(garbage, 1, jnp.where(jnp.any(jnp.sum(input, -1) <= 0), 2, 0)).astype(jnp.int64)
    elif kind == "unit":
        code = jnp.any(~((input >= 0) & (input <= 1))).astype(jnp.int64)
    else:
        raise ValueError(f"unknown value check {kind!r}")
    return jnp.stack([code, first])


class _Recorded(threading.local):
    def __init__(self):
        self.checks = []  # (check result Tensor, error(code, value) -> exception), in recording order


_recorded = _Recorded()


def record(tensor, kind, limit, error):
    """Check the pending `tensor` on the device; `error(code, first value)` is raised at the next sync."""
    if modes.get().tracing or tensor.numel() == 0:
        return  # traced values are checked by no sync; nothing to check in an empty tensor
    if tensor._fresh_lazy().value is _device.META:
        return
    _recorded.checks.append((_check_values(tensor, kind=kind, limit=limit), error))


def raise_failed():
    """After a sync: drop the checks it computed, raising the first failure among them."""
    checks = _recorded.checks
    if not checks:
        return
    done = [c for c in checks if c[0]._lazy.value is not None]
    if not done:
        return
    _recorded.checks = [c for c in checks if c[0]._lazy.value is None]
    for result, error in done:
        code, value = np.asarray(result._lazy.value).tolist()
        if code:
            raise error(code, value)


def install():
    """Have every sync run `raise_failed` (it stays after the mode goes off: checks recorded
    while it was on still raise when computed)."""
    if raise_failed not in sync.after_sync:
        sync.after_sync.append(raise_failed)
