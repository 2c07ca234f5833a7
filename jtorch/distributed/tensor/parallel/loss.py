"""loss_parallel: a loss over class-sharded logits inside one process."""
import contextlib

from .._api import _mixing

__all__ = ["loss_parallel"]


@contextlib.contextmanager
def loss_parallel():
    """Inside, `cross_entropy` (and `nll_loss`) take logits that are a DTensor sharded along the class dim with
    a plain target (read as the whole, replicated target). The value is the unsharded loss: XLA reduces over
    the sharded classes inside the program, so no gathered logits are built by hand."""
    _mixing.allowed += 1
    try:
        yield
    finally:
        _mixing.allowed -= 1
