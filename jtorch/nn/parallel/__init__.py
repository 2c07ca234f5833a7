"""torch.nn.parallel: DataParallel and DistributedDataParallel on a JAX device mesh."""
from .data_parallel import DataParallel as DataParallel  # noqa: F401
from .distributed import DistributedDataParallel as DistributedDataParallel  # noqa: F401
