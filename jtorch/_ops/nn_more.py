"""torch's top-level (aten) spellings of neural-network functions: dropout variants, rrelu, constant_pad_nd,
convolution/conv_tbc, grid_sampler_2d/3d, max_pool1d_with_indices, embedding/embedding_renorm_, the native_*
normalisations (which also return their statistics), norm_except_dim, pdist, native_channel_shuffle, and the
recurrent cells and layers (lstm_cell, gru, ...). Each calls the one op that nn.functional calls too."""
import math

import jax.numpy as jnp

from .._engine import modes
from .registry import op, public
from .. import _dtype
import numpy as np


def _inplace(fn, name):
    def inplace(input, *args, **kwargs):
        return input._assign(fn(input, *args, **kwargs), name)
    inplace.__name__ = inplace.__qualname__ = name
    return public(name, method=False)(inplace)


# -- dropout and rrelu --------------------------------------------------------------------------------

def _dropout_kind(mode, name):
    def fn(input, p, train):
        from .nn import _apply_dropout
        if mode.startswith("feature") and input.dim() < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        return _apply_dropout(input, p, train, False, mode)
    fn.__name__ = fn.__qualname__ = name
    return public(name, method=False)(fn)


alpha_dropout = _dropout_kind("alpha", "alpha_dropout")
feature_dropout = _dropout_kind("feature", "feature_dropout")
feature_alpha_dropout = _dropout_kind("feature_alpha", "feature_alpha_dropout")
alpha_dropout_ = _inplace(alpha_dropout, "alpha_dropout_")
feature_dropout_ = _inplace(feature_dropout, "feature_dropout_")
feature_alpha_dropout_ = _inplace(feature_alpha_dropout, "feature_alpha_dropout_")


@public("dropout_", method=False)
def dropout_(input, p, train):
    from .nn import dropout_fn
    return input._assign(dropout_fn(input, p, train), "dropout_")


@op(tensors=("input", "slope"), promote="same", method=False, function=False, grad_name="RreluWithNoiseBackward0")
def _rrelu(input, slope):
    return jnp.where(input >= 0, input, input * slope)


@public(method=False)
def rrelu(input, lower=0.125, upper=1.0 / 3, training=False, generator=None):
    """x for x >= 0, else x * a: a drawn from U(lower, upper) per element when training, (lower + upper) / 2
    otherwise."""
    if training:
        from .creation import empty_like
        slope = empty_like(input).uniform_(lower, upper, generator=generator)
    else:
        slope = (lower + upper) / 2
    return _rrelu(input, slope)


rrelu_ = _inplace(rrelu, "rrelu_")


# -- padding, convolution, sampling, pooling ---------------------------------------------------------

@public(method=False)
def constant_pad_nd(input, pad, value=0):
    from .nn_resample import pad as pad_fn
    return pad_fn(input, tuple(pad), "constant", value)


@public(method=False)
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """aten's one convolution entry: conv{1,2,3}d, or conv_transpose{1,2,3}d when `transposed`."""
    from . import nn as _nn
    nd = weight.dim() - 2
    if nd not in (1, 2, 3):
        raise RuntimeError(f"Expected 3D, 4D or 5D weight for convolution, but got {weight.dim()}D")
    if transposed:
        fn = getattr(_nn, f"conv_transpose{nd}d")
        return fn(input, weight, bias, tuple(stride), tuple(padding), tuple(output_padding), groups, tuple(dilation))
    return getattr(_nn, f"conv{nd}d")(input, weight, bias, tuple(stride), tuple(padding), tuple(dilation), groups)


@public(method=False)
def conv_tbc(input, weight, bias, pad=0):
    """1-d convolution of a (time, batch, channel) input with a (kernel, in, out) weight."""
    from .nn import conv1d
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad)
    return out.permute(2, 0, 1)


def _grid_sampler_nd(nd, name):
    def fn(input, grid, interpolation_mode, padding_mode, align_corners):
        from .nn_grid import grid_sampler
        if input.dim() != nd + 2:
            raise RuntimeError(f"{name}(): expected {nd + 2}D input and grid with same number of dimensions, but got "
                               f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
        return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)
    fn.__name__ = fn.__qualname__ = name
    return public(name, method=False)(fn)


grid_sampler_2d = _grid_sampler_nd(2, "grid_sampler_2d")
grid_sampler_3d = _grid_sampler_nd(3, "grid_sampler_3d")


@public(method=False)
def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    from .nn import max_pool1d
    stride = None if stride in ((), []) else stride
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


@public(method=False)
def native_channel_shuffle(input, groups):
    from .nn_resample import channel_shuffle
    return channel_shuffle(input, groups)


# -- embeddings ---------------------------------------------------------------------------------------

@public(method=False)
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """aten's embedding: weight first, padding_idx -1 for none."""
    from .sparse import embedding as embedding_fn
    return embedding_fn(indices, weight, None if padding_idx == -1 else padding_idx, None, 2.0, scale_grad_by_freq,
                        sparse)


@public(method=False)
def embedding_renorm_(input, indices, max_norm, norm_type):
    """Rescale, in place, the rows of `input` that `indices` name whose norm exceeds max_norm."""
    from .linalg import vector_norm
    rows = indices.reshape(-1).unique()
    with modes.grad_disabled():
        picked = input[rows]
        norms = vector_norm(picked, norm_type, dim=1, keepdim=True)
        scale = (max_norm / (norms + 1e-7)).clamp(max=1.0)
        input[rows] = picked * scale
    return input


# -- normalisations that also return their statistics ---------------------------------------------------

@public(method=False)
def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """(output, mean, rstd); mean and rstd keep the normalised dims as size 1."""
    from .nn import layer_norm
    dims = tuple(range(input.dim() - len(normalized_shape), input.dim()))
    mean = input.mean(dims, keepdim=True)
    rstd = (input.var(dims, correction=0, keepdim=True) + eps).rsqrt()
    return layer_norm(input, tuple(normalized_shape), weight, bias, eps), mean, rstd


@public(method=False)
def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """(output, save_mean, save_invstd): the batch statistics when training (empty tensors otherwise)."""
    from .creation import empty
    from .nn import batch_norm_functional
    out = batch_norm_functional(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        return out, empty(0, dtype=input.dtype), empty(0, dtype=input.dtype)
    dims = (0,) + tuple(range(2, input.dim()))
    mean = input.mean(dims)
    invstd = (input.var(dims, correction=0) + eps).rsqrt()
    return out, mean, invstd


@public(method=False)
def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """(output, mean, rstd), the statistics shaped (N, group)."""
    from .nn import group_norm
    grouped = input.reshape(N, group, -1)
    mean = grouped.mean(-1)
    rstd = (grouped.var(-1, correction=0) + eps).rsqrt()
    return group_norm(input, group, weight, bias, eps), mean, rstd


@public(method=False)
def native_dropout(input, p, train):
    """(output, mask): the kept elements scaled by 1 / (1 - p), and which were kept."""
    from .creation import ones_like
    from .random import rand_like
    if train is not None and not train:
        return input.clone(), ones_like(input, dtype=_dtype.bool)
    keep = rand_like(input) >= p
    return input * keep * (1.0 / (1 - p) if p < 1 else 0.0), keep


@public(method=False)
def norm_except_dim(v, pow=2, dim=0):
    """The pow-norm over every dim but `dim` (keeping it, the others as size 1); over everything for dim=-1."""
    from .linalg import vector_norm
    if dim == -1:
        return vector_norm(v, pow)
    d = dim % v.dim()
    others = tuple(i for i in range(v.dim()) if i != d)
    return vector_norm(v, pow, others, keepdim=True)


@public(method=False)
def pdist(input, p=2):
    """The p-norm distance between every pair of rows i < j of a 2-D input, in row-major pair order
    (torch.pdist and F.pdist). A zero distance gets a zero gradient, as in torch, not the root's infinite one."""
    from .creation import tensor
    from .elementwise import where
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    diff = input[tensor(i)] - input[tensor(j)]
    if p == 0:
        return (diff != 0).to(input.dtype).sum(-1)
    if p == math.inf:
        return diff.abs().amax(-1)
    total = (diff * diff).sum(-1) if p == 2 else diff.abs().pow(p).sum(-1)
    nonzero = total > 0
    return where(nonzero, where(nonzero, total, 1.0).pow(1.0 / p), 0.0)


# -- recurrent cells and layers --------------------------------------------------------------------------

def _cell(mode, input, h, c, w_ih, w_hh, b_ih, b_hh):
    from .rnn import _rnn_cell
    return _rnn_cell(input, h, c, w_ih, w_hh, b_ih, b_hh, mode=mode)


@public(method=False)
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    h, c = hx
    return tuple(_cell("LSTM", input, h, c, w_ih, w_hh, b_ih, b_hh))


@public(method=False)
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("GRU", input, hx, None, w_ih, w_hh, b_ih, b_hh)


@public(method=False)
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("RNN_TANH", input, hx, None, w_ih, w_hh, b_ih, b_hh)


@public(method=False)
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("RNN_RELU", input, hx, None, w_ih, w_hh, b_ih, b_hh)


_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _layers(mode, input, h0, c0, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    from .random import _gen
    from .rnn import _rnn
    params = list(params)
    D = 2 if bidirectional else 1
    plain = 2 + (2 if has_biases else 0)
    proj = len(params) == num_layers * D * (plain + 1)
    hidden = params[1].shape[0] // _GATES[mode]
    x = input.transpose(0, 1) if batch_first else input
    rng = _gen(None)._key_leaf() if train and dropout > 0 else None
    out, h_n, c_n = _rnn([x, h0, c0, None, rng] + params, mode=mode, num_layers=num_layers,
                         bidirectional=bool(bidirectional), has_bias=bool(has_biases),
                         proj_size=params[plain].shape[0] if proj else 0, hidden_size=hidden,
                         dropout=float(dropout) if train else 0.0)
    return (out.transpose(0, 1) if batch_first else out), h_n, c_n


@public(method=False)
def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    h0, c0 = hx
    return _layers("LSTM", input, h0, c0, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)


def _single_state(mode, name):
    def fn(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
        out, h_n, _ = _layers(mode, input, hx, None, params, has_biases, num_layers, dropout, train, bidirectional,
                              batch_first)
        return out, h_n
    fn.__name__ = fn.__qualname__ = name
    return public(name, method=False)(fn)


gru = _single_state("GRU", "gru")
rnn_tanh = _single_state("RNN_TANH", "rnn_tanh")
rnn_relu = _single_state("RNN_RELU", "rnn_relu")
