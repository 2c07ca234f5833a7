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
