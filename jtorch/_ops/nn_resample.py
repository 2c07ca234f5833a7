"""Padding, resampling (interpolate), pixel (un)shuffle and one_hot lowerings (split from nn.py for size)."""
import builtins
import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .nn import _HI, _adaptive_avg_pool
from .registry import op, public


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
            m = _linear_matrix(n, o, scale, align_corners)
            x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m, x.dtype), axes=((axis,), (1,)), precision=_HI), -1,
                             axis)
    return x


@public("interpolate", method=False, function=False)
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    nd = input.dim() - 2
    linear = {"linear": 1, "bilinear": 2, "trilinear": 3}
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
    return _one_hot(tensor, num_classes=int(num_classes))
