"""torch.distributed.device_mesh: an n-d grid of ranks with named dimensions.

The mesh runs no collectives itself. jtorch's ranks are processes and one process drives all of its host's
devices, so what a mesh's entries name depends on the world:

- In a world of several processes the entries are ranks (processes), and `init_device_mesh` must cover
  exactly get_world_size() of them. Such a mesh is bookkeeping (which rank sits where); DTensors over it
  are not implemented.
- In a world of one process (or with no process group) the entries are the indices of this process's
  devices of `device_type` (jax.local_devices of that platform), when every entry is a distinct index of
  one: `init_device_mesh("cpu", (2, 2))` with 4 host devices lays them out as a 2x2 grid, and DTensors over
  the mesh are jax.Arrays laid out by NamedSharding over the matching jax Mesh. The process answers the
  per-rank questions (`get_rank`, `get_coordinate`, `DTensor.to_local`) as rank 0, the mesh's device 0.
  A mesh of one entry is both readings at once (rank 0 on device 0).
"""
import math

from . import distributed_c10d as _c10d
import numpy as np
from .._tensor import Tensor
from .._ops.creation import tensor
import jax
from .._device import _JAX_PLATFORM
import jax.sharding

__all__ = ["init_device_mesh", "DeviceMesh"]


class DeviceMesh:
    """DeviceMesh(device_type, mesh, *, mesh_dim_names=None): `mesh` is a tensor (or nested list) of ranks."""

    def __init__(self, device_type, mesh=None, *, mesh_dim_names=None, backend_override=None, _init_backend=True,
                 _rank=None, _layout=None, _rank_map=None, _root_mesh=None):
        if mesh is None:
            raise ValueError("DeviceMesh needs a mesh (a tensor of ranks)")
        ranks = mesh.numpy() if isinstance(mesh, Tensor) else np.asarray(mesh)
        self.device_type = device_type
        self._ranks = ranks.astype(np.int64)
        if mesh_dim_names is not None and len(mesh_dim_names) != self._ranks.ndim:
            raise RuntimeError(f"mesh_dim_names {mesh_dim_names} must have one name per mesh dimension "
                               f"({self._ranks.ndim})")
        self.mesh_dim_names = tuple(mesh_dim_names) if mesh_dim_names is not None else None
        self._rank = _rank if _rank is not None else (_c10d.get_rank() if _c10d.is_initialized() else 0)
        self._jax = None

    def _jax_mesh(self):
        """The jax Mesh over this process's devices the entries name, or None where they name ranks."""
        if self._jax is None:
            devices = _local_devices(self.device_type) if not _c10d._multi() else []
            flat = self._ranks.reshape(-1)
            if not len(devices) or len(set(flat.tolist())) != flat.size or flat.min() < 0 or \
                    flat.max() >= len(devices):
                self._jax = False
            else:
                grid = np.array([devices[i] for i in flat], dtype=object).reshape(self._ranks.shape)
                self._jax = jax.sharding.Mesh(grid, self._axis_names())
        return self._jax or None

    def _axis_names(self):
        return self.mesh_dim_names or tuple(f"mesh_dim_{i}" for i in range(self.ndim))

    @property
    def mesh(self):
        return tensor(self._ranks)

    @property
    def ndim(self):
        return self._ranks.ndim

    @property
    def shape(self):
        return tuple(self._ranks.shape)

    def size(self, mesh_dim=None):
        return int(self._ranks.size) if mesh_dim is None else int(self._ranks.shape[self._dim(mesh_dim)])

    def get_rank(self):
        return self._rank

    def get_coordinate(self):
        where = np.argwhere(self._ranks == self._rank)
        return [int(c) for c in where[0]] if len(where) else None

    def get_local_rank(self, mesh_dim=None):
        if mesh_dim is None and self.ndim > 1:
            raise RuntimeError("Optional kwarg `mesh_dim` needs to be specified when device_mesh.ndim > 1.")
        coord = self.get_coordinate()
        return coord[self._dim(mesh_dim or 0)]

    def get_group(self, mesh_dim=None):
        return _c10d.group.WORLD

    def _dim(self, mesh_dim):
        if isinstance(mesh_dim, str):
            if not self.mesh_dim_names or mesh_dim not in self.mesh_dim_names:
                raise KeyError(f"Mesh dimension '{mesh_dim}' does not exist. "
                               f"Available mesh dimensions are: mesh_dim_names={self.mesh_dim_names}")
            return self.mesh_dim_names.index(mesh_dim)
        return mesh_dim

    def __getitem__(self, names):
        names = (names,) if isinstance(names, str) else tuple(names)
        dims = [self._dim(n) for n in names]
        coord = self.get_coordinate() or [0] * self.ndim
        index = tuple(slice(None) if d in dims else coord[d] for d in range(self.ndim))
        sub = self._ranks[index]
        order = sorted(range(len(dims)), key=lambda i: dims[i])  # numpy keeps the mesh's dimension order
        return DeviceMesh(self.device_type, sub.transpose([order.index(i) for i in range(len(dims))]),
                          mesh_dim_names=names, _rank=self._rank)

    def __eq__(self, other):
        return (isinstance(other, DeviceMesh) and self.device_type == other.device_type
                and self.shape == other.shape and (self._ranks == other._ranks).all()
                and self.mesh_dim_names == other.mesh_dim_names)

    def __hash__(self):
        return hash((self.device_type, self._ranks.tobytes(), self.shape, self.mesh_dim_names))

    def __repr__(self):
        names = f", mesh_dim_names={self.mesh_dim_names}" if self.mesh_dim_names else ""
        return f"DeviceMesh('{self.device_type}', {self._ranks.tolist()}{names})"


def init_device_mesh(device_type, mesh_shape, *, mesh_dim_names=None, backend_override=None):
    """A mesh of `mesh_shape` over every rank, in rank order (the default process group must span them)."""
    if mesh_dim_names is not None and len(mesh_dim_names) != len(mesh_shape):
        raise RuntimeError("mesh_shape and mesh_dim_names should have same length!")
    world = _c10d.get_world_size() if _c10d.is_initialized() else 1
    n = math.prod(mesh_shape)
    if n != world and not (world == 1 and n == len(_local_devices(device_type))):
        raise RuntimeError(f"the mesh shape {tuple(mesh_shape)} holds {n} ranks but the world has {world} (jtorch's "
                           "ranks are processes; one process drives all of its devices, and a mesh in a world of "
                           f"one process may instead hold all of its {len(_local_devices(device_type))} "
                           f"{device_type} devices)")
    return DeviceMesh(device_type, np.arange(n).reshape(mesh_shape), mesh_dim_names=mesh_dim_names)


def _local_devices(device_type):
    """This process's jax devices of a torch device type (none when jax has no such backend)."""
    try:
        return jax.local_devices(backend=_JAX_PLATFORM.get(device_type, device_type))
    except RuntimeError:
        return []
