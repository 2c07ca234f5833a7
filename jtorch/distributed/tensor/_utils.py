"""Shape arithmetic for sharded tensors (what libraries use to slice checkpoints per rank)."""
from .placement_types import Shard, _StridedShard


def compute_local_shape_and_global_offset(global_shape, mesh, placements, skip_offset=False):
    """(local shape, global offset) of this rank's piece of a tensor of `global_shape` laid out by `placements`
    over `mesh`; a rank outside the mesh holds an empty piece at offset 0."""
    coord = mesh.get_coordinate()
    if coord is None:
        return (0,), ()
    shape, offset = list(global_shape), [0] * len(global_shape)
    for mesh_dim, placement in enumerate(placements):
        if isinstance(placement, _StridedShard):
            raise NotImplementedError("jtorch has no _StridedShard layout arithmetic "
                                      "(torch.distributed.tensor._utils.compute_local_shape_and_global_offset)")
        if isinstance(placement, Shard):
            d = placement.dim
            size, off = Shard.local_shard_size_and_offset(shape[d], mesh.size(mesh_dim), coord[mesh_dim])
            shape[d] = size
            offset[d] = offset[d] + off if size else global_shape[d]
    return tuple(shape), (() if skip_offset else tuple(offset))
