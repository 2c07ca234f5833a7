"""torch.distributed.fsdp.fully_shard (FSDP2) inside one process: parameters split over its devices.

jtorch's ranks are processes and one process drives all of its devices (see nn.parallel). Sharding a module
lays each parameter out over a 1-D mesh of this process's devices, split along dim 0 where it divides evenly
(torch's `Shard(0)`), and the root splits each batch over the same mesh. The step is one compiled program,
so XLA's SPMD partitioner inserts the all-gathers and reduce-scatters FSDP schedules by hand, and the
optimizer state it creates takes its parameter's layout: each device holds 1/N of the sharded state.

Parameters stay ordinary Parameters (not DTensors): reading one gives the whole value, and `state_dict()`
is the full state dict. Prefetch, resharding and communication settings are the compiler's decisions here;
their setters are accepted and change nothing. Sharding across processes is not implemented.
"""
import dataclasses
import threading

import jax

from ..._tensor import Tensor
from ...nn.modules.module import Module
from ...nn.parallel._mesh import BatchMesh
from ...utils._pytree import tree_map
from .. import distributed_c10d as _c10d

__all__ = ["FSDPModule", "UnshardHandle", "fully_shard", "register_fsdp_forward_method", "share_comm_ctx",
           "MixedPrecisionPolicy", "OffloadPolicy", "CPUOffloadPolicy", "DataParallelMeshDims"]


@dataclasses.dataclass(frozen=True)
class MixedPrecisionPolicy:
    param_dtype: object = None
    reduce_dtype: object = None
    output_dtype: object = None
    cast_forward_inputs: bool = True


@dataclasses.dataclass
class OffloadPolicy:
    pass


@dataclasses.dataclass
class CPUOffloadPolicy(OffloadPolicy):
    pin_memory: bool = True


@dataclasses.dataclass
class DataParallelMeshDims:
    shard: object = None
    replicate: object = None


def local_mesh(what):
    """The mesh over this process's devices an FSDP unit lays its state out on (None with one device)."""

    _c10d._require_init()
    if _c10d._multi():
        raise NotImplementedError(f"{what}: jtorch shards parameters over the devices of one process; sharding "
                                  "across processes is not implemented (use DistributedDataParallel there)")
    devices = jax.local_devices()
    return BatchMesh(devices) if len(devices) > 1 else None


class ShardedState:
    """What one FSDP unit keeps: its mesh, the tensors it lays out, and its mixed-precision policy."""

    def __init__(self, module, mesh, ignored=(), mp_policy=None):
        self.module = module
        self.mesh = mesh
        self.ignored = {id(p) for p in ignored}
        self.mp = mp_policy or MixedPrecisionPolicy()
        self.is_root = True
        self.saved = []

    def parameters(self):
        return [p for p in self.module.parameters() if id(p) not in self.ignored]

    def lay_out(self, compute=False):
        if self.mesh is not None:
            self.mesh.shard(self.parameters(), compute)
            self.mesh.replicate(list(self.module.buffers()))

    def split(self, args, kwargs):
        if self.mesh is None:
            return args, kwargs
        return self.mesh.scatter(args, 0), self.mesh.scatter(kwargs, 0)

    # torch's mixed precision: the forward computes with param_dtype copies of the parameters; gradients reach
    # the full-precision parameters through the cast, in their own dtype
    def cast_parameters(self):
        dtype = self.mp.param_dtype
        if dtype is None:
            return
        for m in self.module.modules():
            for name, p in list(m._parameters.items()):
                if p is None or id(p) in self.ignored or not p.is_floating_point() or p.dtype == dtype:
                    continue
                self.saved.append((m, name, p))
                m._parameters[name] = p.to(dtype)

    def restore_parameters(self):
        while self.saved:
            m, name, p = self.saved.pop()
            m._parameters[name] = p


_depth = threading.local()  # how many FSDP forwards are running in this thread: inputs are split once, at the root


def _cast_floats(obj, dtype):
    """Every floating tensor in obj (nested containers too) as `dtype`."""
    return tree_map(lambda t: t.to(dtype) if isinstance(t, Tensor) and t.is_floating_point() else t, obj)


def _pre_forward(module, args, kwargs):
    state = module.__dict__.get("_fsdp_state")
    if state is None:  # a copy: a plain module on one device
        return args, kwargs
    outer = getattr(_depth, "n", 0)
    _depth.n = outer + 1
    if outer == 0 and state.is_root:
        state.lay_out()  # after a step whose program left a parameter laid out otherwise
        args, kwargs = state.split(args, kwargs)
    if state.mp.param_dtype is not None and state.mp.cast_forward_inputs:
        args, kwargs = _cast_floats(args, state.mp.param_dtype), _cast_floats(kwargs, state.mp.param_dtype)
    state.cast_parameters()
    return args, kwargs


def _post_forward(module, args, output):
    state = module.__dict__.get("_fsdp_state")
    if state is None:
        return output
    _depth.n -= 1
    state.restore_parameters()
    if state.mp.output_dtype is not None:
        output = _cast_floats(output, state.mp.output_dtype)
    return output


class UnshardHandle:
    """What `unshard(async_op=True)` returns; the gather happens inside the compiled step, so wait is a no-op."""

    def wait(self):
        return None


class FSDPModule:
    """Mixed into every module fully_shard is applied to: `type(m)` becomes `FSDP<Class>`, as in torch."""

    def __new__(cls, *args, **kwargs):
        # as torch's: FSDPLinear(...) (a container slicing itself, say) builds a plain Linear
        if cls is FSDPModule or not (args or kwargs):  # (no arguments: copy.deepcopy rebuilding one)
            return super().__new__(cls)
        plain = cls.__mro__[2]
        self = plain.__new__(plain)
        self.__init__(*args, **kwargs)
        return self

    def reshard(self):
        return None

    def unshard(self, async_op=False):
        return UnshardHandle() if async_op else None

    # one process holds every device: there is no gradient exchange to skip, and when gathered
    # parameters are freed is XLA's decision inside the compiled step
    def set_requires_gradient_sync(self, requires_gradient_sync, *, recurse=True):
        return None

    def set_reshard_after_forward(self, reshard_after_forward, recurse=True):
        return None

    def set_is_last_backward(self, is_last_backward):
        return None

    def set_requires_all_reduce(self, requires_all_reduce, *, recurse=True):
        return None

    def set_reshard_after_backward(self, reshard_after_backward, *, recurse=True):
        return None

    def set_modules_to_forward_prefetch(self, modules):
        return None

    def set_modules_to_backward_prefetch(self, modules):
        return None

    def set_post_optim_event(self, event):
        return None

    def set_reduce_scatter_divide_factor(self, factor):
        return None

    def set_gradient_divide_factor(self, factor):
        return None

    def set_force_sum_reduction_for_comms(self, enable):
        return None

    def set_unshard_in_backward(self, unshard_in_backward):
        return None

    def set_all_reduce_hook(self, hook, *, stream=None):
        return None

    def set_custom_all_gather(self, comm):
        return None

    def set_custom_reduce_scatter(self, comm):
        return None

    def set_allocate_memory_from_process_group_for_comm(self, enable):
        return None

    def set_reduce_scatter_max_input_buffers(self, max_buffers):
        return None

    def set_reduce_scatter_unused_params(self, reduce_scatter_unused_params):
        return None

    def set_separate_reduce_scatter_group(self, enable):
        return None

    def set_symm_mem_for_comm(self, enable=True):
        return None

    def reset_iter_state(self):
        return None

    def __getstate__(self):  # a copy runs on one device, as a copied DistributedDataParallel does
        state = super().__getstate__()
        state.pop("_fsdp_state", None)
        return state


_CLASSES = {}


def _fsdp_class(cls):
    made = _CLASSES.get(cls)
    if made is None:
        made = _CLASSES[cls] = type(f"FSDP{cls.__name__}", (FSDPModule, cls), {"__module__": cls.__module__})
    return made


def fully_shard(module, *, mesh=None, reshard_after_forward=None, shard_placement_fn=None,
                mp_policy=MixedPrecisionPolicy(), offload_policy=OffloadPolicy(), ignored_params=None,
                dp_mesh_dims=None):
    """Shard `module`'s parameters over this process's devices (in place) and return it; see the module doc."""
    modules = list(module) if isinstance(module, (list, tuple)) else [module]
    for m in modules:
        if not isinstance(m, Module):
            raise ValueError(f"fully_shard expects an nn.Module, got {type(m).__name__}")
        if isinstance(m, FSDPModule):
            continue
        state = ShardedState(m, local_mesh("fully_shard"), ignored_params or (), mp_policy)
        for inner in m.modules():  # applied bottom-up, as torch expects: the outermost unit splits the batch
            if inner is not m and isinstance(inner, FSDPModule):
                inner._fsdp_state.is_root = False
        state.lay_out(compute=True)
        m._fsdp_state = state
        m.register_forward_pre_hook(_pre_forward, with_kwargs=True)
        m.register_forward_hook(_post_forward, always_call=True)
        m.__class__ = _fsdp_class(type(m))
    return module


def register_fsdp_forward_method(module, method_name):
    """Run FSDP's forward logic around `module.<method_name>` too (e.g. `generate`), as torch does."""
    if not isinstance(module, FSDPModule):
        return
    original = getattr(module, method_name)

    def wrapped(*args, **kwargs):
        args, kwargs = _pre_forward(module, args, kwargs)
        try:
            out = original(*args, **kwargs)
        except BaseException:
            _post_forward(module, args, None)
            raise
        return _post_forward(module, args, out)
    setattr(module, method_name, wrapped)


def share_comm_ctx(modules):
    """Communication contexts are the compiler's here: nothing to share."""
    return None
