"""torch.fx._symbolic_trace: symbolic_trace and the wrap() registry."""
import inspect

from .node import has_side_effect as has_side_effect
from .proxy import _WHY

__all__ = ["symbolic_trace", "wrap", "PH", "has_side_effect"]

_wrapped_fns = {}  # (globals id, name) -> the module's globals: functions the tracer keeps as leaves


class PHBase:
    def __repr__(self):
        return "PH"


PH = PHBase()


def wrap(fn_or_name):
    """Register a module-level function to be recorded as one call (not traced into). Use as a decorator."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    name = fn_or_name if isinstance(fn_or_name, str) else fn_or_name.__name__
    frame = inspect.currentframe().f_back
    if frame.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    _wrapped_fns[(id(frame.f_globals), name)] = frame.f_globals
    return fn_or_name


def symbolic_trace(root, concrete_args=None):
    raise NotImplementedError(_WHY.format("torch.fx.symbolic_trace"))
