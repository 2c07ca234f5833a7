"""torch.nn.init: in-place initialisers (run under no_grad; draws come from jtorch's generator)."""
import math
import warnings

import jax.numpy as jnp

from .._ops.random import _gen, _normal
from .._ops.registry import op
from ..autograd.grad_mode import no_grad
from .._ops.creation import eye as _eye, full_like
import numpy as np
from .._ops.creation import tensor as _tensor


def calculate_gain(nonlinearity, param=None):
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    choices = ["fan_in", "fan_out"]  # in the order _calculate_fan_in_and_fan_out returns them
    if mode not in choices:
        raise ValueError(f"Mode {mode} not supported, please use one of {choices}")
    return _calculate_fan_in_and_fan_out(tensor)[choices.index(mode)]


def _set(tensor, value):
    with no_grad():
        return tensor._assign(value, "copy_")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Inverse-CDF sampling of a truncated normal, as torch does."""
    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may "
                      "be incorrect.", stacklevel=2)
    with no_grad():
        lo, hi = norm_cdf((a - mean) / std), norm_cdf((b - mean) / std)
        tensor.uniform_(2 * lo - 1, 2 * hi - 1, generator=generator)
        return tensor._assign((tensor.erfinv() * (std * math.sqrt(2.0)) + mean).clamp(a, b), "trunc_normal_")


def constant_(tensor, val):
    return _set(tensor, full_like(tensor, val))


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def eye_(tensor):
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _set(tensor, _eye(*tensor.shape, dtype=tensor.dtype))


def dirac_(tensor, groups=1):
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_total, in_chans, *spatial = tensor.size()
    if out_total % groups:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_total // groups
    centre = tuple(s // 2 for s in spatial)
    # within each group, output channel d passes input channel d through at the kernel's centre
    w = np.zeros(tuple(tensor.size()), np.float64)
    for g in range(groups):
        for d in range(min(per_group, in_chans)):
            w[(g * per_group + d, d) + centre] = 1
    return _set(tensor, _tensor(w, dtype=tensor.dtype))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    """gain / sqrt(fan) for the He initialisations; None for a tensor with no elements (torch warns, no-op)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    fan = _calculate_correct_fan(tensor, mode)  # validates mode before nonlinearity, as torch
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    half_width = math.sqrt(3.0) * std  # U(-w, w) has standard deviation w / sqrt(3)
    return uniform_(tensor, -half_width, half_width, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else normal_(tensor, 0.0, std, generator)


@op(method=False, function=False, differentiable=False)
def _orthogonalize(input, *, transpose):
    q, r = jnp.linalg.qr(input)
    q = q * jnp.sign(jnp.diagonal(r))[None, :]
    return q.T if transpose else q


def orthogonal_(tensor, gain=1, generator=None):
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    with no_grad():
        flat = _normal(_gen(generator)._key_leaf(), size=(rows, cols), dtype=tensor.dtype.np)
        if rows < cols:
            flat = flat.t()
        q = _orthogonalize(flat, transpose=rows < cols)
        return tensor._assign((q * gain).reshape(tensor.shape), "orthogonal_")


def sparse_(tensor, sparsity, std=0.01, generator=None):
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        mask = np.ones((rows, cols), np.float32)
        rng = np.random.default_rng(_gen(generator)._counter)
        for c in range(cols):
            mask[rng.permutation(rows)[:num_zeros], c] = 0
        return tensor._assign(tensor * _tensor(mask, dtype=tensor.dtype), "sparse_")


def _deprecated_spelling(fn):
    """torch's old name without the trailing underscore: same effect, with torch's FutureWarning."""
    old = fn.__name__[:-1]

    def spelling(*args, **kwargs):
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{fn.__name__}`.", FutureWarning,
                      stacklevel=2)
        return fn(*args, **kwargs)
    spelling.__name__ = spelling.__qualname__ = old
    spelling.__doc__ = f"Deprecated alias of nn.init.{fn.__name__}."
    return spelling


uniform, normal, constant = map(_deprecated_spelling, (uniform_, normal_, constant_))
eye, dirac, sparse = map(_deprecated_spelling, (eye_, dirac_, sparse_))
xavier_uniform, xavier_normal = map(_deprecated_spelling, (xavier_uniform_, xavier_normal_))
kaiming_uniform, kaiming_normal, orthogonal = map(_deprecated_spelling, (kaiming_uniform_, kaiming_normal_,
                                                                         orthogonal_))
