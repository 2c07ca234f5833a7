"""torch.distributed.tensor: DTensor and its placements.

jtorch shards work with DistributedDataParallel over a device mesh; it has no DTensor (a tensor whose pieces
live on different ranks). The placements and the mesh exist (libraries build and compare them, and slice
checkpoints by them); making a DTensor raises, naming what is missing, rather than computing on a whole tensor
as if it were a piece.
"""
from ..._tensor import Tensor as _Tensor
from ..device_mesh import DeviceMesh as DeviceMesh, init_device_mesh as init_device_mesh
from ..._init_names import strided
from .placement_types import Partial as Partial, Placement as Placement, Replicate as Replicate, Shard as Shard

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial", "Placement", "ones",
           "empty", "full", "rand", "randn", "zeros"]


def _unsupported(what):
    return NotImplementedError(f"jtorch has no DTensor ({what}): tensors sharded across ranks are not implemented; "
                               "jtorch trains data parallel with DistributedDataParallel over a device mesh")


class DTensor(_Tensor):
    """torch.distributed.tensor.DTensor. No jtorch tensor is one (isinstance(t, DTensor) is False)."""

    def __new__(cls, *args, **kwargs):
        raise _unsupported("torch.distributed.tensor.DTensor")

    @staticmethod
    def from_local(local_tensor, device_mesh=None, placements=None, *, run_check=False, shape=None, stride=None):
        raise _unsupported("DTensor.from_local")


def distribute_tensor(tensor, device_mesh=None, placements=None, *, src_data_rank=0):
    raise _unsupported("torch.distributed.tensor.distribute_tensor")


def distribute_module(module, device_mesh=None, partition_fn=None, input_fn=None, output_fn=None):
    raise _unsupported("torch.distributed.tensor.distribute_module")


def ones(*size, dtype=None, layout=strided, requires_grad=False, device_mesh=None, placements=None):
    raise _unsupported("torch.distributed.tensor.ones")


def empty(*size, dtype=None, layout=strided, requires_grad=False, device_mesh=None, placements=None):
    raise _unsupported("torch.distributed.tensor.empty")


def full(size, fill_value, *, dtype=None, layout=strided, requires_grad=False, device_mesh=None, placements=None):
    raise _unsupported("torch.distributed.tensor.full")


def rand(*size, requires_grad=False, dtype=None, layout=strided, device_mesh=None, placements=None):
    raise _unsupported("torch.distributed.tensor.rand")


def randn(*size, requires_grad=False, dtype=None, layout=strided, device_mesh=None, placements=None):
    raise _unsupported("torch.distributed.tensor.randn")


def zeros(*size, requires_grad=False, dtype=None, layout=strided, device_mesh=None, placements=None):
    raise _unsupported("torch.distributed.tensor.zeros")
