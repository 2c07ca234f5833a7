"""torch.accelerator: the machine's accelerator, whatever its kind (JAX's GPU or TPU backend here).

Without one, is_available() is False and current_accelerator() is None, as in torch on a CPU-only machine;
the device queries then raise torch's "Cannot access accelerator device when none is available.".
"""
import jax

from . import _device
import collections
from .cuda.streams import current_stream as _current_stream
from .cuda.graphs import CUDAGraph

__all__ = ["Graph", "current_accelerator", "current_device_idx", "current_device_index", "get_device_capability",
           "current_stream", "device_count", "device_index", "empty_cache", "empty_host_cache", "get_memory_info",
           "is_available", "max_memory_allocated", "max_memory_reserved", "memory_allocated", "memory_reserved",
           "memory_stats", "reset_accumulated_memory_stats", "reset_peak_memory_stats", "set_device_idx",
           "set_device_index", "set_stream", "synchronize"]

_TYPE = {"gpu": "cuda", "tpu": "tpu"}


def _platform():
    backend = jax.default_backend()
    return backend if backend in _TYPE else None


def _devices():
    p = _platform()
    return jax.devices(p) if p else []


def is_available():
    return _platform() is not None


def device_count():
    return len(_devices())


def current_accelerator(check_available=False):
    p = _platform()
    return _device.device(_TYPE[p]) if p else None


_current = [0]


def current_device_index():
    if not is_available():
        raise RuntimeError(_NONE)
    return _current[0]


current_device_idx = current_device_index


def set_device_index(device, /):
    """Remember the index; jtorch places tensors by explicit device, so it only answers current_device_index."""
    if device is None:
        return
    idx = device if isinstance(device, int) else _device.device(device).index or 0
    if idx < 0 or idx >= max(device_count(), 1):
        raise RuntimeError(f"Invalid device index {idx}: {device_count()} accelerator device(s)")
    _current[0] = idx


set_device_idx = set_device_index


class device_index:  # noqa: N801 - torch's name
    """Context manager making `device` the current index for its block."""

    def __init__(self, device, /):
        self.device = device

    def __enter__(self):
        self.prev = _current[0]
        set_device_index(self.device)

    def __exit__(self, *exc):
        _current[0] = self.prev
        return False


_NONE = "Cannot access accelerator device when none is available."


def _dev(device_index):
    devs = _devices()
    if not devs:
        raise RuntimeError(_NONE)
    idx = _current[0] if device_index is None else (
        device_index if isinstance(device_index, int) else _device.device(device_index).index or 0)
    return devs[idx]


def _stats(device_index=None):
    return _dev(device_index).memory_stats() or {}


def memory_stats(device_index=None, /):
    return collections.OrderedDict(sorted(_stats(device_index).items()))


def memory_allocated(device_index=None, /):
    return int(_stats(device_index).get("bytes_in_use", 0))


def max_memory_allocated(device_index=None, /):
    return int(_stats(device_index).get("peak_bytes_in_use", 0))


def memory_reserved(device_index=None, /):
    st = _stats(device_index)
    return int(st.get("bytes_reserved", st.get("bytes_limit", 0)))


def max_memory_reserved(device_index=None, /):
    st = _stats(device_index)
    return int(st.get("peak_bytes_reserved", st.get("bytes_limit", 0)))


def get_memory_info(device_index=None, /):
    """(free, total) bytes as XLA's allocator sees them."""
    st = _stats(device_index)
    total = int(st.get("bytes_limit", 0))
    return total - int(st.get("bytes_in_use", 0)), total


def reset_peak_memory_stats(device_index=None, /):
    """XLA's allocator keeps its own peak; it cannot be reset from Python."""


def reset_accumulated_memory_stats(device_index=None, /):
    """XLA's allocator keeps its own counters; they cannot be reset from Python."""


def empty_cache():
    """XLA frees device buffers when their arrays die; there is no cache to empty."""
    if not is_available():
        raise RuntimeError(_NONE)


def empty_host_cache():
    """No pinned-host cache exists."""


def get_device_capability(device=None, /):
    d = _dev(device)
    cc = str(getattr(d, "compute_capability", "0.0")).split(".")
    return {"major": int(cc[0]), "minor": int(cc[1]) if len(cc) > 1 else 0, "device_kind": d.device_kind}


def synchronize(device=None, /):
    """Wait until the accelerator has finished the work queued on it."""
    jax.effects_barrier()
    (jax.device_put(0.0, _dev(device)) + 0).block_until_ready()


def current_stream(device=None, /):
    return _current_stream(device)


def set_stream(stream):
    """Work is ordered by XLA whatever stream is current."""


def Graph(keep_graph=False, *, pool=None, capture_error_mode="default"):  # noqa: N802 - torch's name
    return CUDAGraph(keep_graph)
