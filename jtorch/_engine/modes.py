"""The engine's switches, one set per thread.

torch keeps grad mode, inference mode and autocast per thread, so two threads can train
two models, or one can train while another runs `no_grad` inference. jtorch does the same:
`get()` returns this thread's `Modes`, a plain object the dispatcher reads once per op (an
attribute of a `threading.local` costs several times a slot read). The list of tensors
recorded since the last sync is per thread too, so a sync only computes its own thread's graph.
"""
import os
import threading

# pending ops recorded without a sync before jtorch looks for a Python loop to cut into pieces
# (jtorch/_engine/loops.py); 0 never cuts. Normal training steps stay below it.
LOOP_OPS = int(os.environ.get("JTORCH_LOOP_OPS", "2048"))
_NEVER = 1 << 62


class Modes:
    __slots__ = ("grad_enabled", "inference", "tracing", "forward_mode", "autocast", "live", "next_look", "loop")

    def __init__(self):
        self.grad_enabled = True  # torch.is_grad_enabled()
        self.inference = False    # inside torch.inference_mode()
        self.tracing = 0          # > 0 while jax traces jtorch ops (jtorch.compile, autograd.Function, torch.func)
        self.forward_mode = 0     # > 0 while torch.func traces a forward-mode transform (jvp, linearize, jacfwd)
        self.autocast = None      # None, or fn(op name) -> the dtype its float inputs run in (torch.autocast)
        self.live = []            # weak references to the tensors recorded pending since this thread's last sync
        self.next_look = look_at()  # len(live) at which the dispatcher asks loops.look() to cut a loop
        self.loop = None          # the loop body loops.look() last cut at: (op sequence, periods per piece)


def look_at():
    """The first len(live) at which a pending graph is examined for a loop."""
    return LOOP_OPS if LOOP_OPS > 0 else _NEVER


class _PerThread(threading.local):
    def __init__(self):
        self.modes = Modes()  # runs once in each thread that asks: a new thread starts at torch's defaults


_per_thread = _PerThread()


def get():
    """This thread's Modes."""
    return _per_thread.modes


class grad_disabled:
    """`with grad_disabled():` records no autograd graph (torch.no_grad, for the layers below autograd)."""

    __slots__ = ("_before",)

    def __enter__(self):
        m = get()
        self._before = m.grad_enabled
        m.grad_enabled = False

    def __exit__(self, *exc):
        get().grad_enabled = self._before


class CaptureError(RuntimeError):
    """Raised inside a traced function that needs a concrete value."""


class tracing:
    """Run jtorch ops immediately, on the values jax is tracing, inside this block."""

    __slots__ = ()

    def __enter__(self):
        get().tracing += 1

    def __exit__(self, *exc):
        get().tracing -= 1
