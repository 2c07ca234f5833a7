"""torch.utils.hooks: hook handles and helpers."""
import warnings

from .._engine.hooks import RemovableHandle as RemovableHandle

__all__ = ["RemovableHandle", "unserializable_hook", "warn_if_has_hooks", "BackwardHook"]


def unserializable_hook(f):
    """Mark a tensor hook as one to leave out when the tensor is pickled."""
    f.__torch_unserializable__ = True
    return f


def warn_if_has_hooks(tensor):
    hooks = getattr(tensor, "_backward_hooks", None)
    if hooks:
        for h in hooks.values() if isinstance(hooks, dict) else hooks:
            if not getattr(h, "__torch_unserializable__", False):
                warnings.warn(f"backward hook {repr(h)} on tensor will not be serialized.  If this is expected, "
                              "you can decorate the function with @torch.utils.hooks.unserializable_hook "
                              "to suppress this warning")


class BackwardHook:
    """torch's helper behind Module.register_full_backward_hook; jtorch's modules run those hooks themselves."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        raise NotImplementedError("jtorch runs full backward hooks inside Module.__call__; "
                                  "torch.utils.hooks.BackwardHook is not used")
