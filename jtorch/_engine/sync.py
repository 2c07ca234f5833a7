"""Sync points: turning pending values into concrete arrays with one compiled program.

At a sync every pending tensor the user still holds is computed together, so a training
step's loss, outputs, gradients and updated parameters come out of ONE XLA program and
the `loss.item()` that follows is free.
"""
import time
import weakref

from . import metrics, program

_live = weakref.WeakSet()  # Tensors whose value is pending


def track(tensor):
    _live.add(tensor)


def materialize(lazies, reason):
    """Make every pending Lazy in `lazies`, and every live pending tensor, concrete."""
    roots = {id(lz): lz for lz in lazies if lz.value is None}
    if not roots:
        return
    for t in list(_live):
        lz = t._lazy
        if lz.value is None:
            roots[id(lz)] = lz
    _live.clear()
    run(sorted(roots.values(), key=_serial), reason)


def _serial(lz):
    return lz.serial


def run(roots, reason):
    metrics.count("sync:" + reason)
    prog, leaves, _ = program.build(roots)
    fn, new = program.executable(prog)
    t0 = time.perf_counter()
    values = fn(*[lz.value for lz in leaves])
    # a first call traces and compiles: its time is counted as compile time
    metrics.add_seconds("compile" if new else "execute", time.perf_counter() - t0)
    for lz, v in zip(roots, values):
        lz.value = v
        if lz.grad_fn is None or lz.node is None or lz.node.freed:
            lz.node = None
