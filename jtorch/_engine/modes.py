"""The engine's switches, one set per thread.

torch keeps grad mode, inference mode and autocast per thread, so two threads can train
two models, or one can train while another runs `no_grad` inference. jtorch does the same:
every switch the dispatcher reads lives on `state`, a `threading.local` whose class
attributes are the defaults a new thread starts with. The list of tensors recorded since
the last sync is per thread too, so a sync only ever computes its own thread's graph.
"""
import threading


class _State(threading.local):
    grad_enabled = True   # torch.is_grad_enabled()
    inference = False     # inside torch.inference_mode()
    tracing = 0           # > 0 while jax traces jtorch ops (jtorch.compile, autograd.Function, torch.func)
    forward_mode = 0      # > 0 while torch.func traces a forward-mode transform (jvp, linearize, jacfwd)
    autocast = None       # None, or fn(op name) -> the dtype its float inputs run in (torch.autocast)

    def __init__(self):
        # weak references to the tensors this thread recorded pending since its last sync
        self.live = []


state = _State()


class tracing:
    """Run jtorch ops immediately, on the values jax is tracing, inside this block."""

    __slots__ = ()

    def __enter__(self):
        state.tracing += 1

    def __exit__(self, *exc):
        state.tracing -= 1
