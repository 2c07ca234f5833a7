"""torch._C: the names of torch's C extension that Python libraries use directly.

Only the __torch_function__ switches and queries live here so far; they are jtorch's own
(jtorch._ops.torch_function) under torch's names.
"""
from ._ops.torch_function import (  # noqa: F401
    DisableTorchFunction as DisableTorchFunction, DisableTorchFunctionSubclass as DisableTorchFunctionSubclass,
    _disabled_torch_function_impl as _disabled_torch_function_impl, _is_torch_function_enabled as _is_torch_function_enabled,
    _is_torch_function_mode_enabled as _is_torch_function_mode_enabled,
    _len_torch_function_stack as _len_torch_function_stack, has_torch_function as _has_torch_function,
    has_torch_function_unary as _has_torch_function_unary, has_torch_function_variadic as _has_torch_function_variadic,
)
from ._ops.torch_function import _pop_mode as _pop_torch_function_stack, _push_mode as _push_on_torch_function_stack  # noqa: F401,E501


def _is_torch_function_all_disabled():
    return not _is_torch_function_enabled()
