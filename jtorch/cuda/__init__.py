"""torch.cuda on JAX's GPU backend ('cuda' devices are jax's 'gpu' platform)."""
import jax

from .. import _device
from .._ops.random import manual_seed as _seed


def _gpus():
    try:
        return jax.devices("gpu")
    except RuntimeError:
        return []


def is_available():
    return bool(_gpus())


def device_count():
    return len(_gpus())


def current_device():
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled (jtorch: JAX has no GPU backend here)")
    return 0


def get_device_name(device=None):
    d = _device.jax_device(_device.device("cuda") if device is None else
                           _device.device(f"cuda:{device}") if isinstance(device, int) else _device.device(device))
    return d.device_kind


def get_device_capability(device=None):
    d = _device.jax_device("cuda" if device is None else device)
    cc = getattr(d, "compute_capability", "0.0")
    major, minor = str(cc).split(".")[:2]
    return int(major), int(minor)


def synchronize(device=None):
    """Wait for all queued device work (jax dispatch is asynchronous): a device runs its work in
    order, so a tiny computation queued there finishes after everything before it."""
    jax.effects_barrier()
    dev = _device.jax_device("cuda" if device is None else device) if is_available() else None
    (jax.device_put(0.0, dev) + 0).block_until_ready()


def manual_seed(seed):
    _seed(seed)


manual_seed_all = manual_seed


def _stats(device=None):
    if not is_available():
        return {}
    d = _device.jax_device("cuda" if device is None else device)
    return d.memory_stats() or {}


def memory_allocated(device=None):
    return int(_stats(device).get("bytes_in_use", 0))


def max_memory_allocated(device=None):
    return int(_stats(device).get("peak_bytes_in_use", 0))


def memory_reserved(device=None):
    return int(_stats(device).get("bytes_reserved", _stats(device).get("bytes_limit", 0)))


def empty_cache():
    pass


def set_device(device):
    pass


def is_bf16_supported(including_emulation=True):
    return is_available()


def memory_stats(device=None):
    """jax's allocator statistics for the device (an empty dict without a GPU)."""
    return dict(_stats(device))


def reset_peak_memory_stats(device=None):
    """XLA's allocator keeps its own peak; it cannot be reset from Python (no-op)."""


def max_memory_reserved(device=None):
    st = _stats(device)
    return int(st.get("peak_bytes_reserved", st.get("bytes_limit", 0)))


def mem_get_info(device=None):
    """(free, total) bytes as XLA's allocator sees them."""
    st = _stats(device)
    total = int(st.get("bytes_limit", 0))
    return total - int(st.get("bytes_in_use", 0)), total


class _DeviceProperties:
    def __init__(self, d):
        st = d.memory_stats() or {}
        self.name = d.device_kind
        self.total_memory = int(st.get("bytes_limit", 0))
        major, minor = str(getattr(d, "compute_capability", "0.0")).split(".")[:2]
        self.major, self.minor = int(major), int(minor)
        self.multi_processor_count = int(getattr(d, "core_count", 0) or 0)

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None):
    d = _device.jax_device(_device.device("cuda") if device is None else
                           _device.device(f"cuda:{device}") if isinstance(device, int) else _device.device(device))
    return _DeviceProperties(d)


def is_initialized():
    return is_available()


def init():
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled (jtorch: JAX has no GPU backend here)")


class device:
    """torch.cuda.device(idx): a context manager; jtorch places tensors by explicit device only."""

    def __init__(self, device):
        self.idx = device

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


from . import amp as amp  # noqa: E402,F401
from .graphs import (  # noqa: E402,F401
    CUDAGraph as CUDAGraph, graph as graph, graph_pool_handle as graph_pool_handle,
    is_current_stream_capturing as is_current_stream_capturing, make_graphed_callables as make_graphed_callables,
)
from .streams import (  # noqa: E402,F401
    Event as Event, ExternalStream as ExternalStream, Stream as Stream, StreamContext as StreamContext,
    current_stream as current_stream, default_stream as default_stream, set_stream as set_stream, stream as stream,
)

# -- the rest of torch.cuda's names (typed tensors, memory, rng, NVML, ...) -----------------------
from . import _legacy  # noqa: E402
from ._legacy import (  # noqa: E402,F401
    CudaError as CudaError, DeferredCudaCallError as DeferredCudaCallError, GreenContext as GreenContext,
    can_device_access_peer as can_device_access_peer, check_error as check_error, clock_rate as clock_rate,
    cudaStatus as cudaStatus, cudart as cudart, current_blas_handle as current_blas_handle,
    current_solver_handle as current_solver_handle, device_memory_used as device_memory_used, device_of as device_of,
    get_stream_from_external as get_stream_from_external, get_sync_debug_mode as get_sync_debug_mode,
    ipc_collect as ipc_collect, memory_usage as memory_usage, power_draw as power_draw,
    set_sync_debug_mode as set_sync_debug_mode, temperature as temperature, utilization as utilization,
)
globals().update(_legacy.TENSOR_TYPES)
globals().update(_legacy.STORAGE_TYPES)
from . import memory as memory, random as random, nvtx as nvtx  # noqa: E402,F401
from . import jiterator as jiterator, nccl as nccl, profiler as profiler, sparse as sparse  # noqa: E402,F401
from . import tunable as tunable  # noqa: E402,F401
from .memory import (  # noqa: E402,F401
    CUDAPluggableAllocator as CUDAPluggableAllocator, MemPool as MemPool,
    caching_allocator_alloc as caching_allocator_alloc, caching_allocator_delete as caching_allocator_delete,
    caching_allocator_disabled as caching_allocator_disabled, caching_allocator_enable as caching_allocator_enable,
    change_current_allocator as change_current_allocator, get_allocator_backend as get_allocator_backend,
    get_per_process_memory_fraction as get_per_process_memory_fraction, host_memory_stats as host_memory_stats,
    host_memory_stats_as_nested_dict as host_memory_stats_as_nested_dict, list_gpu_processes as list_gpu_processes,
    max_memory_cached as max_memory_cached, memory_cached as memory_cached, memory_snapshot as memory_snapshot,
    memory_stats_as_nested_dict as memory_stats_as_nested_dict, memory_summary as memory_summary,
    reset_accumulated_host_memory_stats as reset_accumulated_host_memory_stats,
    reset_accumulated_memory_stats as reset_accumulated_memory_stats,
    reset_max_memory_allocated as reset_max_memory_allocated, reset_max_memory_cached as reset_max_memory_cached,
    reset_peak_host_memory_stats as reset_peak_host_memory_stats,
    set_per_process_memory_fraction as set_per_process_memory_fraction, use_mem_pool as use_mem_pool,
)
from .random import (  # noqa: E402,F401
    get_rng_state as get_rng_state, get_rng_state_all as get_rng_state_all, initial_seed as initial_seed,
    seed as seed, seed_all as seed_all, set_rng_state as set_rng_state, set_rng_state_all as set_rng_state_all,
)

default_generators = ()  # torch's tuple of per-device generators (empty without CUDA; jtorch has one)
has_half = True
has_magma = False


def get_arch_list():
    return []


def get_gencode_flags():
    return ""


def is_tf32_supported():
    return is_available()
