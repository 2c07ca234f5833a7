"""torch.overrides: the __torch_function__ protocol's public helpers and registries.

The protocol itself lives with the op table (jtorch._ops.torch_function), where the op entries
reach it only when a call fails the ordinary Tensor/number path; this module re-exports it under
torch's names and lists which functions take part.
"""
import functools
import inspect
import sys

from ._ops.torch_function import (  # noqa: F401
    BaseTorchFunctionMode as BaseTorchFunctionMode, DisableTorchFunction as DisableTorchFunction,
    DisableTorchFunctionSubclass as DisableTorchFunctionSubclass, TorchFunctionMode as TorchFunctionMode,
    _disabled_torch_function_impl as _disabled_torch_function_impl, _enable_torch_function as _enable_torch_function,
    _get_current_function_mode as _get_current_function_mode,
    _get_current_function_mode_stack as _get_current_function_mode_stack,
    _get_overloaded_args as _get_overloaded_args, _is_torch_function_enabled as _is_torch_function_enabled,
    _is_torch_function_mode_enabled as _is_torch_function_mode_enabled,
    _len_torch_function_stack as _len_torch_function_stack, _pop_mode as _pop_mode,
    _pop_mode_temporarily as _pop_mode_temporarily, _push_mode as _push_mode, _tensor_methods,
    enable_reentrant_dispatch as enable_reentrant_dispatch, get_default_nowrap_functions as get_default_nowrap_functions,
    handle_torch_function as handle_torch_function, has_torch_function as has_torch_function,
    has_torch_function_unary as has_torch_function_unary, has_torch_function_variadic as has_torch_function_variadic,
    is_tensor_like as is_tensor_like, redispatch_function as redispatch_function, resolve_name as resolve_name,
)
from ._tensor import Tensor as _Tensor

__all__ = ["get_ignored_functions", "get_overridable_functions", "get_testing_overrides", "handle_torch_function",
           "has_torch_function", "resolve_name", "is_tensor_like", "is_tensor_method_or_property",
           "wrap_torch_function", "enable_reentrant_dispatch", "redispatch_function"]


def _public_namespaces():
    # read from sys.modules: this module sits below the namespaces it lists (they are imported by then)
    names = {"jtorch": "torch", "jtorch.nn.functional": "torch.nn.functional", "jtorch.linalg": "torch.linalg",
             "jtorch.fft": "torch.fft", "jtorch.special": "torch.special"}
    return {sys.modules[m]: t for m, t in names.items() if m in sys.modules}


@functools.lru_cache(None)
def _get_overridable_functions():
    by_namespace, names = {}, {}
    ignored = get_ignored_functions()
    for ns, ns_name in _public_namespaces().items():
        fns = []
        for name in sorted(dir(ns)):
            if name.startswith("_"):
                continue
            f = getattr(ns, name)
            if not callable(f) or isinstance(f, type) or f in ignored:
                continue
            fns.append(f)
            names.setdefault(f, f"{ns_name}.{name}")
        by_namespace[ns] = fns
    T = _Tensor
    methods = []
    for name, f in sorted(_tensor_methods().items()):
        methods.append(f)
        names.setdefault(f, f"torch.Tensor.{name}")
    by_namespace[T] = methods
    return by_namespace, names


def get_overridable_functions():
    """{namespace: [functions]} for the functions that take part in __torch_function__."""
    return _get_overridable_functions()[0]


def get_ignored_functions():
    """Public functions that never dispatch through __torch_function__ (they take no Tensor-like)."""
    jtorch = sys.modules["jtorch"]
    names = ("typename", "is_tensor", "is_storage", "set_default_tensor_type", "set_default_dtype",
             "get_default_dtype", "manual_seed", "seed", "initial_seed", "set_rng_state", "get_rng_state",
             "is_grad_enabled", "set_grad_enabled", "no_grad", "enable_grad", "compile", "from_numpy", "tensor",
             "as_tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "eye", "rand",
             "randn", "randint", "randperm", "finfo", "iinfo", "device", "load", "save", "is_inference_mode_enabled",
             "use_deterministic_algorithms", "are_deterministic_algorithms_enabled", "set_printoptions")
    return {getattr(jtorch, n) for n in names if hasattr(jtorch, n)}


def get_testing_overrides():
    """{function: a lambda with its signature returning -1}, for testing a Tensor-like's coverage."""
    out = {}
    for fns in get_overridable_functions().values():
        for f in fns:
            try:
                sig = inspect.signature(f)
            except (TypeError, ValueError):
                out[f] = lambda *args, **kwargs: -1
                continue
            out[f] = _minus_one_with(sig)
    return out


def _minus_one_with(sig):
    def fake(*args, **kwargs):
        sig.bind(*args, **kwargs)
        return -1
    fake.__signature__ = sig
    return fake


def is_tensor_method_or_property(func):
    """Whether func is a Tensor method or property getter (not a torch.* function)."""
    T = _Tensor
    if getattr(func, "__objclass__", None) is T:
        return True
    name = getattr(func, "__name__", None)
    jtorch = sys.modules["jtorch"]
    return name is not None and getattr(T, name, None) is func and getattr(jtorch, name, None) is not func


def wrap_torch_function(dispatcher):
    """Decorator: make a Python function overridable; dispatcher(*args, **kwargs) names the relevant args."""
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = tuple(dispatcher(*args, **kwargs))
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner
