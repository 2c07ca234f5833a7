"""DTensor inside one process: a jtorch Tensor whose value is one jax.Array laid out over the mesh's devices.

A DTensor here is the whole (global) tensor, as torch's DTensor presents itself to operators; its value is
laid out by `NamedSharding(mesh, spec)`, where the spec reads the placements: `Shard(d)` on mesh dimension i
splits tensor dimension d over mesh axis i (mesh dimensions sharding the same tensor dimension nest in mesh
order, as torch's do), `Replicate()` leaves it whole. Ops on DTensors run as on plain tensors (one compiled
program, XLA's SPMD partitioner moving the data) and give DTensors; a result's placements are the layout XLA
chose for it, read when asked (which computes it), or, where that layout has no placement spelling, after an
explicit reshard to Replicate. `redistribute` constrains the layout inside the program (differentiable).

Per-rank views: the process answers as the mesh's rank 0 (see device_mesh), so `to_local()` is device 0's
piece (torch.chunk arithmetic, as the rank-0 process of torch would hold), and `from_local(t, ...)` reads `t`
as the piece every rank passed (a Shard(d) placement tiles it along d). Not implemented: `Partial`
placements, uneven shards (a sharded dimension the mesh dimension does not divide), meshes naming other
processes' ranks.
"""
import threading

import jax
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

from ..._tensor import Tensor
from ..._ops import torch_function as _tf
from ...nn.parallel._mesh import _shard_batch
from ..device_mesh import DeviceMesh
from .placement_types import Partial, Placement, Replicate, Shard

__all__ = ["DTensor", "distribute_tensor", "distribute_module"]


def _jax_mesh(device_mesh, what):
    jm = device_mesh._jax_mesh()
    if jm is None:
        raise NotImplementedError(f"{what}: {device_mesh} names ranks of other processes; jtorch lays DTensors out "
                                  "over the devices of one process only (sharding across processes is not "
                                  "implemented)")
    return jm


def _normalize(placements, device_mesh, ndim, what):
    if placements is None:
        placements = [Replicate()] * device_mesh.ndim
    placements = list(placements)
    if len(placements) != device_mesh.ndim:
        raise ValueError(f"`placements` must have the same length as `device_mesh.ndim`! Found placements length: "
                         f"{len(placements)}, and device_mesh.ndim: {device_mesh.ndim}.")
    out = []
    for p in placements:
        if not isinstance(p, Placement):
            raise TypeError(f"{what}: placements must be Shard, Replicate or Partial, got {p!r}")
        if isinstance(p, Partial):
            raise NotImplementedError(f"{what}: jtorch has no Partial placement (a jax.Array holds one value "
                                      "per element, not per-rank partial sums); use Replicate or Shard")
        if isinstance(p, Shard) and type(p) is not Shard:
            raise NotImplementedError(f"{what}: jtorch has no {type(p).__name__} layout")
        if isinstance(p, Shard):
            d = p.dim + ndim if p.dim < 0 else p.dim
            if not 0 <= d < ndim:
                raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
                                 f"but got {p.dim})")
            p = Shard(d)
        out.append(p)
    return tuple(out)


def _sharding(device_mesh, placements, shape, what):
    """NamedSharding for `placements` (normalized) over the mesh; uneven shards raise."""
    jm = _jax_mesh(device_mesh, what)
    names = device_mesh._axis_names()
    axes = [[] for _ in shape]
    for i, p in enumerate(placements):
        if isinstance(p, Shard):
            axes[p.dim].append(names[i])
    for d, a in enumerate(axes):
        n = int(np.prod([jm.shape[x] for x in a])) if a else 1
        if shape[d] % n:
            raise NotImplementedError(f"{what}: dimension {d} of size {shape[d]} does not split evenly over {n} "
                                      "devices; jtorch has no uneven shards (jax needs equal pieces)")
    spec = [None if not a else (a[0] if len(a) == 1 else tuple(a)) for a in axes]
    while spec and spec[-1] is None:
        spec.pop()
    return NamedSharding(jm, PartitionSpec(*spec))


def _placements_of(sharding, device_mesh, ndim):
    """The placements a value's sharding spells over the mesh, or None where it has no such spelling."""
    jm = device_mesh._jax_mesh()
    names = device_mesh._axis_names()
    if getattr(sharding, "is_fully_replicated", False) and set(sharding.device_set) == set(jm.devices.flat):
        return (Replicate(),) * device_mesh.ndim
    if not isinstance(sharding, NamedSharding) or sharding.mesh != jm:
        return None
    out = [Replicate()] * device_mesh.ndim
    for d, entry in enumerate(sharding.spec):
        if entry is None:
            continue
        if d >= ndim or entry is PartitionSpec.UNCONSTRAINED:
            return None
        entry = (entry,) if isinstance(entry, str) else tuple(entry)
        idx = [names.index(a) for a in entry]
        if idx != sorted(idx):  # a minor mesh axis outside a major one: torch's _StridedShard, not spelled here
            return None
        for i in idx:
            out[i] = Shard(d)
    return tuple(out)


def _layout(t, sharding):
    """`t` (a plain Tensor) laid out by `sharding`: placed now when concrete and outside autograd, else
    constrained inside the compiled program (differentiable)."""
    lz = t._fresh_lazy()
    v = lz.value
    if v is not None and not lz.requires_grad and not isinstance(v, jax.core.Tracer):
        if isinstance(v, jax.Array) and v.sharding == sharding:
            return t
        return Tensor._from_value(jax.device_put(v, sharding), lz.dtype, lz.shape)
    return _shard_batch(t, sharding=sharding)


def _plain(t):
    return t.as_subclass(Tensor) if type(t) is not Tensor else t


def _wrap(t, device_mesh, placements=None):
    d = t.as_subclass(DTensor)
    d._mesh = device_mesh
    d._known = (d._lazy, placements) if placements is not None else None
    return d


def _tiled(local, placements, device_mesh):
    """The global tensor when every rank holds `local`: each Shard(d) repeats it along d."""
    reps = [1] * local.dim()
    for i, p in enumerate(placements):
        if isinstance(p, Shard):
            reps[p.dim] *= device_mesh.size(i)
    return local.repeat(*reps) if any(r > 1 for r in reps) else local


def _dtensors(obj, out):
    if isinstance(obj, DTensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _dtensors(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _dtensors(o, out)
    return out


class _Mixing(threading.local):
    allowed = 0  # inside loss_parallel: plain tensors among DTensors are whole, replicated tensors


_mixing = _Mixing()


def _mixed(obj):
    """A plain (non-scalar) Tensor among an op's arguments."""
    if _mixing.allowed:
        return False
    if isinstance(obj, Tensor):
        return not isinstance(obj, DTensor) and obj.dim() > 0
    if isinstance(obj, (list, tuple)):
        return any(_mixed(o) for o in obj)
    if isinstance(obj, dict):
        return any(_mixed(o) for o in obj.values())
    return False


def _rewrap(obj, device_mesh):
    if isinstance(obj, Tensor) and not isinstance(obj, DTensor):
        return _wrap(obj, device_mesh)
    if isinstance(obj, DTensor):
        if obj._known is not None and obj._known[0] is not obj._lazy:
            obj._known = None  # rebound in place: its layout is read again
        return obj
    if type(obj) in (list, tuple):
        return type(obj)(_rewrap(o, device_mesh) for o in obj)
    return obj


def _name(func):
    return getattr(func, "__name__", None) or repr(func)


class DTensor(Tensor):
    """torch.distributed.tensor.DTensor: the whole tensor, its value laid out over `device_mesh` by
    `placements` (see the module doc). Made by distribute_tensor, DTensor.from_local and the factories."""

    _library_torch_function = True  # ops on DTensors go through __torch_function__ (jtorch._ops.torch_function)

    def __new__(cls, *args, **kwargs):
        raise TypeError("DTensor is made by distribute_tensor, DTensor.from_local or the torch.distributed.tensor "
                        "factories, not by calling DTensor(...)")

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        found = _dtensors(args, _dtensors(kwargs, []))
        if not found:
            with _tf.DisableTorchFunctionSubclass():
                return func(*args, **kwargs)
        mesh = found[0]._mesh
        if any(d._mesh != mesh for d in found):
            raise NotImplementedError(f"{_name(func)}: DTensor does not support cross-mesh operation "
                                      "on DTensors with different meshes")
        if _mixed(args) or _mixed(kwargs):
            raise RuntimeError(f"{_name(func)}: got mixed torch.Tensor and DTensor, need to convert all "
                               "torch.Tensor to DTensor before calling distributed operators!")
        with _tf.DisableTorchFunctionSubclass():
            result = func(*args, **kwargs)
            if func in _tf.get_default_nowrap_functions():
                return result
            return _rewrap(result, mesh)

    # -- layout ----------------------------------------------------------------------------
    @property
    def device_mesh(self):
        return self._mesh

    @property
    def placements(self):
        """The layout as placements. A pending DTensor is computed to read the layout XLA chose; one XLA laid
        out with no placement spelling is resharded to Replicate first."""
        lz = self._fresh_lazy()
        if self._known is not None and self._known[0] is lz:
            return self._known[1]
        v = self._value("DTensor.placements")
        placements = _placements_of(v.sharding, self._mesh, len(lz.shape))
        if placements is None:
            placements = (Replicate(),) * self._mesh.ndim
            lz.value = jax.device_put(v, _sharding(self._mesh, placements, tuple(lz.shape), "DTensor.placements"))
        self._known = (lz, placements)
        return placements

    def __repr__(self):
        with _tf.DisableTorchFunctionSubclass():
            inner = Tensor.__repr__(self.to_local())
        return f"DTensor(local_tensor={inner}, device_mesh={self._mesh}, placements={self.placements})"

    __str__ = __repr__

    @property
    def grad(self):
        """The gradient, a DTensor over the same mesh (laid out as XLA computed it)."""
        g = Tensor.grad.fget(self)
        if g is not None and not isinstance(g, DTensor):
            g = self._grad = _wrap(g, self._mesh)
        return g

    @grad.setter
    def grad(self, value):
        Tensor.grad.fset(self, value)

    def __reduce_ex__(self, proto):
        raise NotImplementedError("jtorch cannot pickle a DTensor: save full_tensor() (or the module's "
                                  "state_dict) instead")

    def __deepcopy__(self, memo):
        with _tf.DisableTorchFunctionSubclass():
            value = _plain(self).detach().clone()
        out = _wrap(value, self._mesh, self.placements)
        if self.requires_grad:
            out.requires_grad_(True)
        memo[id(self)] = out
        return out

    # -- conversions -----------------------------------------------------------------------
    def to_local(self, *, grad_placements=None):
        """This process's piece: the slice rank 0 (the mesh's device 0) holds, by torch.chunk arithmetic."""
        from ._utils import compute_local_shape_and_global_offset
        shape, offset = compute_local_shape_and_global_offset(tuple(self.shape), self._mesh, self.placements)
        with _tf.DisableTorchFunctionSubclass():
            out = _plain(self)
            for d, (size, off) in enumerate(zip(shape, offset)):
                if size != self.shape[d]:
                    out = out.narrow(d, off, size)
            return out

    def full_tensor(self, *, grad_placements=None):
        """The whole tensor as a plain Tensor, replicated over the mesh (differentiable)."""
        return self.redistribute(self._mesh, [Replicate()] * self._mesh.ndim).to_local()

    def redistribute(self, device_mesh=None, placements=None, *, async_op=False, forward_dtype=None,
                     backward_dtype=None):
        """The same tensor laid out by `placements` (a constraint inside the compiled program)."""
        device_mesh = device_mesh or self._mesh
        if device_mesh != self._mesh:
            raise NotImplementedError("Cross device mesh comm not supported yet!")
        if placements is None:
            raise RuntimeError("placements is needed for redistribute!")
        placements = _normalize(placements, device_mesh, self.dim(), "DTensor.redistribute")
        sharding = _sharding(device_mesh, placements, tuple(self.shape), "DTensor.redistribute")
        with _tf.DisableTorchFunctionSubclass():
            t = _plain(self)
            if forward_dtype is not None:
                t = t.to(forward_dtype)
            return _wrap(_layout(t, sharding), device_mesh, placements)

    @staticmethod
    def from_local(local_tensor, device_mesh=None, placements=None, *, run_check=False, shape=None, stride=None):
        """A DTensor from the piece each rank holds; in one process every rank's piece is `local_tensor`
        (see the module doc), so Shard(d) tiles it along d."""
        if device_mesh is None:
            raise RuntimeError("jtorch needs an explicit device_mesh (it has no current mesh context)")
        placements = _normalize(placements, device_mesh, local_tensor.dim(), "DTensor.from_local")
        _jax_mesh(device_mesh, "DTensor.from_local")
        with _tf.DisableTorchFunctionSubclass():
            whole = _tiled(_plain(local_tensor), placements, device_mesh)
            if shape is not None and tuple(shape) != tuple(whole.shape):
                raise NotImplementedError(f"DTensor.from_local: shape {tuple(shape)} differs from the tiled pieces' "
                                          f"{tuple(whole.shape)}; jtorch has no uneven shards")
            sharding = _sharding(device_mesh, placements, tuple(whole.shape), "DTensor.from_local")
            return _wrap(_layout(whole, sharding), device_mesh, placements)

    def __coerce_tangent_metadata__(self):
        return self

    def __coerce_same_metadata_as_tangent__(self, flatten_spec, expected_type=None):
        return self


def distribute_tensor(tensor, device_mesh=None, placements=None, *, src_data_rank=0):
    """`tensor` (the whole value) laid out over `device_mesh` by `placements`: a leaf DTensor that requires grad
    as `tensor` does."""
    if device_mesh is None:
        raise RuntimeError("jtorch needs an explicit device_mesh (it has no current mesh context)")
    if isinstance(tensor, DTensor):
        if tensor.device_mesh != device_mesh:
            raise ValueError(f"Cannot distribute a DTensor with device mesh {tensor.device_mesh} to a different "
                             f"device mesh {device_mesh}.")
        wanted = _normalize(placements, device_mesh, tensor.dim(), "distribute_tensor")
        if tensor.placements != wanted:
            raise ValueError(f"Cannot distribute a DTensor with placements {tensor.placements} to a different "
                             f"placements {wanted}. do you want to call `redistribute` instead?")
        return tensor
    placements = _normalize(placements, device_mesh, tensor.dim(), "distribute_tensor")
    sharding = _sharding(device_mesh, placements, tuple(tensor.shape), "distribute_tensor")
    value = tensor.detach()._value("distribute_tensor")
    out = DTensor._from_value(jax.device_put(value, sharding), tensor.dtype, tuple(tensor.shape))
    out._mesh = device_mesh
    out._known = (out._lazy, placements)
    if tensor.requires_grad:
        out.requires_grad_(True)
    return out


def _replicate_module(module, device_mesh):
    """Replicate over the mesh, in place, the parameters and buffers not laid out on it already."""
    jm = device_mesh._jax_mesh()
    replicated = NamedSharding(jm, PartitionSpec())
    for t in list(module._parameters.values()) + list(module._buffers.values()):
        if t is None or t.is_meta:
            continue
        v = t._value("distribute_module")
        if getattr(v.sharding, "mesh", None) != jm:
            t._fresh_lazy().value = jax.device_put(v, replicated)


def distribute_module(module, device_mesh=None, partition_fn=None, input_fn=None, output_fn=None):
    """Lay `module`'s parameters out over `device_mesh`: `partition_fn(name, submodule, mesh)` for every
    submodule, then parameters it left alone replicated; `input_fn(module, inputs, mesh)` and
    `output_fn(module, outputs, mesh)` run around each forward. Parameters stay Parameters (their values
    laid out), so optimizers and state dicts treat them as before."""
    if device_mesh is None:
        raise RuntimeError("jtorch needs an explicit device_mesh (it has no current mesh context)")
    _jax_mesh(device_mesh, "distribute_module")
    if getattr(module, "_distribute_module_applied", False):
        raise RuntimeError("distribute_module should only be called once on a module, but it has already been "
                           "called on this module!")
    for name, sub in module.named_modules():
        if partition_fn is not None:
            partition_fn(name, sub, device_mesh)
        _replicate_module(sub, device_mesh)
    if input_fn is not None:
        module.register_forward_pre_hook(lambda mod, inputs: input_fn(mod, inputs, device_mesh))
    if output_fn is not None:
        module.register_forward_hook(lambda mod, inputs, outputs: output_fn(mod, outputs, device_mesh))
    module._distribute_module_applied = True
    return module


def laid_out(t, device_mesh, placements):
    """A plain tensor (the whole value) laid out over the mesh by `placements` (differentiable)."""
    placements = _normalize(placements, device_mesh, t.dim(), "parallelize_module")
    return _layout(t, _sharding(device_mesh, placements, tuple(t.shape), "parallelize_module"))


def lay_out_parameters(module, device_mesh, placements):
    """Split `module`'s own parameters named in `placements` over the mesh, in place (they stay the same
    Parameters), and again before each forward where a compiled step left one laid out otherwise."""
    shardings = {}
    for name, p in module._parameters.items():
        if p is None or name not in placements:
            continue
        norm = _normalize([placements[name]], device_mesh, p.dim(), "parallelize_module")
        shardings[name] = _sharding(device_mesh, norm, tuple(p.shape), "parallelize_module")

    def place(m, *args):
        for name, sharding in shardings.items():
            p = m._parameters.get(name)
            if p is None or p.is_meta:
                continue
            v = p._value("parallelize_module")
            if v.sharding != sharding:
                p._fresh_lazy().value = jax.device_put(v, sharding)
    place(module)
    module.register_forward_pre_hook(place)
    module._tp_shardings = shardings
