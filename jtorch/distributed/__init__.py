"""torch.distributed on jax.distributed (see distributed_c10d.py)."""
from .distributed_c10d import (  # noqa: F401
    Backend as Backend, GroupMember as GroupMember, ReduceOp as ReduceOp, all_gather as all_gather,
    all_gather_into_tensor as all_gather_into_tensor, all_gather_object as all_gather_object,
    all_reduce as all_reduce, barrier as barrier, broadcast as broadcast,
    broadcast_object_list as broadcast_object_list, destroy_process_group as destroy_process_group,
    get_backend as get_backend, get_rank as get_rank, get_world_size as get_world_size, group as group,
    init_process_group as init_process_group, is_available as is_available, is_gloo_available as is_gloo_available,
    is_initialized as is_initialized, is_mpi_available as is_mpi_available, is_nccl_available as is_nccl_available,
    is_torchelastic_launched as is_torchelastic_launched, monitored_barrier as monitored_barrier,
    new_group as new_group, reduce as reduce, all_to_all_single as all_to_all_single,
    get_process_group_ranks as get_process_group_ranks,
    DistError as DistError, DistBackendError as DistBackendError, DistNetworkError as DistNetworkError,
    gather as gather, scatter as scatter,
    reduce_scatter as reduce_scatter, reduce_scatter_tensor as reduce_scatter_tensor,
)
from .device_mesh import DeviceMesh as DeviceMesh, init_device_mesh as init_device_mesh  # noqa: E402
from .distributed_c10d import (  # noqa: E402, F401
    ProcessGroup as ProcessGroup, Work as Work, P2POp as P2POp, all_gather_coalesced as all_gather_coalesced,
    all_gather_single as all_gather_single, all_reduce_coalesced as all_reduce_coalesced, all_to_all as all_to_all,
    batch_isend_irecv as batch_isend_irecv, breakpoint as breakpoint, default_pg_timeout as default_pg_timeout,
    gather_object as gather_object, get_backend_config as get_backend_config,
    get_default_backend_for_device as get_default_backend_for_device, get_global_rank as get_global_rank,
    get_group_rank as get_group_rank, get_node_local_rank as get_node_local_rank, get_pg_count as get_pg_count,
    irecv as irecv, is_backend_available as is_backend_available, is_ucc_available as is_ucc_available,
    is_xccl_available as is_xccl_available, isend as isend, new_subgroups as new_subgroups,
    new_subgroups_by_enumeration as new_subgroups_by_enumeration, record_comm as record_comm, recv as recv,
    recv_object_list as recv_object_list, reduce_op as reduce_op, reduce_scatter_single as reduce_scatter_single,
    scatter_object_list as scatter_object_list, send as send, send_object_list as send_object_list,
    shrink_group as shrink_group, split_group as split_group, supports_complex as supports_complex,
)
from ._c10d_types import (  # noqa: E402, F401
    AllToAllOptions as AllToAllOptions, AllreduceCoalescedOptions as AllreduceCoalescedOptions,
    AllreduceOptions as AllreduceOptions, BackendConfig as BackendConfig, BarrierOptions as BarrierOptions,
    BroadcastOptions as BroadcastOptions, BuiltinCommHookType as BuiltinCommHookType, DebugLevel as DebugLevel,
    GatherOptions as GatherOptions, GradBucket as GradBucket, GroupName as GroupName, Logger as Logger,
    ProcessGroupGloo as ProcessGroupGloo, ReduceOptions as ReduceOptions,
    ReduceScatterOptions as ReduceScatterOptions, Reducer as Reducer, ScatterOptions as ScatterOptions,
    get_debug_level as get_debug_level, set_debug_level as set_debug_level,
    set_debug_level_from_env as set_debug_level_from_env,
)
from ._store import (  # noqa: E402, F401
    DistStoreError as DistStoreError, FileStore as FileStore, HashStore as HashStore, PrefixStore as PrefixStore,
    QueueEmptyError as QueueEmptyError, Store as Store, TCPStore as TCPStore,
)
from .rendezvous import register_rendezvous_handler as register_rendezvous_handler  # noqa: E402, F401
from . import (  # noqa: E402, F401
    algorithms as algorithms, autograd as autograd, c10d_logger as c10d_logger, config as config,
    constants as constants, logging_handlers as logging_handlers, nn as nn, remote_device as remote_device,
    rendezvous as rendezvous, rpc as rpc, utils as utils,
)
from . import fsdp as fsdp, tensor as tensor  # noqa: E402, F401  (torch.distributed has both after import)
