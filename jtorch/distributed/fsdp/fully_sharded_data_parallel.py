"""torch.distributed.fsdp.fully_sharded_data_parallel: the path torch defines FSDP's wrapper under."""
from . import (  # noqa: F401
    BackwardPrefetch as BackwardPrefetch, CPUOffload as CPUOffload, FullOptimStateDictConfig as FullOptimStateDictConfig,
    FullStateDictConfig as FullStateDictConfig, FullyShardedDataParallel as FullyShardedDataParallel,
    LocalOptimStateDictConfig as LocalOptimStateDictConfig, LocalStateDictConfig as LocalStateDictConfig,
    MixedPrecision as MixedPrecision, OptimStateDictConfig as OptimStateDictConfig,
    ShardedOptimStateDictConfig as ShardedOptimStateDictConfig, ShardedStateDictConfig as ShardedStateDictConfig,
    ShardingStrategy as ShardingStrategy, StateDictConfig as StateDictConfig, StateDictSettings as StateDictSettings,
    StateDictType as StateDictType,
)
