"""Helpers shared by the data pipeline: host tensors and a numpy RNG drawn from jtorch's generator.

Data-loading code runs in worker processes that must never touch JAX (JAX is not fork-safe),
so per-sample work is plain numpy. A *host tensor* is a jtorch Tensor whose concrete value is
a numpy array: creating one needs no JAX; it becomes a device array when an op first uses it
or when it is unpickled in the main process.
"""
import numpy as np

from ...._dtype import from_np as _from_np
from ...._engine.graph import Lazy as _Lazy
from ...._tensor import Tensor
from ...._ops.random import default_generator

# Set in worker processes; read by get_worker_info().
_worker_info = None
# Set in workers whose pending jtorch values the main process computes (worker.defer): collation
# then stacks pending items lazily instead of computing each one here.
defer_pending = False


def host_tensor(arr):
    """A concrete jtorch Tensor holding the numpy array `arr` (no JAX call)."""
    arr = np.asarray(arr)
    if not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    return Tensor._from_lazy(_Lazy(tuple(arr.shape), _from_np(arr.dtype), value=arr))


def to_tensor(arr):
    """numpy array -> jtorch Tensor for a loader batch: a host tensor, as torch's loader gives CPU
    tensors. The batch reaches the device inside the step's program call, which costs less than
    a separate transfer per tensor (and nothing when `.to(device)` moves it first)."""
    return host_tensor(arr)


def tensor_numpy(t):
    """The numpy value of a jtorch Tensor (free for concrete tensors; syncs pending ones)."""
    v = t._lazy.value if t._base is None else None
    if isinstance(v, np.ndarray):
        return v
    return np.asarray(t.detach()._value("data loading"))


def numpy_rng(generator=None):
    """A numpy Generator seeded from jtorch's generator (seed, counter); advances the counter.

    Gives reproducible draws under jtorch.manual_seed without running a JAX program."""
    g = _generator(generator)
    c = g._counter
    g._counter += 1
    return numpy_rng_at(g, c)


def numpy_rng_at(generator, counter):
    """The numpy Generator that numpy_rng() returns when the counter is at `counter`."""
    s = _generator(generator)._seed
    return np.random.default_rng([s & 0xFFFFFFFF, s >> 32, counter & 0xFFFFFFFF, counter >> 32, 0x6A74])


def _generator(generator):
    return default_generator if generator is None else generator
