"""torch.utils.checkpoint's selective-checkpoint (SAC) names and its device-state helpers.

A selective-checkpoint policy tells torch which op results to keep instead of recomputing. The
values are the same whichever are kept, only memory and time differ; jtorch's checkpoint is one
jax.checkpoint op and XLA chooses what to rematerialise, so the policy is validated and recorded
(its function is called with torch's context object) but does not change what XLA keeps.
"""
import contextlib
import enum
from .._tensor import Tensor
from ..random import get_rng_state
from ..random import set_rng_state
from .. import cuda

__all__ = ["CheckpointPolicy", "SelectiveCheckpointContext", "create_selective_checkpoint_contexts",
           "SAC_IGNORED_OPS", "DefaultDeviceType", "get_device_states", "set_device_states", "CheckpointFunction",
           "GraphExecGroup"]


# MUST_* always wins over PREFER_*; the values are torch's
CheckpointPolicy = enum.Enum("CheckpointPolicy", [(name, value) for value, name in enumerate(
    ["MUST_SAVE", "PREFER_SAVE", "MUST_RECOMPUTE", "PREFER_RECOMPUTE", "MUST_CPU_OFFLOAD", "PREFER_CPU_OFFLOAD"])])


CheckpointPolicy.__module__ = "torch.utils.checkpoint"

# ops whose results a policy is never asked about (metadata and views); torch keeps OpOverloads here
SAC_IGNORED_OPS = {"aten.detach.default", "aten.lift_fresh.default", "prim.device.default", "aten.size.default",
                   "aten.sym_size.default", "aten.sym_size.int", "aten.sym_stride.default",
                   "aten.sym_stride.int", "aten.stride.default", "aten.sym_numel.default",
                   "aten.sym_storage_offset.default", "aten.numel.default", "aten.dim.default",
                   "aten.is_contiguous.default", "aten._assert_async.msg"}


class SelectiveCheckpointContext:
    """What a policy function receives: whether the call is the recomputation."""

    def __init__(self, *, is_recompute, op_output=None):
        self.is_recompute = is_recompute
        self.op_output = op_output


class _PolicyMode(contextlib.AbstractContextManager):
    def __init__(self, policy_fn, is_recompute):
        self.policy_fn, self.ctx = policy_fn, SelectiveCheckpointContext(is_recompute=is_recompute)

    def __exit__(self, *exc):
        return None


def create_selective_checkpoint_contexts(policy_fn_or_list, allow_cache_entry_mutation=False):
    """The (forward, recompute) context pair that `checkpoint(..., context_fn=...)` expects."""
    if not (isinstance(policy_fn_or_list, list) or callable(policy_fn_or_list)):
        raise TypeError("policy_fn_or_list must be either a function or a list of ops.")
    policy_fn = policy_fn_or_list
    if isinstance(policy_fn_or_list, list):  # the listed ops are saved, the rest recomputed
        saved = list(policy_fn_or_list)

        def policy_fn(ctx, op, *args, **kwargs):
            return CheckpointPolicy.MUST_SAVE if op in saved else CheckpointPolicy.PREFER_RECOMPUTE
    return _PolicyMode(policy_fn, False), _PolicyMode(policy_fn, True)


class DefaultDeviceType:
    """The device type whose RNG state checkpoint saves and restores."""

    _default_device_type = None

    @staticmethod
    def set_device_type(device="cuda"):
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type():
        if DefaultDeviceType._default_device_type is not None:
            return DefaultDeviceType._default_device_type
        return "cuda" if cuda.is_available() else "cpu"


def get_device_states(*args):
    """(device indices, RNG states) of the accelerator devices the tensor arguments live on."""
    devices = []
    for a in args:
        if isinstance(a, Tensor) and a.device.type not in ("cpu", "meta") and a.get_device() not in devices:
            devices.append(a.get_device())
    return devices, [get_rng_state() for _ in devices]


def set_device_states(devices, states, *, device_type=None):
    """Restores what get_device_states returned (jtorch has one generator for every device)."""
    for state in list(states)[:1]:
        set_rng_state(state)


class CheckpointFunction:
    """The reentrant checkpoint as torch's autograd.Function: `CheckpointFunction.apply(run_function,
    preserve_rng_state, *args)`."""

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def apply(run_function, preserve_rng_state, *args):
        from .checkpoint import checkpoint
        return checkpoint(run_function, *args, use_reentrant=True, preserve_rng_state=preserve_rng_state)

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        return CheckpointFunction.apply(run_function, preserve_rng_state, *args)

    @staticmethod
    def backward(ctx, *args):
        raise RuntimeError("jtorch: CheckpointFunction's backward is part of the checkpoint op's jax.vjp")


class GraphExecGroup:
    """Groups backward calls that share one checkpoint recomputation (torch); recorded only."""

    _current = None

    def __enter__(self):
        self._previous, GraphExecGroup._current = GraphExecGroup._current, self
        return self

    def __exit__(self, *exc):
        GraphExecGroup._current = self._previous
        return False

    @classmethod
    def _get_current_group(cls):
        return cls._current


for _cls in (SelectiveCheckpointContext, DefaultDeviceType, CheckpointFunction, GraphExecGroup):
    _cls.__module__ = "torch.utils.checkpoint"
