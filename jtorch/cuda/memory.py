"""torch.cuda.memory: allocator statistics and controls.

XLA owns the device allocator, so the statistics are jax's `memory_stats()` and the controls that
tune torch's caching allocator (fractions, pools, pluggable allocators) have no counterpart: they
raise torch's error without a GPU and otherwise do nothing."""
import collections
import contextlib

from . import (empty_cache as empty_cache, is_initialized as is_initialized,  # noqa: F401
               max_memory_allocated as max_memory_allocated, max_memory_reserved as max_memory_reserved,
               mem_get_info as mem_get_info, memory_allocated as memory_allocated, memory_reserved as memory_reserved,
               memory_stats as memory_stats, reset_peak_memory_stats as reset_peak_memory_stats)
from ._lazy import require_cuda

__all__ = ["caching_allocator_alloc", "caching_allocator_delete", "caching_allocator_enable",
           "get_per_process_memory_fraction", "set_per_process_memory_fraction", "empty_cache", "memory_stats",
           "memory_stats_as_nested_dict", "reset_accumulated_memory_stats", "reset_peak_memory_stats",
           "reset_max_memory_allocated", "reset_max_memory_cached", "host_memory_stats",
           "host_memory_stats_as_nested_dict", "reset_accumulated_host_memory_stats", "reset_peak_host_memory_stats",
           "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved", "memory_cached",
           "max_memory_cached", "memory_snapshot", "memory_summary", "list_gpu_processes", "mem_get_info",
           "get_allocator_backend", "CUDAPluggableAllocator", "change_current_allocator", "MemPool", "use_mem_pool"]

_fraction = {}


def caching_allocator_alloc(size, device=None, stream=None):
    require_cuda()
    raise NotImplementedError("jtorch: XLA allocates device memory itself; raw allocations are not available")


def caching_allocator_delete(mem_ptr):
    require_cuda()
    raise NotImplementedError("jtorch: XLA allocates device memory itself; raw allocations are not available")


@contextlib.contextmanager
def caching_allocator_disabled():
    yield


def caching_allocator_enable(value=True):
    return None


def set_per_process_memory_fraction(fraction, device=None):
    """Recorded only: XLA's share of device memory is set before start-up (XLA_PYTHON_CLIENT_MEM_FRACTION)."""
    require_cuda()
    if not isinstance(fraction, float):
        raise TypeError("Invalid type for fraction argument, must be `float`")
    if not 0 <= fraction <= 1:
        raise ValueError(f"Invalid fraction value: {fraction}. Allowed range: 0~1")
    _fraction[device] = fraction


def get_per_process_memory_fraction(device=None):
    require_cuda()
    return _fraction.get(device, 1.0)


def _nested(flat):
    """torch's nested view of "a.b.c" keys."""
    out = {}
    for key, value in flat.items():
        node = out
        *path, last = key.split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def memory_stats_as_nested_dict(device=None):
    return _nested(memory_stats(device))


def host_memory_stats():
    return collections.OrderedDict()


def host_memory_stats_as_nested_dict():
    return {}


def _no_reset(*_, **__):
    """XLA keeps its own counters; they cannot be reset from Python."""
    require_cuda()


def reset_accumulated_memory_stats(device=None):
    _no_reset()


def reset_max_memory_allocated(device=None):
    _no_reset()


def reset_max_memory_cached(device=None):
    _no_reset()


def reset_accumulated_host_memory_stats():
    _no_reset()


def reset_peak_host_memory_stats():
    _no_reset()


def memory_cached(device=None):
    return memory_reserved(device)


def max_memory_cached(device=None):
    return max_memory_reserved(device)


def memory_snapshot(mempool_id=None, include_traces=True):
    require_cuda()
    return []


def memory_summary(device=None, abbreviated=False):
    stats = memory_stats(device)
    rows = [f"  {k}: {v}" for k, v in sorted(stats.items())]
    return "jtorch (XLA allocator) memory summary\n" + "\n".join(rows)


def list_gpu_processes(device=None):
    return "pynvml module not found, please install nvidia-ml-py"


def get_allocator_backend():
    require_cuda()
    return "xla"


class CUDAPluggableAllocator:
    def __init__(self, path_to_so_file, alloc_fn_name, free_fn_name):
        raise NotImplementedError("jtorch: XLA owns the device allocator; a pluggable allocator cannot replace it")


def change_current_allocator(allocator):
    raise NotImplementedError("jtorch: XLA owns the device allocator; a pluggable allocator cannot replace it")


class MemPool:
    def __init__(self, allocator=None, use_on_oom=False, no_split=False):
        raise RuntimeError("Tried to instantiate dummy base class MemPool")


@contextlib.contextmanager
def use_mem_pool(pool, device=None):
    yield
