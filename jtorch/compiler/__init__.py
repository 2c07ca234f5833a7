"""torch.compiler: what libraries ask of the compiler.

jtorch's compiler is jax.jit (through torch.compile / jtorch.compile). Hints that only steer torch's dynamo
(graph breaks, guards, allow-listing) change no result here, so they are accepted and do nothing;
is_compiling() answers whether jax is tracing jtorch ops right now.
"""
import types as _types
from .._compile import compile as _compile
from .._engine import modes
import jax

__all__ = ["compile", "config", "assume_constant_result", "reset", "allow_in_graph", "substitute_in_graph",
           "list_backends", "disable", "set_default_backend", "get_default_backend", "set_stance",
           "set_enable_guard_collectives", "cudagraph_mark_step_begin", "load_compiled_function", "wrap_numpy",
           "is_compiling", "is_dynamo_compiling", "is_exporting", "save_cache_artifacts", "load_cache_artifacts",
           "keep_portable_guards_unsafe", "skip_guard_on_inbuilt_nn_modules_unsafe",
           "skip_guard_on_all_nn_modules_unsafe", "keep_tensor_guards_unsafe", "skip_guard_on_globals_unsafe",
           "skip_all_guards_unsafe", "nested_compile_region"]

config = _types.SimpleNamespace(job_id=None, dynamic_sources="", unbacked_sources="", force_disable_caches=False)
_backend = ["jax"]


def compile(*args, **kwargs):  # noqa: A001
    return _compile(*args, **kwargs)


def is_compiling():
    """True while jax traces jtorch ops (inside torch.compile, torch.func transforms, autograd.Function)."""
    return modes.get().tracing > 0


def is_dynamo_compiling():
    return is_compiling()


def is_exporting():
    return False


def _passthrough(fn):
    return fn


assume_constant_result = allow_in_graph = wrap_numpy = _passthrough


def disable(fn=None, recursive=True, *, reason=None):
    """Run `fn` outside the compiler: jax traces through Python either way, so `fn` runs as written."""
    return _passthrough if fn is None else fn


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False):
    return lambda fn: fn


def nested_compile_region(fn=None, *, options=None, max_reuse_entries=8, reuse_hash_fn=None):
    return _passthrough if fn is None else fn


def reset():
    """Forget compiled programs: torch drops dynamo's caches; jtorch's compiled-program caches go too."""
    jax.clear_caches()


def list_backends(exclude_tags=("debug", "experimental")):
    return ["jax"]


def set_default_backend(backend):
    _backend[0] = backend


def get_default_backend():
    return _backend[0]


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    if stance not in ("default", "force_eager", "eager_on_recompile", "fail_on_recompile", "eager_then_compile",
                      "aot_eager_then_compile"):
        raise RuntimeError(f"invalid stance: {stance}")


def set_enable_guard_collectives(enabled):
    return False


def cudagraph_mark_step_begin():
    """CUDA graphs only change speed; there are none to mark here."""


def save_cache_artifacts():
    return None


def load_cache_artifacts(serialized_artifacts):
    return None


def load_compiled_function(file, *, f_globals=None, external_data=None):
    raise NotImplementedError("jtorch cannot load torch.compiler.save_compiled_function's dynamo artifacts "
                              "(torch.compiler.load_compiled_function)")


# guard filters: which of dynamo's guards to keep. jax.jit keys its cache on shapes and dtypes only, so every
# entry is kept (the answer changes nothing here)
def keep_portable_guards_unsafe(guard_entries):
    return [True] * len(guard_entries)


def keep_tensor_guards_unsafe(guard_entries, keep_parameters=False):
    return [True] * len(guard_entries)


def skip_guard_on_inbuilt_nn_modules_unsafe(guard_entries):
    return [True] * len(guard_entries)


def skip_guard_on_all_nn_modules_unsafe(guard_entries):
    return [True] * len(guard_entries)


def skip_guard_on_globals_unsafe(guard_entries):
    return [True] * len(guard_entries)


def skip_all_guards_unsafe(guard_entries):
    return [True] * len(guard_entries)
