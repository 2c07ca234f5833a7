"""torch.nn.parallel.DistributedDataParallel on a JAX device mesh.

Inside a process the module is replicated over every local device (or `device_ids`) and
the batch split over them, as in DataParallel, so XLA all-reduces the gradients inside the
compiled step. Across processes (jax.distributed, through init_process_group) each process
runs its own local batch, as torch's ranks do, and the gradients are averaged across
processes once backward has produced the last of them: one collective per dtype over all
gradients flattened together (torch's bucketed all-reduce, as a single bucket).
"""
import contextlib

from ...distributed import distributed_c10d as c10d
from ..modules.module import Module
from ._mesh import ReplicatedModule, device_index, resolve_devices
import numpy as np
from ..._ops.creation import tensor as make
from ...autograd.grad_mode import no_grad
from ...autograd.grad_mode import is_grad_enabled


class DistributedDataParallel(ReplicatedModule, Module):
    """DistributedDataParallel(module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
    process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
    gradient_as_bucket_view=False, static_graph=False, ...).

    Needs init_process_group first, as torch. With several processes the parameters and
    buffers start from rank 0's (init_sync) and every parameter must get a gradient in
    each backward (find_unused_parameters is not implemented). Bucket sizes and gradient
    views are torch's communication details with no counterpart here; their arguments
    are accepted.
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
        devices = resolve_devices(device_ids)
        self.device_ids = None if device_ids is None else [device_index(d) for d in devices]
        self.output_device = output_device
        self._reducer = None
        if c10d._multi():
            if init_sync:
                _sync_module_states(self._state_tensors())
            self._reducer = _GradReducer(self)
        self._setup_mesh(devices)

    def forward(self, *inputs, **kwargs):
        if self._reducer is not None:
            self._reducer.prepare(is_grad_enabled() and self.require_backward_grad_sync)
            if self.broadcast_buffers:  # as torch: every forward starts from rank 0's buffers (e.g. BatchNorm stats)
                buffers = list(self.module.buffers())
                if buffers:
                    _sync_module_states(buffers)
        return super().forward(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Backward inside accumulates each process's own gradients; the first synced backward
        after it averages the accumulated ones, as torch's does."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        return contextlib.nullcontext()

    def __getstate__(self):
        state = super().__getstate__()
        state["_reducer"] = None  # a copy is not a member of the process group's gradient exchange
        return state


def _sync_module_states(tensors):
    """Every process starts from rank 0's parameters and buffers, as torch's DDP does at construction:
    one broadcast per dtype of all of them flattened together."""
    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    for group in by_dtype.values():
        values = [np.asarray(t.detach().numpy()) for t in group]
        flat = c10d._run("broadcast", np.concatenate([v.ravel() for v in values]), src=0)
        start = 0
        for t, v in zip(group, values):
            c10d._set(t, flat[start:start + v.size].reshape(v.shape))
            start += v.size


class _GradReducer:
    """Averages the gradients of a DDP module's parameters across processes.

    A hook on every parameter sees its gradient from backward before it is accumulated.
    The hooks record them; the hook of the last parameter to get one averages all the
    accumulated gradients at once (one flattened collective per dtype) and stores them, so
    `.grad` holds the mean over processes, as torch's reducer leaves it.
    """

    def __init__(self, ddp):
        self.ddp = ddp
        self.params = [p for p in ddp.module.parameters() if p.requires_grad]
        self.armed = False
        self.pending = {}  # id(param) -> (param, .grad before this backward, this backward's gradient)
        self.handles = [p.register_hook(self._hook(p)) for p in self.params]

    def prepare(self, sync):
        if self.pending:
            names = {id(p): n for n, p in self.ddp.module.named_parameters()}
            missing = [names[id(p)] for p in self.params if id(p) not in self.pending]
            self.pending = {}
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. This error "
                "indicates that your module has parameters that were not used in producing loss. jtorch's "
                "DistributedDataParallel needs every parameter to receive a gradient in each backward; parameters "
                f"that did not: {missing}")
        self.armed = sync

    def _hook(self, param):
        def hook(grad):
            if not self.armed:
                return grad
            self.pending[id(param)] = (param, param._grad, grad)
            if len(self.pending) < len(self.params):
                return grad
            return self._reduce(param)
        return hook

    def _reduce(self, last):
        """Average every recorded accumulated gradient; store them, returning the last parameter's increment."""

        entries, self.pending, self.armed = list(self.pending.values()), {}, False
        by_dtype = {}
        for e in entries:
            by_dtype.setdefault(e[2].dtype, []).append(e)
        out = None
        with no_grad():
            for group in by_dtype.values():
                totals = [g if prev is None else prev + g for _, prev, g in group]
                flat = np.concatenate([np.asarray(t.detach().numpy()).ravel() for t in totals])
                mean = c10d._run("reduce", flat, op=c10d.ReduceOp.AVG)
                start = 0
                for (p, prev, _), t in zip(group, totals):
                    value = make(mean[start:start + t.numel()].reshape(tuple(t.shape)), dtype=t.dtype).to(p.device)
                    start += t.numel()
                    if self.ddp._mesh is not None:
                        self.ddp._mesh.replicate([value])
                    if p is last:  # backward adds the returned increment to the previous .grad
                        out = value if prev is None else value - prev
                    else:
                        p._grad = value
        return out
