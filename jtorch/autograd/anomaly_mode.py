"""detect_anomaly / set_detect_anomaly: find the backward function that produced NaN.

jtorch differentiates a whole graph in one jax.vjp, so there is no per-function backward to
check as it runs. With anomaly detection on (and check_nan), backward() and grad() read the
gradients they produce; when one holds NaN, the graph is replayed op by op on the host with the
cotangent reaching each op, and the first op (in backward order) whose own vjp turns a NaN-free
cotangent into NaN is named in torch's words: "Function 'SqrtBackward0' returned nan values in
its 0th output."
"""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from .._engine import program
from .._engine import sync
import functools

_GLOBAL = {"enabled": False, "check_nan": True}


def is_anomaly_enabled():
    return _GLOBAL["enabled"]


def is_anomaly_check_nan_enabled():
    return _GLOBAL["check_nan"]


def set_anomaly_enabled(enabled, check_nan=True):
    _GLOBAL["enabled"], _GLOBAL["check_nan"] = bool(enabled), bool(check_nan)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on for its block."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)

    def __call__(self, fn):

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Sets anomaly detection on or off; as a context manager the previous setting comes back on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)

    def clone(self):
        return self.__class__(is_anomaly_enabled(), is_anomaly_check_nan_enabled())


def snapshot(roots):
    """The forward graph of `roots` as it stands before the vjp (which may take its values over)."""
    if not (_GLOBAL["enabled"] and _GLOBAL["check_nan"]):
        return None
    return program.build(roots, lambda lz: lz.grad_fn is None or lz.node is None)


def check(graph, cots, grads):
    """Raise torch's error when anomaly mode checks NaN and a computed gradient holds one."""
    if graph is None:
        return
    grads = [g for g in grads if g is not None]
    sync.materialize(grads, "anomaly detection")
    if not any(_has_nan(g.value) for g in grads):
        return
    name, index = _culprit(graph, cots)
    raise RuntimeError(f"Function '{name}' returned nan values in its {index}th output.")


def _has_nan(v):
    v = np.asarray(v)
    return v.dtype.kind in "fc" and bool(np.isnan(v).any())


def _culprit(graph, cots):
    """(grad_fn name, input index) of the first op whose vjp makes NaN from a NaN-free cotangent."""
    prog, leaves, nodes = graph
    sync.materialize(list(leaves) + list(cots), "anomaly detection")
    leaf_vals = [lz.value for lz in leaves]
    # forward, keeping every op's inputs and output
    env = {}
    for k, lz in enumerate(leaves):
        env[(-1 - k, None)] = leaf_vals[k]
    outs, ins = [], []
    for i, (op, static, refs) in enumerate(prog.code):
        args = [None if r is None else _ref(env, outs, r) for r in refs]
        ins.append(args)
        outs.append(op.lower(*args, **dict(static)))
    # cotangents, from the roots down (code is in topological order)
    ct = [None] * len(outs)
    for (slot, idx), c in zip(prog.outputs, cots):
        if slot >= 0:
            ct[slot] = _accumulate(ct[slot], outs[slot], idx, c.value)
    for i in reversed(range(len(outs))):
        if ct[i] is None:
            continue
        op, static, refs = prog.code[i]
        pos = [k for k, a in enumerate(ins[i]) if a is not None and jnp.issubdtype(jnp.asarray(a).dtype, jnp.inexact)]
        if not pos or not op.differentiable:
            continue

        def f(*diff, _i=i, _pos=pos):
            args = list(ins[_i])
            for k, v in zip(_pos, diff):
                args[k] = v
            return op.lower(*args, **dict(static))
        _, vjp = jax.vjp(f, *[ins[i][k] for k in pos])
        grads = vjp(_zero_fill(outs[i], ct[i]))
        for k, g in zip(pos, grads):
            if _has_nan(g):
                return op.grad_name, k
            r = refs[k]
            if r is not None and r[0] >= 0:
                ct[r[0]] = _accumulate(ct[r[0]], outs[r[0]], r[1], g)
    node = nodes[-1] if nodes else None
    return (node.op.grad_name if node is not None else "backward"), 0


def _ref(env, outs, r):
    slot, idx = r
    if slot < 0:
        return env[(slot, None)]
    return outs[slot] if idx is None else outs[slot][idx]


def _accumulate(acc, out, idx, c):
    if isinstance(out, (tuple, list)):
        acc = list(acc) if acc is not None else [None] * len(out)
        acc[idx] = c if acc[idx] is None else acc[idx] + c
        return acc
    return c if acc is None else acc + c


def _zero_fill(out, ct):
    if isinstance(out, (tuple, list)):
        return type(out)(_zero_ct(o) if c is None else jnp.asarray(c, o.dtype) for o, c in zip(out, ct))
    return jnp.asarray(ct, out.dtype)


def _zero_ct(o):
    if jnp.issubdtype(o.dtype, jnp.inexact):
        return jnp.zeros_like(o)
    return np.zeros(o.shape, jax.dtypes.float0)
