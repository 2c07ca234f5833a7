"""torch.distributed._composable.fsdp: the older path of torch.distributed.fsdp.fully_shard."""
from ...fsdp import (  # noqa: F401
    CPUOffloadPolicy as CPUOffloadPolicy, FSDPModule as FSDPModule, MixedPrecisionPolicy as MixedPrecisionPolicy,
    OffloadPolicy as OffloadPolicy, fully_shard as fully_shard,
)
