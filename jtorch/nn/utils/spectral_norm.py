"""torch.nn.utils.spectral_norm (hook based): weight = weight_orig / sigma, sigma from power iteration on
the buffers weight_u / weight_v, recomputed before each forward (iterating only in training mode)."""
from ..._ops.creation import as_tensor
from ..._ops.registry import FUNCTIONS as _F
from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..parameter import Parameter, UninitializedParameter
from .weight_norm import _pop_hook
from ..._tensor import Tensor
from ...linalg import multi_dot

__all__ = ["SpectralNorm", "SpectralNormLoadStateDictPreHook", "SpectralNormStateDictHook", "spectral_norm",
           "remove_spectral_norm"]


class SpectralNorm:
    # version 1: W is not a buffer, v is; eval uses W = W_orig / (u @ W_orig @ v) (torch's versioning)
    _version = 1

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.name, self.dim, self.eps = name, dim, eps
        self.n_power_iterations = n_power_iterations

    def reshape_weight_to_matrix(self, weight):
        return _reshape_weight_to_matrix(weight, self.dim)

    def _unit(self, x):
        return F.normalize(x, dim=0, eps=self.eps)

    def compute_weight(self, module, do_power_iteration):
        w_orig, u, v = (getattr(module, self.name + s) for s in ("_orig", "_u", "_v"))
        mat = self.reshape_weight_to_matrix(w_orig)
        if do_power_iteration:
            # in place (torch's out=): the buffers stay the same objects; then cloned, so a graph built
            # from an earlier forward does not see the update
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(self._unit(_F["mv"](mat.t(), u)))
                    u.copy_(self._unit(_F["mv"](mat, v)))
                u, v = u.clone(), v.clone()
        return w_orig / _F["dot"](u, _F["mv"](mat, v))

    def remove(self, module):
        with no_grad():
            frozen = self.compute_weight(module, do_power_iteration=False).detach()
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(frozen))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    def _solve_v_and_rescale(self, weight_mat, u, target_sigma):
        # v with u = normalize(W @ v) and u @ W @ v = sigma (pinverse in case W^T W is singular)
        v = multi_dot([weight_mat.t().mm(weight_mat).pinverse(), weight_mat.t(), u.unsqueeze(1)]).squeeze(1)
        return v * (target_sigma / _F["dot"](u, _F["mv"](weight_mat, v)))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        if any(isinstance(h, SpectralNorm) and h.name == name for h in module._forward_pre_hooks.values()):
            raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `SpectralNorm` can't have uninitialized parameters. "
                             "Make sure to run the dummy forward before applying spectral normalization")
        with no_grad():
            rows, cols = fn.reshape_weight_to_matrix(weight).size()
            u = fn._unit(weight.new_empty(rows).normal_(0, 1))
            v = fn._unit(weight.new_empty(cols).normal_(0, 1))
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        # a plain attribute, so code reading module.weight before the first forward keeps working
        setattr(module, name, weight.data)
        for suffix, start in (("_u", u), ("_v", v)):
            module.register_buffer(name + suffix, start)
        module.register_forward_pre_hook(fn)
        for register, hook_type in ((module._register_state_dict_hook, SpectralNormStateDictHook),
                                    (module._register_load_state_dict_pre_hook, SpectralNormLoadStateDictPreHook)):
            register(hook_type(fn))
        return fn


class SpectralNormLoadStateDictPreHook:
    """Loads version-0 checkpoints (W stored, no v): solves for v from W_orig, u and sigma = W_orig / W."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version")
        if version is not None and version >= 1:
            return
        base = prefix + fn.name
        orig_key, u_key, v_key = base + "_orig", base + "_u", base + "_v"
        if version is None and base not in state_dict and {orig_key, u_key, v_key} <= state_dict.keys():
            return  # a current state dict without metadata
        absent = [k for k in (orig_key, base, u_key) if k not in state_dict]
        if absent:
            if strict:
                missing_keys.extend(absent)
            return
        with no_grad():
            w_orig = _as_tensor(state_dict[orig_key])
            sigma = (w_orig / _as_tensor(state_dict.pop(base))).mean()
            u = _as_tensor(state_dict[u_key])
            state_dict[v_key] = fn._solve_v_and_rescale(fn.reshape_weight_to_matrix(w_orig), u, sigma)


def _reshape_weight_to_matrix(weight, dim):
    """weight as a matrix whose rows run along `dim` (both spectral norm APIs)."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.dim()) if d != dim))
    return weight.reshape(weight.size(0), -1)


def _as_tensor(x):
    return x if isinstance(x, Tensor) else as_tensor(x)


class SpectralNormStateDictHook:
    """Records the spectral_norm version in the state dict's metadata."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata):
        versions = local_metadata.setdefault("spectral_norm", {})
        key = f"{self.fn.name}.version"
        if key in versions:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        versions[key] = self.fn._version


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Replace `module.<name>` by `<name>_orig` / sigma, sigma estimated by power iteration."""
    if dim is None:
        from .parametrizations import _is_conv_transpose
        dim = 1 if _is_conv_transpose(module) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo spectral_norm: `module.<name>` becomes one parameter holding W_orig / sigma."""
    fn = _pop_hook(module._forward_pre_hooks, lambda h: isinstance(h, SpectralNorm) and h.name == name)
    if fn is None:
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    fn.remove(module)
    _pop_hook(module._state_dict_hooks, lambda h: isinstance(h, SpectralNormStateDictHook) and h.fn.name == name)
    _pop_hook(module._load_state_dict_pre_hooks,
              lambda h: isinstance(h, SpectralNormLoadStateDictPreHook) and h.fn.name == name)
    return module
