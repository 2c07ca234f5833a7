"""torch.nn.utils.weight_norm (deprecated, hook based): weight = g * v / ||v||, recomputed before each forward."""
import warnings

from ..parameter import Parameter, UninitializedParameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def norm_except_dim(v, pow=2, dim=0):
    """torch.norm_except_dim: the norm over every dim but `dim` (kept as size-1 dims); dim=-1 is the norm of
    the whole tensor (a 0-dim tensor), as in torch."""
    if dim == -1:
        return v.norm(pow)
    dim = dim % v.ndim
    dims = tuple(d for d in range(v.ndim) if d != dim)
    if not dims:  # one element per slice: its absolute value
        return v.abs()
    return v.norm(pow, dim=dims, keepdim=True)


def _weight_norm(v, g, dim=0):
    """torch._weight_norm: v * (g / ||v||) with the norm taken over every dim but `dim`."""
    return v * (g / norm_except_dim(v, 2, dim))


def _pop_hook(hooks, wanted):
    """Delete and return the first hook in the `hooks` dict for which `wanted(hook)` holds (None if none)."""
    key = next((k for k, h in hooks.items() if wanted(h)), None)
    return None if key is None else hooks.pop(key)


class WeightNorm:
    """The forward pre-hook that recomputes `module.<name>` from `<name>_g` and `<name>_v`."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, f"{self.name}_v"), getattr(module, f"{self.name}_g"), self.dim)

    @staticmethod
    def apply(module, name, dim):
        warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                      "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=3)
        if any(isinstance(h, WeightNorm) and h.name == name for h in module._forward_pre_hooks.values()):
            raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        original = getattr(module, name)
        if isinstance(original, UninitializedParameter):
            raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. "
                             "Make sure to run the dummy forward before applying weight normalization")
        magnitude = Parameter(norm_except_dim(original, 2, fn.dim).data)
        direction = Parameter(original.data)
        del module._parameters[name]
        module.register_parameter(f"{name}_g", magnitude)
        module.register_parameter(f"{name}_v", direction)
        # a plain attribute (not a parameter), so code reading module.weight keeps working
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        merged = Parameter(self.compute_weight(module).data)
        delattr(module, self.name)
        for part in ("_g", "_v"):
            module._parameters.pop(self.name + part)
        setattr(module, self.name, merged)

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Replace `module.<name>` by parameters `<name>_g` (magnitude) and `<name>_v` (direction)."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo weight_norm: `module.<name>` becomes one parameter holding g * v / ||v||."""
    hook = _pop_hook(module._forward_pre_hooks, lambda h: isinstance(h, WeightNorm) and h.name == name)
    if hook is None:
        raise ValueError(f"weight_norm of '{name}' not found in {module}")
    hook.remove(module)
    return module
