"""torch._dynamo: the names libraries import from torch's bytecode compiler.

jtorch compiles with jax.jit, which traces Python as it runs: there are no graph breaks, guards or frames to
skip. Hints that only steer dynamo are accepted and change nothing; the calls that would hand back dynamo's own
artifacts (export, explain, replay) raise, naming the API.
"""
import types as _types

from ..compiler import (  # noqa: F401
    allow_in_graph as allow_in_graph, assume_constant_result as assume_constant_result, is_compiling as is_compiling, list_backends as list_backends, reset as reset, set_stance as set_stance,
)
from . import eval_frame as eval_frame, exc as exc  # noqa: F401
from .eval_frame import OptimizedModule as OptimizedModule
import sys
from .._compile import compile as _compile

__all__ = ["allow_c_slot", "allow_in_graph", "assume_constant_result", "config", "disable",
           "disable_nested_graph_breaks", "disallow_in_graph", "dont_skip_tracing", "export", "explain",
           "forbid_in_graph", "graph_break", "is_compiling", "is_dynamo_disable_recursive", "list_backends",
           "lookup_backend", "mark_dynamic", "maybe_mark_dynamic", "mark_static", "mark_static_address",
           "nonstrict_trace", "override_optimization_hint", "optimize", "optimize_assert", "OptimizedModule",
           "patch_dynamo_config", "register_backend", "replay", "reset", "reset_recompile_user_contexts", "run",
           "override_cudagraphs", "error_on_graph_break", "set_recursion_limit", "set_stance", "skip_frame",
           "step_unsupported", "substitute_in_graph"]

config = _types.SimpleNamespace(cache_size_limit=8, recompile_limit=8, accumulated_cache_size_limit=256,
                                suppress_errors=False, capture_scalar_outputs=False,
                                capture_dynamic_output_shape_ops=False, optimize_ddp=True, verbose=False)
_backends = {"jax": None}


def disable(fn=None, recursive=True, *, reason=None, wrapping=True):
    """Run `fn` outside the compiler: jax traces through Python either way, so `fn` runs as written."""
    return (lambda f: f) if fn is None else fn


def allow_c_slot(tp, *, tp_hash=True, tp_richcompare=True):
    return tp


def disable_nested_graph_breaks(fn=None):
    return fn


def disallow_in_graph(fn):
    return fn


def dont_skip_tracing(fn=None):
    return fn


def forbid_in_graph(fn):
    return fn


def nonstrict_trace(traceable_fn):
    return traceable_fn


def graph_break(msg=""):
    """jax traces straight through: nothing to break."""


def skip_frame(msg=""):
    """Nothing to skip: frames are not compiled one by one."""


def step_unsupported(msg=""):
    """Nothing to step over."""


def is_dynamo_disable_recursive(method):
    return None


def mark_dynamic(t, index, *, hint_override=None, min=None, max=None, specialize_on=None):  # noqa: A002
    """jax.jit specialises on every shape; marking a dimension dynamic changes no result."""


def maybe_mark_dynamic(t, index):
    """See mark_dynamic."""


def mark_static(t, index=None):
    """Every dimension is static under jax.jit already."""


def mark_static_address(t, guard=False):
    """Buffers keep their place between steps already (jtorch donates and reuses them)."""


def override_optimization_hint(x, val):
    """Hints for dynamo's symbolic shapes; there are none here."""


def set_recursion_limit(limit):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), limit))


def reset_recompile_user_contexts():
    """No recompile contexts are kept."""


def run(fn=None):
    return fn


def lookup_backend(compiler_fn):
    if callable(compiler_fn):
        return compiler_fn
    if compiler_fn not in _backends:
        raise KeyError(f"Invalid backend name: {compiler_fn}. jtorch compiles with 'jax'")
    return compiler_fn


def register_backend(compiler_fn=None, name=None, tags=()):
    def record(fn):
        _backends[name or fn.__name__] = fn
        return fn
    return record if compiler_fn is None else record(compiler_fn)


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False,
                        is_embedded_type=False):
    return lambda fn: fn




def patch_dynamo_config(arg1=None, arg2=None, **kwargs):
    return _Patch()


def override_cudagraphs(fwd=None, bwd=None):
    return _Patch()


def error_on_graph_break(error_on_graph_break):
    return _Patch()


class _Patch:
    """Usable as a decorator and as a context manager; changes nothing (dynamo's settings do not apply)."""

    def __call__(self, fn):
        return fn

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def optimize(*args, **kwargs):
    """torch._dynamo.optimize(backend)(fn) is torch.compile(fn, backend=...)."""
    return lambda fn: _compile(fn)


def optimize_assert(*args, **kwargs):
    return optimize(*args, **kwargs)


def export(f, *extra_args, aten_graph=False, pre_dispatch=False, decomposition_table=None, tracing_mode="symbolic",
           dynamic_shapes=None, specialize_float=True, assume_static_by_default=False, same_signature=True,
           disable_constraint_solver=False, prefer_deferred_runtime_asserts_over_guards=False,
           _log_export_usage=True, constraints=None, **extra_kwargs):
    raise NotImplementedError("jtorch has no dynamo graph export (torch._dynamo.export); use torch.export.export "
                              "or torch.onnx")


def explain(f, *extra_args, **extra_kwargs):
    raise NotImplementedError("jtorch has no dynamo graph-break report (torch._dynamo.explain): jax.jit traces "
                              "whole functions without graph breaks")


def replay(filename):
    raise NotImplementedError("jtorch cannot replay dynamo's recorded frames (torch._dynamo.replay)")
