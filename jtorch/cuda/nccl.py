"""torch.cuda.nccl: jtorch's collectives are XLA's (jtorch.distributed over a device mesh), not NCCL calls."""

__all__ = ["all_reduce", "reduce", "broadcast", "all_gather", "reduce_scatter", "is_available", "version",
           "unique_id", "init_rank"]

SUM = 0


def is_available(tensors):
    return False


def version():
    raise RuntimeError("jtorch: NCCL is not linked; collectives run through XLA (jtorch.distributed)")


def _unavailable(*args, **kwargs):
    version()


unique_id = init_rank = all_reduce = reduce = broadcast = all_gather = reduce_scatter = _unavailable
