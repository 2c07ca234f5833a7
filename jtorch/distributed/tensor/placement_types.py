"""torch.distributed.tensor's placements: how one mesh dimension lays out a tensor.

These are plain descriptions (no communication), so they behave as torch's do: equality, hashing, repr and
the shard-size arithmetic libraries call to slice checkpoints.
"""
from ..distributed_c10d import ReduceOp

__all__ = ["Placement", "Shard", "Replicate", "Partial"]


class Placement:
    """Base of Shard, Replicate and Partial."""

    def is_shard(self, dim=None):
        return False

    def is_replicate(self):
        return False

    def is_partial(self, reduce_op=None):
        return False


def _chunk_sizes(size, num_chunks):
    # torch.chunk's split: ceil-sized pieces, the last ones possibly short or empty
    full = -(-size // num_chunks) if num_chunks else 0
    return [max(0, min(full, size - i * full)) for i in range(num_chunks)]


class Shard(Placement):
    """Shard(dim): each rank of the mesh dimension holds one torch.chunk piece of dimension `dim`."""

    def __init__(self, dim):
        self.dim = dim

    def is_shard(self, dim=None):
        return dim is None or dim == self.dim

    @staticmethod
    def local_shard_size_and_offset(curr_local_size, num_chunks, rank):
        sizes = _chunk_sizes(curr_local_size, num_chunks)
        return sizes[rank], sum(sizes[:rank]) if sizes[rank] else curr_local_size

    def __eq__(self, other):
        return type(other) is type(self) and other.dim == self.dim

    def __hash__(self):
        return hash((type(self).__name__, self.dim))

    def __repr__(self):
        return f"Shard(dim={self.dim})"

    def __str__(self):
        return f"S({self.dim})"


class _StridedShard(Shard):
    """A shard taken as `split_factor` interleaved pieces (what sharding an already sharded dim produces)."""

    def __init__(self, dim, *, split_factor=1, sf=None):
        super().__init__(dim)
        self.split_factor = sf if sf is not None else split_factor

    def __eq__(self, other):
        return type(other) is type(self) and (other.dim, other.split_factor) == (self.dim, self.split_factor)

    def __hash__(self):
        return hash((type(self).__name__, self.dim, self.split_factor))

    def __repr__(self):
        return f"_StridedShard(dim={self.dim}, sf={self.split_factor})"

    def __str__(self):
        return f"_S({self.dim}, {self.split_factor})"


class Replicate(Placement):
    """Every rank of the mesh dimension holds the whole tensor."""

    def is_replicate(self):
        return True

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self).__name__)

    def __repr__(self):
        return "Replicate()"

    def __str__(self):
        return "R"


class Partial(Placement):
    """Every rank holds a partial value; the tensor is their reduction (`reduce_op`, 'sum' by default)."""

    def __init__(self, reduce_op="sum"):
        self.reduce_op = reduce_op.name.lower() if isinstance(reduce_op, ReduceOp) else reduce_op

    def is_partial(self, reduce_op=None):
        return reduce_op is None or reduce_op == self.reduce_op

    def __eq__(self, other):
        return type(other) is type(self) and other.reduce_op == self.reduce_op

    def __hash__(self):
        return hash((type(self).__name__, self.reduce_op))

    def __repr__(self):
        return f"Partial({self.reduce_op})"

    def __str__(self):
        return "P"
