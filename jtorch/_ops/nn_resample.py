"""Padding, resampling (interpolate), pixel (un)shuffle and one_hot lowerings (split from nn.py for size)."""
import builtins
import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from . import _checks
from .nn import _HI, _adaptive_avg_pool
from .registry import op, public
import jax


# -- padding, resampling, reshuffling --------------------------------------------------------------

@op(method=False, function=False, grad_name="ConstantPadNdBackward0")
def _pad(input, *, pairs, mode, value):
    if mode == "constant":
        cfg = [(lo, hi, 0) for lo, hi in pairs]
        return lax.pad(input, jnp.array(value, input.dtype), cfg)
    np_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    return jnp.pad(input, pairs, mode=np_mode)


@public("pad", method=False, function=False)
def pad(input, pad, mode="constant", value=None):
    """F.pad: `pad` lists (left, right) pairs starting from the last dimension."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.dim()}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"jtorch has no lowering for pad mode {mode!r} yet")
    pairs = [(0, 0)] * input.dim()
    for i in range(k):
        pairs[input.dim() - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode != "constant":
        if input.dim() not in (k + 1, k + 2) or not 1 <= k <= 3:
            raise NotImplementedError(
                f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\nSupported combinations "
                "for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D "
                "input: padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 "
                "dimensions)")
        if value:
            raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
        for i in range(k):
            dim = input.dim() - 1 - i
            lo, hi = pairs[dim]
            if mode == "reflect" and (lo >= input.shape[dim] or hi >= input.shape[dim]):
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                                   f"{list(input.shape)}")
            if mode == "circular" and (lo > input.shape[dim] or hi > input.shape[dim]):
                raise RuntimeError("Padding value causes wrapping around more than once.")
    return _pad(input, pairs=tuple(pairs), mode=mode, value=0.0 if value is None else value)


def _linear_matrix(n_in, n_out, scale, align_corners):
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        if align_corners:
            src = i * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        else:
            src = builtins.max(scale * (i + 0.5) - 0.5, 0.0)
        i0 = builtins.min(int(math.floor(src)), n_in - 1)
        i1 = builtins.min(i0 + 1, n_in - 1)
        lam = src - i0
        m[i, i0] += 1 - lam
        m[i, i1] += lam
    return m


def _cubic_matrix(n_in, n_out, scale, align_corners):
    """torch's bicubic weights (A = -0.75), with border indices clamped as upsample_bicubic2d does."""
    a = -0.75

    def conv1(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def conv2(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        if align_corners:
            src = i * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        else:
            src = scale * (i + 0.5) - 0.5
        i0 = builtins.min(int(math.floor(src)), n_in - 1)
        t = builtins.min(builtins.max(src - i0, 0.0), 1.0)
        for off, w in zip((-1, 0, 1, 2), (conv2(t + 1), conv1(t), conv1(1 - t), conv2(2 - t))):
            m[i, builtins.min(builtins.max(i0 + off, 0), n_in - 1)] += w
    return m


@op(method=False, function=False, grad_name="UpsampleBilinear2DBackward0")
def _interpolate(input, *, outs, scales, mode, align_corners):
    nd = len(outs)
    x = input
    for i, (o, sc) in enumerate(zip(outs, scales)):
        axis = input.ndim - nd + i
        n = input.shape[axis]
        scale = n / o if sc is None else 1.0 / sc
        if mode in ("nearest", "nearest-exact"):
            off = 0.5 if mode == "nearest-exact" else 0.0
            idx = np.minimum(np.floor((np.arange(o) + off) * np.float32(scale)).astype(np.int64), n - 1)
            x = jnp.take(x, jnp.asarray(idx), axis=axis)
        else:
            m = (_cubic_matrix if mode == "bicubic" else _linear_matrix)(n, o, scale, align_corners)
            x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m, x.dtype), axes=((axis,), (1,)), precision=_HI), -1,
                             axis)
    return x


@public("interpolate", method=False, function=False)
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    nd = input.dim() - 2
    linear = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif mode in linear:
        if linear[mode] != nd:
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {linear[mode] + 2}D input")
        align_corners = bool(align_corners)
    else:
        raise NotImplementedError(f"jtorch has no lowering for interpolate mode {mode!r} yet")
    if antialias:
        raise NotImplementedError("jtorch has no lowering for interpolate(antialias=True) yet")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None else
                         "either size or scale_factor should be defined")
    spatial = input.shape[2:]
    if size is not None:
        outs = tuple(int(s) for s in size) if isinstance(size, (tuple, list)) else (int(size),) * nd
        scales = (None,) * nd
    else:
        sf = tuple(float(s) for s in scale_factor) if isinstance(scale_factor, (tuple, list)) else \
            (float(scale_factor),) * nd
        outs = tuple(int(math.floor(n * f)) for n, f in zip(spatial, sf))
        scales = (None,) * nd if recompute_scale_factor else sf
    if mode == "area":
        return _adaptive_avg_pool(input, outs=outs)
    return _interpolate(input, outs=outs, scales=scales, mode=mode, align_corners=align_corners)


@op(method=False, grad_name="PixelShuffleBackward0")
def pixel_shuffle(input, upscale_factor):
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    x = input.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    n = len(lead)
    x = x.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return x.reshape(tuple(lead) + (c // (r * r), h * r, w * r))


@op(method=False, grad_name="PixelUnshuffleBackward0")
def pixel_unshuffle(input, downscale_factor):
    r = downscale_factor
    *lead, c, h, w = input.shape
    x = input.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    n = len(lead)
    x = x.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return x.reshape(tuple(lead) + (c * r * r, h // r, w // r))


@op(method=False, function=False, differentiable=False)
def _one_hot(input, *, num_classes):
    return (input[..., None] == jnp.arange(num_classes, dtype=input.dtype)).astype(jnp.int64)


@public("one_hot", method=False, function=False)
def one_hot(tensor, num_classes=-1):
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(np.asarray(tensor._value("one_hot(num_classes=-1)")).max(initial=-1)) + 1
    _checks.class_values(tensor, num_classes)
    return _one_hot(tensor, num_classes=int(num_classes))


# -- sliding blocks, channel shuffling, local response norm ------------------------------------

def _pair2(v):
    return tuple(int(x) for x in v) if isinstance(v, (tuple, list)) else (int(v), int(v))


def _unfold_array(x, k, d, p, s):
    patches = lax.conv_general_dilated_patches(x, filter_shape=k, window_strides=s, padding=[(pp, pp) for pp in p],
                                               rhs_dilation=d, dimension_numbers=("NCHW", "OIHW", "NCHW"),
                                               precision=lax.Precision.HIGHEST)
    return patches.reshape(patches.shape[0], patches.shape[1], -1)


@op(method=False, function=False, grad_name="Im2ColBackward0")
def _unfold(input, *, kernel_size, dilation, padding, stride):
    return _unfold_array(input, kernel_size, dilation, padding, stride)


@public("unfold_functional", method=False, function=False)
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """F.unfold (im2col): (N, C, H, W) -> (N, C * kh * kw, L)."""
    if input.dim() != 4:
        raise NotImplementedError(f"Input Error: Only 4D input Tensors are supported (got {input.dim()}D)")
    return _unfold(input, kernel_size=_pair2(kernel_size), dilation=_pair2(dilation), padding=_pair2(padding),
                   stride=_pair2(stride))


@op(method=False, function=False, grad_name="Col2ImBackward0")
def _fold(input, *, output_size, kernel_size, dilation, padding, stride):
    n, ck = input.shape[0], input.shape[1]
    c = ck // (kernel_size[0] * kernel_size[1])
    zeros = jnp.zeros((n, c) + output_size, input.dtype)
    _, pullback = jax.vjp(lambda z: _unfold_array(z, kernel_size, dilation, padding, stride), zeros)
    return pullback(input)[0]  # fold is the adjoint of unfold: overlapping blocks add up


@public("fold_functional", method=False, function=False)
def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """F.fold (col2im): (N, C * kh * kw, L) -> (N, C, H, W), summing overlaps."""
    if input.dim() != 3:
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                                  f"(got {input.dim()}D)")
    o, k, d, p, s = (_pair2(v) for v in (output_size, kernel_size, dilation, padding, stride))
    blocks = [(o[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    if input.shape[-1] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={o}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, expected "
                           f"size of input's dimension 2 to match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)="
                           f"{input.shape[-1]}.")
    return _fold(input, output_size=o, kernel_size=k, dilation=d, padding=p, stride=s)


@op(method=False, grad_name="NativeChannelShuffleBackward0")
def channel_shuffle(input, groups):
    n, c = input.shape[:2]
    x = input.reshape((n, groups, c // groups) + input.shape[2:])
    return jnp.swapaxes(x, 1, 2).reshape(input.shape)


@op(method=False, function=False, grad_name="DivBackward0")
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {input.ndim} "
                         "dimensions)")
    sq = jnp.square(input)
    window = (1, size) + (1,) * (input.ndim - 2)
    pads = ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (input.ndim - 2)
    div = lax.reduce_window(sq, np.array(0, input.dtype), lax.add, window, (1,) * input.ndim, pads) / size
    return input / (div * alpha + k) ** beta
