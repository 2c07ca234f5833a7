"""torch.cuda.nvtx: profiler ranges. NVTX is a CUDA-toolkit library torch links; jtorch has none,
so these raise torch's error for a build without it (jax.profiler.TraceAnnotation is the JAX way)."""
import contextlib

__all__ = ["range_push", "range_pop", "range_start", "range_end", "mark", "range"]

_MESSAGE = "NVTX functions not installed. Are you sure you have a CUDA build?"


def _missing(*args, **kwargs):
    raise RuntimeError(_MESSAGE)


def range_push(msg):
    _missing()


def range_pop():
    _missing()


def range_start(msg):
    _missing()


def range_end(range_id):
    _missing()


def mark(msg):
    _missing()


@contextlib.contextmanager
def range(msg, *args, **kwargs):  # noqa: A001 - torch's name
    range_push(msg.format(*args, **kwargs))
    try:
        yield
    finally:
        range_pop()
