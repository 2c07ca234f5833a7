"""torch.distributed.tensor: DTensor, its placements and factories, over the devices of one process.

A DTensor is the whole tensor with its value laid out by jax's NamedSharding over a DeviceMesh of this
process's devices (`init_device_mesh("cpu", (4,))` in a world of one process with 4 host devices); XLA's SPMD
partitioner moves the data. See `_api` for the mapping and device_mesh for which meshes name devices;
meshes naming other processes' ranks stay bookkeeping (DTensors over them raise).
"""
from ... import _dtype
from ..._dtype import get_default_dtype as _default_dtype
from ..._init_names import strided
from ..._ops.creation import empty as _empty, full as _full, ones as _ones, zeros as _zeros
from ..._ops.random import rand as _rand, randn as _randn
from ..._ops import creation as _creation, random as _random
from ..device_mesh import DeviceMesh as DeviceMesh, init_device_mesh as init_device_mesh
from ._api import DTensor as DTensor, distribute_module as distribute_module, distribute_tensor as distribute_tensor
from .placement_types import Partial as Partial, Placement as Placement, Replicate as Replicate, Shard as Shard

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial", "Placement", "ones",
           "empty", "full", "rand", "randn", "zeros", "DeviceMesh", "init_device_mesh"]


def _size(size):
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (list, tuple)) else tuple(size)


def _made(fn, size, dtype, layout, requires_grad, device_mesh, placements, what):
    """The whole tensor made by `fn`, laid out over the mesh (every element computed once, then placed)."""
    if layout is not strided:
        raise NotImplementedError(f"{what}: jtorch has only the strided layout")
    if device_mesh is None:
        raise RuntimeError("jtorch needs an explicit device_mesh (it has no current mesh context)")
    whole = fn(size, dtype=dtype if dtype is not None else _dtype.get_default_dtype())
    return distribute_tensor(whole.requires_grad_(requires_grad), device_mesh, placements)


def ones(*size, dtype=None, layout=strided, requires_grad=False, device_mesh=None, placements=None):
    return _made(_creation.ones, _size(size), dtype, layout, requires_grad, device_mesh, placements, "ones")


def empty(*size, dtype=None, layout=strided, requires_grad=False, device_mesh=None, placements=None):
    return _made(_creation.empty, _size(size), dtype, layout, requires_grad, device_mesh, placements, "empty")


def full(size, fill_value, *, dtype=None, layout=strided, requires_grad=False, device_mesh=None, placements=None):
    return _made(lambda s, dtype: _creation.full(s, fill_value, dtype=dtype), _size((size,)), dtype, layout,
                 requires_grad, device_mesh, placements, "full")


def rand(*size, requires_grad=False, dtype=None, layout=strided, device_mesh=None, placements=None):
    return _made(_random.rand, _size(size), dtype, layout, requires_grad, device_mesh, placements, "rand")


def randn(*size, requires_grad=False, dtype=None, layout=strided, device_mesh=None, placements=None):
    return _made(_random.randn, _size(size), dtype, layout, requires_grad, device_mesh, placements, "randn")


def zeros(*size, requires_grad=False, dtype=None, layout=strided, device_mesh=None, placements=None):
    return _made(_creation.zeros, _size(size), dtype, layout, requires_grad, device_mesh, placements, "zeros")
