"""torch.utils.checkpoint: activation checkpointing as one jax.checkpoint (remat) op.

`checkpoint(fn, *args)` calls `fn` once, as a plain call would (Python state, module flags,
random draws and errors behave as in torch; ops are only recorded, or run on tracers inside
jtorch.compile), then collapses the ops it recorded - from the values that existed before
the call (arguments, parameters of modules captured by the closure, random keys, constants)
up to the results - into ONE op whose lowering replays them under `jax.checkpoint`. Every
tensor the function read becomes an input of that op because the recorded graph names it,
so closed-over parameters get gradients with no closure analysis. XLA recomputes the
intermediates in the backward pass instead of storing them.

Differences from torch: the Python function runs once (torch runs it again in backward, so
its side effects happen twice there; here in-place buffer updates such as BatchNorm's running
stats happen once); dropout keys are inputs of the op, so the recomputed masks always equal
the forward ones, even with preserve_rng_state=False; context_fn's recompute context is
never entered (XLA does the recomputation); early_stop and debug have no effect.
"""
import contextlib
import warnings

import jax

from .._engine import program as _program
from .._engine.graph import _serial
from .._ops import registry
from ..func import _flatten
from ..nn.modules.container import Sequential
from ..autograd.grad_mode import no_grad

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "check_backward_validity",
           "detach_variable", "noop_context_fn", "set_checkpoint_debug_enabled", "set_checkpoint_early_stop",
           "CheckpointPolicy", "SelectiveCheckpointContext", "create_selective_checkpoint_contexts",
           "SAC_IGNORED_OPS", "DefaultDeviceType", "get_device_states", "set_device_states", "CheckpointFunction",
           "GraphExecGroup"]

_DEFAULT_DETERMINISM_MODE = "default"
_DETERMINISM_CHECKS = ("default", "none")
_debug_enabled = [None]


# torch's warnings when use_reentrant is not given (worded as torch words them)
_REENTRANT_ADVICE = ("use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                     "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                     "the two variants.")
_CHECKPOINT_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch 2.9, "
    "calling checkpoint without use_reentrant will raise an exception. " + _REENTRANT_ADVICE)
_SEQUENTIAL_REENTRANT_WARNING = (
    "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed explicitly. In "
    "version 2.9 we will raise an exception if use_reentrant is not passed. " + _REENTRANT_ADVICE)


class CheckpointError(RuntimeError):
    pass


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    prev, _debug_enabled[0] = _debug_enabled[0], enabled
    try:
        yield
    finally:
        _debug_enabled[0] = prev


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    yield  # XLA schedules the recomputation; there is nothing to stop early


def detach_variable(inputs):
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    out = []
    for inp in inputs:
        if isinstance(inp, registry._Tensor):
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            inp = x
        out.append(inp)
    return tuple(out)


def check_backward_validity(inputs):
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, registry._Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


# -- the op ---------------------------------------------------------------------------------

def _checkpoint_lower(*leaves, prog, nograd):
    """Replay the recorded ops (prog) under jax.checkpoint; values recorded without grad stay so."""
    return tuple(jax.checkpoint(lambda *xs: tuple(prog.run(xs, nograd)))(*leaves))


CHECKPOINT = registry.OpDef("checkpoint", _checkpoint_lower, (), ("prog", "nograd"), None, False,
                            "CheckpointFunctionBackward", True)
registry.OPS[CHECKPOINT.name] = CHECKPOINT


def _remat(function, args, kwargs, reentrant, context):
    """Call `function`, then rewrite its tensor results as outputs of one checkpoint op."""
    start = next(_serial)
    with context:
        ret = function(*args, **kwargs)
    items, rebuild = _flatten(ret)
    tensors = [x for x in items if isinstance(x, registry._Tensor)]
    # results computed inside the call; returned inputs and fresh constants pass through
    inner = [t for t in tensors if t._fresh_lazy().node is not None and t._lazy.serial > start]
    if not inner:
        return ret

    def stop(lz):  # what existed before the call, and concrete leaves (keys, constants)
        return lz.serial < start or lz.node is None

    roots = list({id(t._lazy): t._lazy for t in inner}.values())
    prog, leaves, nodes = _program.build(roots, stop)
    # the gradient reaches only what grad-carrying values read (not through no_grad or detach())
    grad_nodes, grad_leaves, stack, seen = set(), set(), list(roots), set()
    while stack:
        lz = stack.pop()
        if id(lz) in seen or not lz.requires_grad:
            continue
        seen.add(id(lz))
        if stop(lz):
            grad_leaves.add(id(lz))
            continue
        grad_nodes.add(id(lz.node))
        stack.extend(i for i in lz.node.inputs if i is not None)
    nograd = frozenset(i for i, n in enumerate(nodes) if id(n) not in grad_nodes)
    T = registry._Tensor
    # an input read only without grad gets none (torch leaves its .grad None)
    args = tuple(T._from_lazy(lz) if id(lz) in grad_leaves or not lz.requires_grad else T._from_lazy(lz).detach()
                 for lz in leaves)
    outs = registry.dispatch(CHECKPOINT, args, (prog, nograd))
    by_lazy = {}
    for lz, o in zip(roots, outs):
        if o._lazy.requires_grad:
            o._lazy.grad_fn = "CheckpointFunctionBackward" if reentrant else lz.grad_fn
        by_lazy[id(lz)] = o
    return rebuild([by_lazy.get(id(x._lazy), x) if isinstance(x, registry._Tensor) else x for x in items])


# -- public API -----------------------------------------------------------------------------

def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check=_DEFAULT_DETERMINISM_MODE, debug=False, early_stop=True, **kwargs):
    """torch.utils.checkpoint.checkpoint: `function(*args, **kwargs)` with its intermediate
    activations recomputed in the backward pass (one jax.checkpoint op) instead of stored."""
    if use_reentrant is None:
        warnings.warn(_CHECKPOINT_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    kwargs.pop("preserve_rng_state", True)  # keys are op inputs: the rng state is always preserved
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        T = registry._Tensor
        if not any(isinstance(a, T) and a.requires_grad for a in args):
            # torch runs the function under no_grad and nothing upstream needs a gradient
            check_backward_validity(args)
            with no_grad():
                return function(*args)
        return _remat(function, args, {}, True, contextlib.nullcontext())
    if _debug_enabled[0] if _debug_enabled[0] is not None else debug:
        if context_fn is not noop_context_fn:
            raise ValueError("debug=True is incompatible with non-default context_fn")
    if determinism_check not in _DETERMINISM_CHECKS:
        raise ValueError(f"determinism_check should be one of {list(_DETERMINISM_CHECKS)}, "
                         f"but got {determinism_check}")
    forward_context, _recompute_context = context_fn()  # XLA recomputes: the second is never entered
    return _remat(function, args, kwargs, False, forward_context)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):  # noqa: A002
    """torch.utils.checkpoint.checkpoint_sequential: checkpoint all but the last of `segments` chunks."""
    if use_reentrant is None:
        warnings.warn(_SEQUENTIAL_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run_segment(first, stop):
        def forward(x):
            for j in range(first, stop):
                x = functions[j](x)
            return x
        return forward

    size = len(functions) // segments
    ran = 0  # functions already run inside checkpoints; the last segment runs plainly
    for first in range(0, size * (segments - 1), size):
        ran = first + size
        input = checkpoint(run_segment(first, ran), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_segment(ran, len(functions))(input)


from .checkpoint_selective import (  # noqa: E402,F401
    SAC_IGNORED_OPS as SAC_IGNORED_OPS, CheckpointFunction as CheckpointFunction, CheckpointPolicy as CheckpointPolicy,
    DefaultDeviceType as DefaultDeviceType, GraphExecGroup as GraphExecGroup,
    SelectiveCheckpointContext as SelectiveCheckpointContext,
    create_selective_checkpoint_contexts as create_selective_checkpoint_contexts,
    get_device_states as get_device_states, set_device_states as set_device_states,
)
