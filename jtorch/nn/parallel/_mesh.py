"""Data parallelism on JAX's own engine: a 1-D device mesh over the batch axis.

Parameters and buffers are replicated onto the mesh (NamedSharding(mesh, P())); batch
inputs are split over it (NamedSharding(mesh, P('batch'))). The engine then compiles the
whole step with jax.jit, and XLA's SPMD partitioner runs each device on its slice of the
batch and inserts the all-reduce that sums gradients across devices: there is no
communication code here.
"""
import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ... import _device
from ..._ops.registry import op
from ..._ops import registry
from ..._engine.graph import Lazy

AXIS = "batch"


@op("_shard_batch", function=False, method=False, grad_name="ShardBatchBackward0")
def _shard_batch(input, *, sharding):
    """Constrain a pending value's layout inside the compiled step (differentiable)."""
    return jax.lax.with_sharding_constraint(input, sharding)


def resolve_devices(device_ids):
    """jax devices for torch's device_ids (ints or devices); None means all of the default backend's."""
    if device_ids is None:
        return list(jax.local_devices())
    out = []
    for d in device_ids:
        if isinstance(d, int):
            platform = jax.default_backend()
            devs = jax.local_devices(backend=platform)
            if d >= len(devs):
                raise RuntimeError(f"device_ids contains {d}, but JAX sees {len(devs)} {platform} device(s)")
            out.append(devs[d])
        else:
            out.append(_device.jax_device(d))
    return out


def device_index(d):
    dev = _device._from_jax(d)
    return 0 if dev.index is None else dev.index


class BatchMesh:
    """A 1-D mesh and the two shardings data parallelism needs."""

    def __init__(self, devices):
        self.devices = list(devices)
        self.mesh = Mesh(np.array(self.devices), (AXIS,))
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self._batch = {}

    @property
    def size(self):
        return len(self.devices)

    def batch(self, dim, ndim):
        key = (dim, ndim)
        s = self._batch.get(key)
        if s is None:
            s = self._batch[key] = NamedSharding(self.mesh, PartitionSpec(*([None] * dim + [AXIS])))
        return s

    def replicate(self, tensors):
        """Put every concrete tensor's value on all mesh devices (once; later calls are cheap)."""
        for t in tensors:
            if t is None:
                continue
            lz = t._fresh_lazy()
            if lz.value is None:
                continue  # pending: computed from replicated values inside the step
            v = lz.value
            if isinstance(v, jax.Array) and getattr(v.sharding, "mesh", None) == self.mesh:
                continue
            if isinstance(v, jax.core.Tracer):
                continue
            lz.value = jax.device_put(v, self.replicated)

    def dim0(self, shape):
        """Dim 0 split over the mesh where it divides evenly (FSDP's Shard(0)); otherwise whole on every device."""
        if shape and shape[0] % self.size == 0:
            return self.batch(0, len(shape))
        return self.replicated

    def shard(self, tensors, compute=False):
        """Lay every tensor's value out by `dim0`. Pending ones are computed first when `compute`, else left to
        the next call (a step's program keeps its inputs' layout); meta ones wait for data."""
        for t in tensors:
            if t is None or t.is_meta:
                continue
            if compute:
                t._value("fully_shard")
            v = t._fresh_lazy().value
            if v is None or isinstance(v, jax.core.Tracer):
                continue
            if isinstance(v, jax.Array) and getattr(v.sharding, "mesh", None) == self.mesh:
                continue  # on the mesh already, as laid out here or as a step's program chose to keep it
            t._fresh_lazy().value = jax.device_put(v, self.dim0(tuple(v.shape)))

    def scatter(self, obj, dim):
        """Split every tensor in obj (nested lists/tuples/dicts) over the mesh along `dim`."""
        T = _tensor_cls()
        if isinstance(obj, T):
            return self._shard(obj, dim)
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):
            return type(obj)(*[self.scatter(o, dim) for o in obj])
        if isinstance(obj, (list, tuple)):
            return type(obj)(self.scatter(o, dim) for o in obj)
        if isinstance(obj, dict):
            return type(obj)((k, self.scatter(v, dim)) for k, v in obj.items())
        return obj

    def _shard(self, t, dim):
        shape = t.shape
        d = dim if dim >= 0 else dim + len(shape)
        if not shape or d >= len(shape) or shape[d] % self.size:
            return t  # a batch the mesh cannot split evenly runs replicated (same result)
        sharding = self.batch(d, len(shape))
        lz = t._fresh_lazy()
        v = lz.value
        if v is not None and not lz.requires_grad and not isinstance(v, jax.core.Tracer):
            if isinstance(v, jax.Array) and v.sharding == sharding:
                return t
            return _tensor_cls()._from_value(jax.device_put(v, sharding), lz.dtype, lz.shape)
        return _shard_batch(t, sharding=sharding)


def _tensor_cls():
    return registry._Tensor


class ReplicatedModule:
    """What DataParallel and DistributedDataParallel share (mixed into a Module): a BatchMesh
    over `devices` holding the wrapped module's parameters and buffers, and a forward that
    splits the batch over it (or just calls the module on one device)."""

    def _setup_mesh(self, devices):
        self._mesh = BatchMesh(devices) if len(devices) > 1 else None
        if self._mesh is not None:
            self._mesh.replicate(self._state_tensors())

    def _state_tensors(self):
        return list(self.module.parameters()) + list(self.module.buffers())

    def _split(self, inputs, kwargs):
        return self._mesh.scatter(inputs, self.dim), self._mesh.scatter(kwargs, self.dim)

    def forward(self, *inputs, **kwargs):
        if self._mesh is None:
            return self.module(*inputs, **kwargs)
        self._mesh.replicate(self._state_tensors())
        inputs, kwargs = self._split(inputs, kwargs)
        return self.module(*inputs, **kwargs)

    def __getstate__(self):  # the mesh holds devices: a copy or an unpickled wrapper runs on one device
        state = super().__getstate__()
        state["_mesh"] = None
        return state
