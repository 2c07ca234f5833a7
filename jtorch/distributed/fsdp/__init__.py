"""torch.distributed.fsdp: fully sharded data parallel, within one process.

`fully_shard` (FSDP2) and the `FullyShardedDataParallel` wrapper lay each parameter out over the devices of
this process, split along dim 0, and split each batch over them; XLA's SPMD partitioner does the gathers and
reductions inside the one compiled step. Across processes they raise (see _fully_shard).
"""
from ._fully_shard import (
    CPUOffloadPolicy as CPUOffloadPolicy, DataParallelMeshDims as DataParallelMeshDims, FSDPModule as FSDPModule,
    MixedPrecisionPolicy as MixedPrecisionPolicy, OffloadPolicy as OffloadPolicy, UnshardHandle as UnshardHandle,
    fully_shard as fully_shard, register_fsdp_forward_method as register_fsdp_forward_method,
    share_comm_ctx as share_comm_ctx,
)
from .api import (
    BackwardPrefetch as BackwardPrefetch, CPUOffload as CPUOffload, FullOptimStateDictConfig as FullOptimStateDictConfig,
    FullStateDictConfig as FullStateDictConfig, LocalOptimStateDictConfig as LocalOptimStateDictConfig,
    LocalStateDictConfig as LocalStateDictConfig, MixedPrecision as MixedPrecision,
    OptimStateDictConfig as OptimStateDictConfig, OptimStateKeyType as OptimStateKeyType,
    ShardedOptimStateDictConfig as ShardedOptimStateDictConfig, ShardedStateDictConfig as ShardedStateDictConfig,
    ShardingStrategy as ShardingStrategy, StateDictConfig as StateDictConfig, StateDictSettings as StateDictSettings,
    StateDictType as StateDictType,
)
from .fully_sharded_data_parallel import FullyShardedDataParallel as FullyShardedDataParallel

__all__ = ["BackwardPrefetch", "CPUOffload", "FullOptimStateDictConfig", "FullStateDictConfig",
           "FullyShardedDataParallel", "LocalOptimStateDictConfig", "LocalStateDictConfig", "MixedPrecision",
           "OptimStateDictConfig", "OptimStateKeyType", "ShardedOptimStateDictConfig", "ShardedStateDictConfig",
           "ShardingStrategy", "StateDictConfig", "StateDictSettings", "StateDictType", "CPUOffloadPolicy",
           "DataParallelMeshDims", "FSDPModule", "fully_shard", "MixedPrecisionPolicy", "OffloadPolicy",
           "register_fsdp_forward_method", "UnshardHandle", "share_comm_ctx"]
