"""Neural-network ops (torch.nn.functional's core), defined once for F.*, torch.* and Tensor methods.

Activations, softmax, dropout, convolution, pooling and normalisation. Padding, resampling,
fold/unfold and one_hot are in nn_resample.py, the losses in jtorch/nn/_loss_ops.py (kept
apart for size). Every lowering is pure jnp/lax.
"""
import builtins
import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from . import registry
from .random import _gen, _key
from .registry import op, public
from .._engine import modes
from .._engine.graph import Lazy
from .._tensor import _type_name

_HI = lax.Precision.HIGHEST


def _np_dtype(dtype):
    return None if dtype is None else _dtype.to_dtype(dtype).np


def _tuple(v, n, name="argument"):
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(int(x) for x in v) * n
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match "
                               f"the convolution dimensions, but got {name}={list(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


# -- activations -------------------------------------------------------------------------

@op(promote="float", method=False, function=False, grad_name="GeluBackward0")
def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return jax.nn.gelu(input, approximate=approximate == "tanh")


@op(promote="float", method=False, function=False, grad_name="SiluBackward0")
def silu(input):
    return input * jax.nn.sigmoid(input)


@op(promote="float", method=False, function=False, grad_name="MishBackward0")
def mish(input):
    return input * jnp.tanh(jax.nn.softplus(input))


@op(promote="float", method=False, function=False)
def softplus(input, beta=1.0, threshold=20.0):
    bx = input * beta
    return jnp.where(bx > threshold, input, jnp.log1p(jnp.exp(jnp.minimum(bx, threshold))) / beta)


@op(promote="float", method=False, function=False)
def elu(input, alpha=1.0, scale=1.0, input_scale=1.0):
    neg = alpha * jnp.expm1(jnp.minimum(input, 0) * input_scale)
    return scale * jnp.where(input > 0, input, neg)


@op(promote="float", method=False, function=True)
def selu(input):
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * jnp.where(input > 0, input, alpha * jnp.expm1(jnp.minimum(input, 0)))


@op(promote="float", method=False, function=True)
def celu(input, alpha=1.0):
    return jnp.where(input > 0, input, alpha * jnp.expm1(jnp.minimum(input, 0) / alpha))


@op(promote="same", method=False, function=False)
def leaky_relu(input, negative_slope=0.01):
    return jnp.where(input > 0, input, input * negative_slope)


@op(promote="same", method=False, function=False)
def hardtanh(input, min_val=-1.0, max_val=1.0):
    return jnp.clip(input, min_val, max_val)


@op(promote="same", method=False, function=False)
def relu6(input):
    return jnp.clip(input, 0, 6)


@op(promote="float", method=False, function=False)
def hardswish(input):
    return input * jnp.clip(input + 3, 0, 6) / 6


@op(promote="float", method=False, function=False)
def hardsigmoid(input):
    return jnp.clip(input + 3, 0, 6) / 6


@op(promote="float", method=False, function=False)
def softsign(input):
    return input / (1 + jnp.abs(input))


@op(promote="float", method=False, function=False)
def tanhshrink(input):
    return input - jnp.tanh(input)


@op(promote="float", method=False, function=False)
def logsigmoid(input):
    return jax.nn.log_sigmoid(input)


@op(promote="same", method=True, function=True)
def hardshrink(input, lambd=0.5):
    return jnp.where(jnp.abs(input) > lambd, input, 0).astype(input.dtype)


@op(promote="same", method=False, function=False)
def softshrink(input, lambd=0.5):
    return jnp.where(input > lambd, input - lambd, jnp.where(input < -lambd, input + lambd, 0)).astype(input.dtype)


@op(promote="same", method=False, function=True)
def threshold(input, threshold, value):
    return jnp.where(input > threshold, input, value).astype(input.dtype)


@op(tensors=("input", "weight"), promote="same", method=True, function=True)
def prelu(input, weight):
    w = weight
    if weight.size > 1:
        if input.ndim < 2 or input.shape[1] != weight.size:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.size} and channel size = {input.shape[1] if input.ndim > 1 else 1}.")
        w = weight.reshape((-1,) + (1,) * (input.ndim - 2))
    return jnp.where(input > 0, input, w * input)


@op(method=False, function=False)
def glu(input, dim=-1):
    n = input.shape[dim]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.ndim} is size {n}")
    a, b = jnp.split(input, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


# -- softmax family ------------------------------------------------------------------------

def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_input(input, dim, dtype, name):
    n = builtins.max(input.ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    if dtype is not None:
        return input.astype(_np_dtype(dtype))
    if not jnp.issubdtype(input.dtype, jnp.inexact):
        kernel = "lastdim_kernel_impl" if input.ndim == 0 or dim % input.ndim == input.ndim - 1 else "kernel_impl"
        raise NotImplementedError(f'"{name}_{kernel}" not implemented for '
                                  f"'{_type_name(_dtype.from_np(input.dtype))}'")
    return input


@op(grad_name="SoftmaxBackward0")
def softmax(input, dim, dtype=None):
    input = _softmax_input(input, dim, dtype, "softmax")
    return jax.nn.softmax(input, axis=dim if input.ndim else None)


@op(grad_name="LogSoftmaxBackward0")
def log_softmax(input, dim, dtype=None):
    input = _softmax_input(input, dim, dtype, "log_softmax")
    return jax.nn.log_softmax(input, axis=dim if input.ndim else None)


# -- dropout ---------------------------------------------------------------------------------

@op(tensors=("key", "input"), method=False, function=False, grad_name="MulBackward0")
def _dropout(key, input, *, p, mode):
    """mode: 'plain' (elementwise), 'feature' (whole channels), 'alpha' (SELU-preserving)."""
    if p == 1:
        return jnp.zeros_like(input)
    if mode == "feature" or mode == "feature_alpha":
        mask_shape = input.shape[:2] + (1,) * (input.ndim - 2)
    else:
        mask_shape = input.shape
    keep = jax.random.bernoulli(_key(key), 1 - p, mask_shape).astype(input.dtype)
    if mode in ("alpha", "feature_alpha"):
        alpha = 1.7580993408473766
        a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
        b = (keep - 1) * (alpha * a) + alpha * a * p
        return input * (keep * a) + b
    return input * keep * (1.0 / (1 - p))


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply_dropout(input, p, training, inplace, mode):
    _check_p(p)
    if not training or p == 0:
        return input
    out = _dropout(_gen(None)._key_leaf(), input, p=float(p), mode=mode)
    return input._assign(out, "dropout_") if inplace else out


@public("dropout", method=False)
def dropout_fn(input, p, train):
    """torch.dropout(input, p, train)."""
    return _apply_dropout(input, p, train, False, "plain")


# -- convolution -------------------------------------------------------------------------------

_SPATIAL = {1: "H", 2: "HW", 3: "DHW"}


def _dn(nd):
    sp = _SPATIAL[nd]
    return ("NC" + sp, "OI" + sp, "NC" + sp)


@op(tensors=("input", "weight", "bias"), promote="same", method=False, function=False,
    grad_name="ConvolutionBackward0")
def _convolution(input, weight, bias, *, stride, padding, dilation, groups):
    nd = input.ndim - 2
    out = lax.conv_general_dilated(input, weight, window_strides=stride, padding=padding, rhs_dilation=dilation,
                                   dimension_numbers=_dn(nd), feature_group_count=groups)
    if bias is not None:
        out = out + bias.reshape((-1,) + (1,) * nd)
    return out


@op(tensors=("input", "weight", "bias"), promote="same", method=False, function=False,
    grad_name="ConvolutionBackward0")
def _conv_transpose(input, weight, bias, *, stride, padding, output_padding, groups, dilation):
    nd = input.ndim - 2
    cin, cout_g, k = weight.shape[0], weight.shape[1], weight.shape[2:]
    w = weight.reshape((groups, cin // groups, cout_g) + k)
    w = jnp.swapaxes(w, 1, 2).reshape((groups * cout_g, cin // groups) + k)
    w = jnp.flip(w, axis=tuple(range(2, 2 + nd)))
    pads = [(d * (kk - 1) - p, d * (kk - 1) - p + o) for kk, p, o, d in zip(k, padding, output_padding, dilation)]
    out = lax.conv_general_dilated(input, w, window_strides=(1,) * nd, padding=pads, lhs_dilation=stride,
                                   rhs_dilation=dilation, dimension_numbers=_dn(nd), feature_group_count=groups)
    if bias is not None:
        out = out + bias.reshape((-1,) + (1,) * nd)
    return out


def _batched(input, nd, name):
    if input.dim() == nd + 1:
        return input.unsqueeze(0), True
    if input.dim() != nd + 2:
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(input.shape)}")
    return input, False


def _conv_nd(nd, name):
    def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        x, unbatched = _batched(input, nd, name)
        stride, dilation = _tuple(stride, nd, "stride"), _tuple(dilation, nd, "dilation")
        k = tuple(weight.shape[2:])
        if weight.dim() != nd + 2:
            raise RuntimeError(f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input, but got "
                               f"{weight.dim()}-dimensional weight of size {list(weight.shape)} instead")
        if x.dtype is not weight.dtype:
            raise RuntimeError(f"expected scalar type {_type_name(x.dtype)} but found {_type_name(weight.dtype)}")
        if x.shape[1] != weight.shape[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                               f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got "
                               f"{x.shape[1]} channels instead")
        if isinstance(padding, str):
            if padding == "valid":
                pads = ((0, 0),) * nd
            elif padding == "same":
                if builtins.any(s != 1 for s in stride):
                    raise RuntimeError("padding='same' is not supported for strided convolutions")
                pads = tuple((d * (kk - 1) // 2, d * (kk - 1) - d * (kk - 1) // 2) for d, kk in zip(dilation, k))
            else:
                raise RuntimeError(f"Invalid padding string '{padding}'")
        else:
            pads = tuple((p, p) for p in _tuple(padding, nd, "padding"))
        for i in range(nd):
            span = x.shape[2 + i] + pads[i][0] + pads[i][1]
            if span < dilation[i] * (k[i] - 1) + 1:
                raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(str(x.shape[2 + j] + 2 * pads[j][0]) for j in range(nd))}). "
                                   f"Kernel size: ({' x '.join(str(kk) for kk in k)}). Kernel size can't be greater "
                                   "than actual input size")
        out = _convolution(x, weight, bias, stride=stride, padding=pads, dilation=dilation, groups=int(groups))
        return out.squeeze(0) if unbatched else out
    conv.__name__ = conv.__qualname__ = name
    return public(name, method=False)(conv)


conv1d = _conv_nd(1, "conv1d")
conv2d = _conv_nd(2, "conv2d")
conv3d = _conv_nd(3, "conv3d")


def _conv_transpose_nd(nd, name):
    def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        x, unbatched = _batched(input, nd, name)
        if x.shape[1] != weight.shape[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                               f"{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} "
                               "channels instead")
        out = _conv_transpose(x, weight, bias, stride=_tuple(stride, nd), padding=_tuple(padding, nd),
                              output_padding=_tuple(output_padding, nd), groups=int(groups),
                              dilation=_tuple(dilation, nd))
        return out.squeeze(0) if unbatched else out
    conv_transpose.__name__ = conv_transpose.__qualname__ = name
    return public(name, method=False)(conv_transpose)


conv_transpose1d = _conv_transpose_nd(1, "conv_transpose1d")
conv_transpose2d = _conv_transpose_nd(2, "conv_transpose2d")
conv_transpose3d = _conv_transpose_nd(3, "conv_transpose3d")


# -- pooling -----------------------------------------------------------------------------------

def _pool_geometry(size, k, s, p, d, ceil_mode):
    """Torch's output length and the (lo, hi) padding that realises it."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    hi = (out - 1) * s + d * (k - 1) + 1 - size - p
    return out, (p, builtins.max(hi, 0))


def _pool_args(nd, kernel_size, stride, padding, dilation, x_shape, ceil_mode, name):
    k = _tuple(kernel_size, nd)
    s = k if stride is None or stride == [] or stride == () else _tuple(stride, nd)
    p, d = _tuple(padding, nd), _tuple(dilation, nd)
    for kk, pp in zip(k, p):
        if pp > kk // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation=1" if name == "avg" else
                               f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={d[0]}")
    geo = [_pool_geometry(x_shape[-nd + i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(nd)]
    for o in geo:
        if o[0] <= 0:
            raise RuntimeError(f"Given input size: ({'x'.join(str(v) for v in x_shape[-nd - 1:])}). Calculated "
                               f"output size: ({'x'.join(str(v) for v in (x_shape[-nd - 1],) + tuple(g[0] for g in geo))}). "
                               "Output size is too small")
    return k, s, d, tuple(g[0] for g in geo), tuple(g[1] for g in geo)


def _window(x, init, fn, k, s, d, pads):
    lead = x.ndim - len(k)
    return lax.reduce_window(x, init, fn, (1,) * lead + k, (1,) * lead + s, ((0, 0),) * lead + pads,
                             window_dilation=(1,) * lead + d)


def _crop(x, outs):
    return x[(...,) + tuple(slice(0, o) for o in outs)]


def _lowest(dtype):
    return -jnp.inf if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min


@op(method=False, function=False, grad_name="MaxPool2DWithIndicesBackward0")
def _max_pool(input, *, k, s, d, outs, pads):
    if s == k and d == (1,) * len(k) and all(p == (0, 0) for p in pads):
        return _block_max(_crop(input, tuple(o * kk for o, kk in zip(outs, k))), k)
    return _crop(_window(input, np.array(_lowest(input.dtype), input.dtype), lax.max, k, s, d, pads), outs)


def _blocks(x, k):
    """x (..., o1*k1, o2*k2, ...) as (..., o1, k1, o2, k2, ...) and the window axes."""
    lead = x.ndim - len(k)
    shape = x.shape[:lead] + tuple(v for n, kk in zip(x.shape[lead:], k) for v in (n // kk, kk))
    return x.reshape(shape), tuple(lead + 2 * i + 1 for i in range(len(k)))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _block_max(x, k):
    """Max over non-overlapping windows (stride == kernel, the usual MaxPool2d(2)) as a
    reshape and a reduction.

    Its derivative is written out because reduce_window's goes through select_and_scatter,
    about 4x slower on XLA:CPU than these elementwise selects. The gradient goes to the
    first maximum of each window in row-major order (a NaN counts as the maximum), as in torch.
    """
    xr, axes = _blocks(x, k)
    return xr.max(axes)


@_block_max.defjvp
def _block_max_jvp(k, primals, tangents):
    (x,), (t,) = primals, tangents
    xr, axes = _blocks(x, k)
    y = xr.max(axes)
    hit = xr == jnp.expand_dims(y, axes)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        hit = hit | jnp.isnan(xr)
    pos = np.arange(int(np.prod(k))).reshape(k)  # row-major place in the window
    pos = pos.reshape([xr.shape[a] if a in axes else 1 for a in range(xr.ndim)])
    first = jnp.where(hit, pos, pos.size).min(axes, keepdims=True)
    return y, jnp.where(pos == first, t.reshape(xr.shape), 0).sum(axes)


@op(method=False, function=False, grad_name="MaxPool2DWithIndicesBackward0")
def _max_pool_indices(input, *, k, s, d, outs, pads):
    nd = len(k)
    spatial = input.shape[-nd:]
    lead = input.ndim - nd
    xp = jnp.pad(input, ((0, 0),) * lead + pads, constant_values=_lowest(input.dtype))
    idx = jnp.arange(int(np.prod(spatial)), dtype=jnp.int64).reshape(spatial)
    ip = jnp.pad(idx, pads, constant_values=-1)
    vals, inds = [], []
    for offs in np.ndindex(*k):
        sl = tuple(slice(o * dd, o * dd + ss * (n - 1) + 1, ss) for o, dd, ss, n in zip(offs, d, s, outs))
        vals.append(xp[(...,) + sl])
        inds.append(ip[sl])
    v = jnp.stack(vals, -1)
    i = jnp.broadcast_to(jnp.stack(inds, -1), v.shape)
    am = jnp.argmax(v, axis=-1)[..., None]
    return jnp.take_along_axis(v, am, -1)[..., 0], jnp.take_along_axis(i, am, -1)[..., 0]


def _max_pool_nd(nd, name):
    def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        if input.dim() not in (nd + 1, nd + 2):
            raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
        k, s, d, outs, pads = _pool_args(nd, kernel_size, stride, padding, dilation, input.shape, ceil_mode, "max")
        if return_indices:
            return tuple(_max_pool_indices(input, k=k, s=s, d=d, outs=outs, pads=pads))
        return _max_pool(input, k=k, s=s, d=d, outs=outs, pads=pads)
    max_pool.__name__ = max_pool.__qualname__ = name
    return public(name, method=False)(max_pool)


max_pool1d = _max_pool_nd(1, "max_pool1d")
max_pool2d = _max_pool_nd(2, "max_pool2d")
max_pool3d = _max_pool_nd(3, "max_pool3d")


@op(method=False, function=False, grad_name="AvgPool2DBackward0")
def _avg_pool(input, *, k, s, outs, pads, count_include_pad, divisor_override):
    nd = len(k)
    d = (1,) * nd
    sums = _crop(_window(input, np.array(0, input.dtype), lax.add, k, s, d, pads), outs)
    if divisor_override:
        return sums / divisor_override
    spatial = input.shape[-nd:]
    ones = np.ones(spatial, np.float64)
    if count_include_pad:
        ones = np.pad(ones, [(p, p) for p, _ in pads], constant_values=1.0)
        ones = np.pad(ones, [(0, builtins.max(hi - p, 0)) for p, hi in pads])
        ones = ones[tuple(slice(0, n + p + hi) for n, (p, hi) in zip(spatial, pads))]
        cpads = ((0, 0),) * nd
    else:
        cpads = pads
    counts = _crop(lax.reduce_window(jnp.asarray(ones), 0.0, lax.add, k, s, cpads), outs)
    return (sums / counts.astype(input.dtype)).astype(input.dtype)


def _avg_pool_nd(nd, name):
    def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        k, s, _, outs, pads = _pool_args(nd, kernel_size, stride, padding, 1, input.shape, ceil_mode, "avg")
        pads = tuple(pads)
        return _avg_pool(input, k=k, s=s, outs=outs, pads=pads, count_include_pad=bool(count_include_pad),
                         divisor_override=divisor_override)
    avg_pool.__name__ = avg_pool.__qualname__ = name
    return public(name, method=False)(avg_pool)


avg_pool1d = _avg_pool_nd(1, "avg_pool1d")
avg_pool2d = _avg_pool_nd(2, "avg_pool2d")
avg_pool3d = _avg_pool_nd(3, "avg_pool3d")


def _adaptive_ranges(n, out):
    return [((i * n) // out, -((-(i + 1) * n) // out)) for i in range(out)]


@op(method=False, function=False, grad_name="AdaptiveAvgPool2DBackward0")
def _adaptive_avg_pool(input, *, outs):
    nd = len(outs)
    x = input
    for i, o in enumerate(outs):
        axis = input.ndim - nd + i
        n = input.shape[axis]
        m = np.zeros((o, n))
        for j, (a, b) in enumerate(_adaptive_ranges(n, o)):
            m[j, a:b] = 1.0 / (b - a)
        x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m, x.dtype), axes=((axis,), (1,)), precision=_HI), -1, axis)
    return x


@op(method=False, function=False, grad_name="AdaptiveMaxPool2DBackward0")
def _adaptive_max_pool(input, *, outs):
    nd = len(outs)
    x = input
    low = _lowest(input.dtype)
    for i, o in enumerate(outs):
        axis = input.ndim - nd + i
        n = input.shape[axis]
        m = np.zeros((o, n), bool)
        for j, (a, b) in enumerate(_adaptive_ranges(n, o)):
            m[j, a:b] = True
        xm = jnp.moveaxis(x, axis, -1)[..., None, :]
        x = jnp.moveaxis(jnp.where(m, xm, low).max(-1), -1, axis)
    return x


@op(method=False, function=False, grad_name="AdaptiveMaxPool2DBackward0")
def _adaptive_max_pool_indices(input, *, outs):
    """Adaptive max pooling with the flat spatial index of each maximum. Each axis's windows are gathered as
    (out, width) blocks, short windows repeating their last element (a repeat never changes the first argmax)."""
    nd = len(outs)
    lead = input.ndim - nd
    spatial = input.shape[lead:]
    x, flat = input, None
    for i, o in enumerate(outs):
        n = spatial[i]
        ranges = _adaptive_ranges(n, o)
        w = builtins.max(b - a for a, b in ranges)
        pick = np.array([[builtins.min(a + j, b - 1) for j in range(w)] for a, b in ranges])
        x = jnp.take(x, pick.reshape(-1), axis=lead + 2 * i).reshape(
            x.shape[:lead + 2 * i] + (o, w) + x.shape[lead + 2 * i + 1:])
        stride = int(np.prod(spatial[i + 1:]))
        term = (pick * stride).reshape((1, 1) * i + (o, w) + (1, 1) * (nd - i - 1))
        flat = term if flat is None else flat + term
    # (..., o1, w1, o2, w2, ...) -> (..., o1, o2, ..., w1*w2*...)
    order = tuple(range(lead)) + tuple(lead + 2 * i for i in range(nd)) + tuple(lead + 2 * i + 1 for i in range(nd))
    x = jnp.transpose(x, order).reshape(x.shape[:lead] + tuple(outs) + (-1,))
    flat = jnp.transpose(flat, tuple(2 * i for i in range(nd)) + tuple(2 * i + 1 for i in range(nd)))
    flat = jnp.broadcast_to(flat.reshape(tuple(outs) + (-1,)), x.shape)
    am = jnp.argmax(x, axis=-1)[..., None]
    return (jnp.take_along_axis(x, am, -1)[..., 0],
            jnp.take_along_axis(flat, am, -1)[..., 0].astype(jnp.int64))


def _adaptive_sizes(input, output_size, nd, name):
    """The output size with None filled in from the input, after torch's checks (in torch's words)."""
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    if len(sizes) != nd:
        raise RuntimeError(f"{name}() argument 'output_size' should contain one int (got {len(sizes)})" if nd == 1
                           else f"{name}(): internal error: output_size.size() must be {nd}" if "max" in name
                           else f"{name}: output_size must be {nd}")
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 'self' (while "
            f"checking arguments for {name})" if nd == 1 else
            f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{':' if 'max' in name else ''} "
            f"{list(input.shape)}")
    return tuple(input.shape[-nd + i] if v is None else int(v) for i, v in enumerate(sizes))


def _adaptive_nd(nd, name, fn):
    if fn is _adaptive_avg_pool:
        def adaptive(input, output_size):
            return fn(input, outs=_adaptive_sizes(input, output_size, nd, name))
    else:
        def adaptive(input, output_size, return_indices=False):
            outs = _adaptive_sizes(input, output_size, nd, name)
            if return_indices:
                return tuple(_adaptive_max_pool_indices(input, outs=outs))
            return fn(input, outs=outs)
    adaptive.__name__ = adaptive.__qualname__ = name
    # torch's top level has the 1-d ones only, and its adaptive_max_pool1d returns (values, indices)
    if nd == 1 and fn is _adaptive_max_pool:
        public(name, method=False)(_top_level_with_indices(adaptive))
    elif nd == 1:
        public(name, method=False)(adaptive)
    return adaptive


def _top_level_with_indices(adaptive):
    def top_level(input, output_size):
        return adaptive(input, output_size, True)
    top_level.__name__ = top_level.__qualname__ = adaptive.__name__
    return top_level


adaptive_avg_pool1d = _adaptive_nd(1, "adaptive_avg_pool1d", _adaptive_avg_pool)
adaptive_avg_pool2d = _adaptive_nd(2, "adaptive_avg_pool2d", _adaptive_avg_pool)
adaptive_avg_pool3d = _adaptive_nd(3, "adaptive_avg_pool3d", _adaptive_avg_pool)
adaptive_max_pool1d = _adaptive_nd(1, "adaptive_max_pool1d", _adaptive_max_pool)
adaptive_max_pool2d = _adaptive_nd(2, "adaptive_max_pool2d", _adaptive_max_pool)
adaptive_max_pool3d = _adaptive_nd(3, "adaptive_max_pool3d", _adaptive_max_pool)


@op(tensors=("input", "indices"), method=False, function=False, grad_name="MaxUnpool2DBackward0")
def _max_unpool(input, indices, *, outs):
    """Scatter each value to its flat spatial index in a zero output of spatial size `outs`; indices out of
    range are dropped (the caller checks them when their values are on the host)."""
    nd = len(outs)
    lead = input.shape[:input.ndim - nd]
    rows = int(np.prod(lead))
    v = input.reshape(rows, -1)
    i = indices.reshape(rows, -1)
    zero = jnp.zeros((rows, int(np.prod(outs))), input.dtype)
    where = (jnp.arange(rows)[:, None], i)
    placed = zero.at[where].set(v, mode="drop")
    # torch's gradient reads grad_output at every index, duplicates included (overlapping pooling windows
    # share a maximum): the derivative of a scatter-add, while the value stays the scatter-set's
    added = zero.at[where].add(v, mode="drop")
    return (lax.stop_gradient(placed - added) + added).reshape(lead + tuple(outs))


@op(tensors=("input", "samples"), method=False, function=False, grad_name="FractionalMaxPool2DBackward0")
def _fractional_max_pool(input, samples, *, k, outs):
    """Fractional max pooling: per (batch, channel) and axis a sample u in [0, 1) places the windows at
    floor((i + u) * alpha) - floor(u * alpha), alpha = (in - k) / (out - 1), the last one ending at the
    border. Returns (values, flat spatial indices). input (N, C, *spatial), samples (N, C, nd)."""
    nd = len(k)
    n, c = input.shape[:2]
    spatial = input.shape[2:]
    starts = []
    for d in range(nd):
        # torch's kernels read the 2-D samples as (width, height) and the 3-D ones as (time, height, width)
        u = samples[:, :, nd - 1 - d if nd == 2 else d].astype(input.dtype)
        size, o = spatial[d], outs[d]
        if o > 1:
            alpha = jnp.asarray((size - k[d]) / (o - 1), input.dtype)
            i = jnp.arange(o - 1, dtype=input.dtype)
            seq = (jnp.floor((i + u[..., None]) * alpha) - jnp.floor(u[..., None] * alpha)).astype(jnp.int32)
            seq = jnp.concatenate([seq, jnp.full((n, c, 1), size - k[d], jnp.int32)], -1)
        else:
            seq = jnp.full((n, c, 1), size - k[d], jnp.int32)
        starts.append(seq[..., :, None] + jnp.arange(k[d], dtype=jnp.int32))  # (N, C, out, k)
    # positions of every window element: axis d's (out_d, k_d) placed at axes 2d, 2d+1 after (N, C)
    pos = []
    for d in range(nd):
        shape = (n, c) + (1, 1) * d + (outs[d], k[d]) + (1, 1) * (nd - d - 1)
        pos.append(starts[d].reshape(shape))
    bn = jnp.arange(n).reshape((n, 1) + (1, 1) * nd)
    bc = jnp.arange(c).reshape((1, c) + (1, 1) * nd)
    vals = input[(bn, bc) + tuple(pos)]
    flat = 0
    for d in range(nd):
        flat = flat + pos[d] * int(np.prod(spatial[d + 1:]))
    flat = jnp.broadcast_to(flat, vals.shape)
    order = (0, 1) + tuple(2 + 2 * d for d in range(nd)) + tuple(3 + 2 * d for d in range(nd))
    vals = jnp.transpose(vals, order).reshape((n, c) + tuple(outs) + (-1,))
    flat = jnp.transpose(flat, order).reshape((n, c) + tuple(outs) + (-1,))
    am = jnp.argmax(vals, axis=-1)[..., None]
    return (jnp.take_along_axis(vals, am, -1)[..., 0],
            jnp.take_along_axis(flat, am, -1)[..., 0].astype(jnp.int64))


# -- normalisation ------------------------------------------------------------------------------

def _affine(out, weight, bias, shape):
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


@op(tensors=("input", "running_mean", "running_var", "weight", "bias", "momentum"), method=False, function=False,
    grad_name="NativeBatchNormBackward0")
def _batch_norm_train(input, running_mean, running_var, weight, bias, momentum, *, eps):
    axes = (0,) + tuple(range(2, input.ndim))
    mean = input.mean(axes)
    var = jnp.mean(jnp.square(input - mean.reshape((1, -1) + (1,) * (input.ndim - 2))), axes)
    shape = (1, -1) + (1,) * (input.ndim - 2)
    out = (input - mean.reshape(shape)) * lax.rsqrt(var.reshape(shape) + eps)
    out = _affine(out, weight, bias, shape)
    if running_mean is None:
        return out, mean, var
    n = input.size // input.shape[1]
    m = lax.stop_gradient(momentum).astype(running_mean.dtype)
    mean_, var_ = lax.stop_gradient(mean), lax.stop_gradient(var)
    new_mean = (1 - m) * running_mean + m * mean_.astype(running_mean.dtype)
    new_var = (1 - m) * running_var + m * (var_ * (n / builtins.max(n - 1, 1))).astype(running_var.dtype)
    return out, new_mean, new_var


@op(tensors=("input", "running_mean", "running_var", "weight", "bias"), method=False, function=False,
    grad_name="NativeBatchNormBackward0")
def _batch_norm_eval(input, running_mean, running_var, weight, bias, *, eps):
    shape = (1, -1) + (1,) * (input.ndim - 2)
    out = (input - running_mean.reshape(shape).astype(input.dtype)) * lax.rsqrt(
        running_var.reshape(shape).astype(input.dtype) + eps)
    return _affine(out, weight, bias, shape)


def _momentum_leaf(momentum):
    """BatchNorm's momentum as a float64 0-d input leaf. A Python float would become a float32 input, and
    float64 running statistics would then be updated with 0.10000000149 for 0.1 (torch uses the double)."""
    if isinstance(momentum, registry._Tensor):
        return momentum
    value = registry.scalar_value(0.0 if momentum is None else momentum, np.float64)
    return registry._Tensor._from_value(value, _dtype.float64, ())


def _store(buf, value):
    """Write a new running statistic into a buffer lazily (no sync, no autograd edge)."""
    with modes.grad_disabled():
        buf._assign(value.detach(), "copy_")


@public("batch_norm_functional", method=False, function=False)
def batch_norm_functional(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
                          eps=1e-05):
    """F.batch_norm."""
    if input.dim() < 2:
        raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    if training:
        size = input.numel() // c
        if size == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{input.shape}")
        out, new_mean, new_var = _batch_norm_train(input, running_mean, running_var, weight, bias,
                                                   _momentum_leaf(momentum), eps=float(eps))
        if running_mean is not None:
            _store(running_mean, new_mean)
            _store(running_var, new_var)
        return out
    if running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    return _batch_norm_eval(input, running_mean, running_var, weight, bias, eps=float(eps))


@public("batch_norm", method=False)
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled=True):
    """torch.batch_norm (note torch's argument order)."""
    return batch_norm_functional(input, running_mean, running_var, weight, bias, training, momentum, eps)


@op(tensors=("input", "weight", "bias"), method=False, function=False, grad_name="NativeLayerNormBackward0")
def _layer_norm(input, weight, bias, *, normalized_shape, eps):
    ns = normalized_shape
    if tuple(input.shape[input.ndim - len(ns):]) != ns:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape [*, "
                           f"{', '.join(str(s) for s in ns)}], but got input of size{list(input.shape)}")
    axes = tuple(range(input.ndim - len(ns), input.ndim))
    mean = input.mean(axes, keepdims=True)
    var = jnp.mean(jnp.square(input - mean), axes, keepdims=True)
    out = (input - mean) * lax.rsqrt(var + eps)
    return _affine(out, weight, bias, ns)


def _shape_tuple(s):
    return tuple(int(v) for v in s) if isinstance(s, (tuple, list)) else (int(s),)


@public("layer_norm", method=False)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return _layer_norm(input, weight, bias, normalized_shape=_shape_tuple(normalized_shape), eps=float(eps))


@op(tensors=("input", "weight"), method=False, function=False, grad_name="FusedRmsNormBackward0")
def _rms_norm(input, weight, *, normalized_shape, eps):
    ns = normalized_shape
    axes = tuple(range(input.ndim - len(ns), input.ndim))
    e = jnp.finfo(input.dtype).eps if eps is None else eps
    out = input * lax.rsqrt(jnp.mean(jnp.square(input), axes, keepdims=True) + e)
    return out if weight is None else out * weight


@public("rms_norm", method=False)
def rms_norm(input, normalized_shape, weight=None, eps=None):
    return _rms_norm(input, weight, normalized_shape=_shape_tuple(normalized_shape), eps=eps)


@op(tensors=("input", "weight", "bias"), method=False, function=False, grad_name="NativeGroupNormBackward0")
def _group_norm(input, weight, bias, *, num_groups, eps):
    n, c = input.shape[:2]
    x = input.reshape((n, num_groups, -1))
    mean = x.mean(-1, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), -1, keepdims=True)
    out = ((x - mean) * lax.rsqrt(var + eps)).reshape(input.shape)
    return _affine(out, weight, bias, (1, -1) + (1,) * (input.ndim - 2))


@public("group_norm", method=False)
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    return _group_norm(input, weight, bias, num_groups=int(num_groups), eps=float(eps))


@public("instance_norm", method=False)
def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    """torch.instance_norm: aten's order, weight and bias before the running statistics (F.instance_norm's
    differs), every argument required."""
    return instance_norm_f(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def instance_norm_f(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                    momentum=0.1, eps=1e-05):
    """As torch: batch norm over a (1, N*C, ...) view; running stats are averaged over the batch."""
    n, c = input.shape[:2]
    x = input.reshape(1, n * c, *input.shape[2:])
    w = None if weight is None else _rep(weight, n)
    b = None if bias is None else _rep(bias, n)
    if use_input_stats:
        rm = None if running_mean is None else _rep(running_mean, n)
        rv = None if running_var is None else _rep(running_var, n)
        out, new_mean, new_var = _batch_norm_train(x, rm, rv, w, b, _momentum_leaf(momentum), eps=float(eps))
        if running_mean is not None:
            _store(running_mean, new_mean.reshape(n, c).mean(0))
            _store(running_var, new_var.reshape(n, c).mean(0))
    else:
        out = _batch_norm_eval(x, _rep(running_mean, n), _rep(running_var, n), w, b, eps=float(eps))
    return out.reshape(input.shape)


def _rep(t, n):
    return t.unsqueeze(0).expand(n, t.shape[0]).reshape(-1)


@op(tensors=("input",), method=False, function=False, grad_name="NormBackward1")
def _lp_norm(input, *, p, dim, keepdim):
    return _pnorm(input, p, dim, keepdim)


def _pnorm(x, p, axis, keepdims):
    """Vector p-norm whose gradient at 0 is 0 (as torch's norm backward), not NaN."""
    if p == math.inf:
        return jnp.max(jnp.abs(x), axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return jnp.min(jnp.abs(x), axis=axis, keepdims=keepdims)
    if p == 0:
        return jnp.sum(x != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
    s = jnp.sum(jnp.abs(x) ** p, axis=axis, keepdims=keepdims)
    safe = jnp.where(s > 0, s, 1)
    return jnp.where(s > 0, safe ** (1.0 / p), 0).astype(x.dtype)


@op(method=False, function=False)
def normalize(input, p=2.0, dim=1, eps=1e-12):
    return input / jnp.maximum(_pnorm(input, p, dim, True), eps)


@op(tensors=("x1", "x2"), promote="float", method=False)
def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    n1 = jnp.maximum(_pnorm(x1, 2, dim, True), eps)
    n2 = jnp.maximum(_pnorm(x2, 2, dim, True), eps)
    return jnp.sum((x1 / n1) * (x2 / n2), axis=dim)


@op(tensors=("x1", "x2"), promote="float", method=False)
def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    return _pnorm(x1 - x2 + eps, p, -1, keepdim)


@op(tensors=("input1", "input2", "weight", "bias"), promote="same", method=False)
def bilinear(input1, input2, weight, bias=None):
    out = jnp.einsum("...i,oij,...j->...o", input1, weight, input2, precision=_HI)
    return out if bias is None else out + bias


_ = registry

# padding, resampling, pixel shuffling and one_hot live in a sibling file (size)
from .nn_resample import (  # noqa: E402,F401
    interpolate as interpolate, one_hot as one_hot, pad as pad, pixel_shuffle as pixel_shuffle,
    pixel_unshuffle as pixel_unshuffle,
)
