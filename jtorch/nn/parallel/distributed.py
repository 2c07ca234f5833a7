"""torch.nn.parallel.DistributedDataParallel on a JAX device mesh.

torch runs one process per device and all-reduces gradients between them. jtorch runs
one process per host: the module is replicated over every device of the process (or
`device_ids`) and the batch split over them, as in DataParallel, so XLA all-reduces the
gradients inside the compiled step. With several processes (jax.distributed, through
init_process_group) the mesh spans every process's devices and each process's local
batch becomes its slice of the global batch.
"""
import contextlib

import jax

from ...distributed import distributed_c10d as c10d
from ..modules.module import Module
from ._mesh import ReplicatedModule, device_index, resolve_devices


class DistributedDataParallel(ReplicatedModule, Module):
    """DistributedDataParallel(module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
    process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
    gradient_as_bucket_view=False, static_graph=False, ...).

    Needs init_process_group first, as torch. Bucketing, unused-parameter search and
    gradient views are torch's communication details with no counterpart here; their
    arguments are accepted.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=None,
                 init_sync=True, process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None, mixed_precision=None,
                 device_mesh=None, skip_all_reduce_unused_params=False, bucket_cap_mb_list=None,
                 batched_grad_copy=False, forward_sync_buffers=None):
        super().__init__()
        c10d._require_init()
        self.module = module
        self.dim = dim
        self.broadcast_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.process_group = process_group
        self.require_backward_grad_sync = True
        if jax.process_count() > 1:
            devices = list(jax.devices())
        else:
            devices = resolve_devices(device_ids)
        self.device_ids = None if device_ids is None else [device_index(d) for d in devices]
        self.output_device = output_device
        self._setup_mesh(devices)

    def _split(self, inputs, kwargs):
        if jax.process_count() > 1:
            return _to_global(self._mesh, (inputs, kwargs), self.dim)
        return super()._split(inputs, kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """torch skips the all-reduce inside; here gradients are always whole, so this only records it."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        return contextlib.nullcontext()


def _to_global(mesh, obj, dim):
    """Each process's local batch as its slice of one global array (multi-host)."""
    from jax.experimental import multihost_utils
    from jax.sharding import PartitionSpec

    from ..._engine.graph import Lazy
    from ..._ops import registry
    T = registry._Tensor

    def conv(x):
        if isinstance(x, T) and x.dim() > dim:
            v = x.detach()._value("DistributedDataParallel")
            spec = PartitionSpec(*([None] * dim + ["batch"]))
            g = multihost_utils.host_local_array_to_global_array(v, mesh.mesh, spec)
            return T._from_lazy(Lazy(tuple(g.shape), x.dtype, value=g))
        if isinstance(x, (list, tuple)):
            return type(x)(conv(o) for o in x)
        if isinstance(x, dict):
            return type(x)((k, conv(v)) for k, v in x.items())
        return x
    return conv(obj)
