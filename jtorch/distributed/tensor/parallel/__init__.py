"""torch.distributed.tensor.parallel: tensor parallelism over the devices of one process (see style)."""
from .api import parallelize_module as parallelize_module
from .loss import loss_parallel as loss_parallel
from .style import (ColwiseParallel as ColwiseParallel, ParallelStyle as ParallelStyle,
                    PrepareModuleInput as PrepareModuleInput, PrepareModuleInputOutput as PrepareModuleInputOutput,
                    PrepareModuleOutput as PrepareModuleOutput,
                    RowwiseParallel as RowwiseParallel, SequenceParallel as SequenceParallel)

__all__ = ["parallelize_module", "ParallelStyle", "ColwiseParallel", "RowwiseParallel", "SequenceParallel",
           "PrepareModuleInput", "PrepareModuleOutput", "PrepareModuleInputOutput", "loss_parallel"]
