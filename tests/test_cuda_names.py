"""torch.cuda's names on a machine without a GPU behave as a CPU-only torch build's do: the same
ones raise (with torch's error type and message), the others return torch's answer."""
import warnings

import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity with a CPU-only torch needs PyTorch installed")
pytestmark = pytest.mark.skipif(jtorch.cuda.is_available() or torch.cuda.is_available(),
                                reason="compares the answers of builds without CUDA")


def _outcome(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "ok", fn()
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            return type(e).__name__, str(e)


CALLS = [
    lambda c: c.FloatTensor(2), lambda c: c.LongTensor([1, 2]), lambda c: isinstance(c.FloatTensor, type),
    lambda c: c.FloatStorage(2), lambda c: c.nvtx.range_push("step"), lambda c: c.nvtx.mark("x"),
    lambda c: c.get_rng_state(), lambda c: c.get_rng_state_all(), lambda c: c.set_rng_state_all([]),
    lambda c: c.initial_seed(), lambda c: c.seed(), lambda c: c.seed_all(), lambda c: c.ipc_collect(),
    lambda c: c.cudart(), lambda c: c.current_blas_handle(), lambda c: c.get_sync_debug_mode(),
    lambda c: c.set_sync_debug_mode(0), lambda c: c.set_per_process_memory_fraction(0.5),
    lambda c: c.get_per_process_memory_fraction(), lambda c: c.can_device_access_peer(0, 1),
    lambda c: c.get_arch_list(), lambda c: c.get_gencode_flags(), lambda c: c.is_tf32_supported(),
    lambda c: c.host_memory_stats(), lambda c: c.host_memory_stats_as_nested_dict(),
    lambda c: c.memory_stats_as_nested_dict(), lambda c: c.memory_cached(), lambda c: c.max_memory_cached(),
    lambda c: c.list_gpu_processes(), lambda c: c.default_generators, lambda c: (c.has_half, c.has_magma),
    lambda c: c.clock_rate(), lambda c: c.utilization(), lambda c: c.MemPool(),
    lambda c: (c.cudaStatus.SUCCESS, c.cudaStatus.ERROR_NOT_READY), lambda c: issubclass(c.CudaError, RuntimeError),
    lambda c: c.nccl.is_available([]), lambda c: c.profiler.start(), lambda c: c.memory.memory_allocated(),
    lambda c: c.random.get_rng_state_all(), lambda c: c.sparse.FloatTensor.__name__,
    lambda c: c.caching_allocator_enable(True),
]


@pytest.mark.parametrize("i", range(len(CALLS)))
def test_without_cuda_like_torch(i):
    expected = _outcome(lambda: CALLS[i](torch.cuda))
    got = _outcome(lambda: CALLS[i](jtorch.cuda))
    if expected[0] == "ok":
        assert got[0] == "ok" and repr(got[1]) == repr(expected[1])
    else:
        assert got == expected


def test_typed_tensor_isinstance():
    assert not isinstance(jtorch.ones(2), jtorch.cuda.FloatTensor)
    assert jtorch.cuda.FloatTensor.dtype == jtorch.float32 and jtorch.cuda.LongTensor.dtype == jtorch.int64
    with jtorch.cuda.caching_allocator_disabled(), jtorch.cuda.use_mem_pool(None), jtorch.cuda.device_of(jtorch.ones(1)):
        pass
