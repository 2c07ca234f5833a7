"""torch.nn.utils.skip_init: build a module without running its parameter initialisation."""
import inspect

from ..._ops.creation import empty_like
from ..._ops.registry import FUNCTIONS as _F
from ...autograd.grad_mode import no_grad
from ..modules.module import Module

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """module_cls(*args, **kwargs) with uninitialized (here: zero) parameters and buffers.

    torch builds on the meta device, which jtorch lacks; values are lazy here, so the initialisation's
    random ops are recorded, dropped unevaluated, and the random generator is left as it was.
    """
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs.setdefault("device", "cpu")
    state = _F["get_rng_state"]()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        _F["set_rng_state"](state)
    with no_grad():
        for m in module.modules():
            for p in m._parameters.values():
                if p is not None:
                    p.data = empty_like(p)
            for name, b in m._buffers.items():
                if b is not None:
                    m._buffers[name] = empty_like(b)
    return module
