"""torch.nn.functional: the op table's nn lowerings plus torch's argument handling for them."""
import warnings

import jax
import numpy as np

from .. import _device, _dtype
from .._engine import sync as _sync
from .._ops import elementwise as _ew
from .._ops import nn as _nn
from .._ops.linalg import linear as linear
from .._ops.nn import (  # noqa: F401
    adaptive_avg_pool1d as adaptive_avg_pool1d, adaptive_avg_pool2d as adaptive_avg_pool2d,
    adaptive_avg_pool3d as adaptive_avg_pool3d, avg_pool1d as avg_pool1d, avg_pool2d as avg_pool2d,
    avg_pool3d as avg_pool3d, bilinear as bilinear, conv1d as conv1d, conv2d as conv2d, conv3d as conv3d,
    conv_transpose1d as conv_transpose1d, conv_transpose2d as conv_transpose2d,
    conv_transpose3d as conv_transpose3d, cosine_similarity as cosine_similarity, group_norm as _group_norm,
    instance_norm_f as _instance_norm, interpolate as interpolate, layer_norm as _layer_norm,
    one_hot as one_hot, pad as pad, pairwise_distance as pairwise_distance, pixel_shuffle as pixel_shuffle,
    pixel_unshuffle as pixel_unshuffle, prelu as prelu, rms_norm as _rms_norm,
)
from ._pooling import (  # noqa: F401
    boolean_dispatch as boolean_dispatch, max_pool1d as max_pool1d, max_pool2d as max_pool2d,
    max_pool3d as max_pool3d, max_pool1d_with_indices as max_pool1d_with_indices,
    max_pool2d_with_indices as max_pool2d_with_indices, max_pool3d_with_indices as max_pool3d_with_indices,
    adaptive_max_pool1d as adaptive_max_pool1d, adaptive_max_pool2d as adaptive_max_pool2d,
    adaptive_max_pool3d as adaptive_max_pool3d, adaptive_max_pool1d_with_indices as adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices as adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d_with_indices as adaptive_max_pool3d_with_indices,
    fractional_max_pool2d as fractional_max_pool2d, fractional_max_pool3d as fractional_max_pool3d,
    fractional_max_pool2d_with_indices as fractional_max_pool2d_with_indices,
    fractional_max_pool3d_with_indices as fractional_max_pool3d_with_indices, lp_pool1d as lp_pool1d,
    lp_pool2d as lp_pool2d, lp_pool3d as lp_pool3d, max_unpool1d as max_unpool1d, max_unpool2d as max_unpool2d,
    max_unpool3d as max_unpool3d,
)
from .._ops.nn_grid import affine_grid as affine_grid, grid_sample as grid_sample  # noqa: F401
from .._ops.nn_resample import (  # noqa: F401
    channel_shuffle as channel_shuffle, fold as fold, local_response_norm as local_response_norm, unfold as unfold,
)
from . import _loss_ops as _L
from .._ops.random import _gen, _uniform
from .._ops.creation import empty_like
from .._tensor import _type_name
from .._ops.creation import tensor as _tensor_fn
from .._ops.creation import zeros_like
from .._ops.elementwise import where as _where
from .._ops.creation import full_like

sigmoid = _ew.sigmoid
tanh = _ew.tanh


def _maybe_inplace(input, out, inplace, name):
    return input._assign(out, name) if inplace else out


# -- activations -----------------------------------------------------------------------------

def relu(input, inplace=False):
    return input.relu_() if inplace else _ew.relu(input)


def relu_(input):
    return input.relu_()


native_channel_shuffle = channel_shuffle


def _inplace_variant(fn):
    def variant(input, *args, **kwargs):
        return input._assign(fn(input, *args, **kwargs), fn.__name__ + "_")
    variant.__name__ = variant.__qualname__ = fn.__name__ + "_"
    return variant


def relu6(input, inplace=False):
    return _maybe_inplace(input, _nn.relu6(input), inplace, "relu6_")


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _maybe_inplace(input, _nn.leaky_relu(input, negative_slope), inplace, "leaky_relu_")


def elu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(input, _nn.elu(input, alpha), inplace, "elu_")


def selu(input, inplace=False):
    return _maybe_inplace(input, _nn.selu(input), inplace, "selu_")


def celu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(input, _nn.celu(input, alpha), inplace, "celu_")


def gelu(input, approximate="none"):
    return _nn.gelu(input, approximate)


def silu(input, inplace=False):
    return _maybe_inplace(input, _nn.silu(input), inplace, "silu_")


def mish(input, inplace=False):
    return _maybe_inplace(input, _nn.mish(input), inplace, "mish_")


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _maybe_inplace(input, _nn.hardtanh(input, min_val, max_val), inplace, "hardtanh_")


def hardswish(input, inplace=False):
    return _maybe_inplace(input, _nn.hardswish(input), inplace, "hardswish_")


def hardsigmoid(input, inplace=False):
    return _maybe_inplace(input, _nn.hardsigmoid(input), inplace, "hardsigmoid_")


def threshold(input, threshold, value, inplace=False):
    return _maybe_inplace(input, _nn.threshold(input, threshold, value), inplace, "threshold_")


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    u = _uniform(_gen(None)._key_leaf(), size=tuple(logits.shape), dtype=logits.dtype.np, low=0.0, high=1.0)
    gumbels = -((-(u.clamp(min=1e-20)).log()).log())  # Gumbel(0, 1) noise from the generator
    y_soft = _nn.softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim)
    y_hard = one_hot(index, logits.shape[dim]).to(logits.dtype)
    if dim not in (-1, logits.dim() - 1):
        y_hard = y_hard.movedim(-1, dim)
    return y_hard - y_soft.detach() + y_soft


def softplus(input, beta=1.0, threshold=20.0):
    return _nn.softplus(input, beta, threshold)


def softsign(input):
    return _nn.softsign(input)


def tanhshrink(input):
    return _nn.tanhshrink(input)


def logsigmoid(input):
    return _nn.logsigmoid(input)


def hardshrink(input, lambd=0.5):
    return _nn.hardshrink(input, lambd)


def softshrink(input, lambd=0.5):
    return _nn.softshrink(input, lambd)


def glu(input, dim=-1):
    return _nn.glu(input, dim)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if not training:  # evaluation uses the mean slope
        return leaky_relu(input, (lower + upper) / 2, inplace)
    # training: each negative element gets its own slope drawn from U(lower, upper)
    slope = empty_like(input).uniform_(lower, upper)
    out = _ew.where(input >= 0, input, input * slope)
    return input._assign(out, "rrelu_") if inplace else out


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


elu_ = _inplace_variant(_nn.elu)
leaky_relu_ = _inplace_variant(_nn.leaky_relu)
hardtanh_ = _inplace_variant(_nn.hardtanh)
threshold_ = _inplace_variant(_nn.threshold)
selu_ = _inplace_variant(_nn.selu)
celu_ = _inplace_variant(_nn.celu)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _nn._softmax_dim("softmax", input.dim())
    return _nn.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _nn._softmax_dim("log_softmax", input.dim())
    return _nn.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _nn._softmax_dim("softmin", input.dim())
    return _nn.softmax(-input, dim, dtype)


# -- dropout -------------------------------------------------------------------------------------

def dropout(input, p=0.5, training=True, inplace=False):
    return _nn._apply_dropout(input, p, training, inplace, "plain")


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _nn._apply_dropout(input, p, training, inplace, "alpha")


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _nn._apply_dropout(input, p, training, inplace, "feature_alpha")


def _feature_dropout(input, p, training, inplace, nd, name):
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input, but received a {input.dim()}D input. ")
    if input.dim() == nd + 1:  # unbatched: channels first
        return _nn._apply_dropout(input.unsqueeze(0), p, training, False, "feature").squeeze(0) if not inplace \
            else input._assign(_nn._apply_dropout(input.unsqueeze(0), p, training, False, "feature").squeeze(0))
    return _nn._apply_dropout(input, p, training, inplace, "feature")


def dropout1d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


# -- normalisation ---------------------------------------------------------------------------------

batch_norm = _nn.batch_norm_functional


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    return _layer_norm(input, normalized_shape, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return _rms_norm(input, normalized_shape, weight, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    return _group_norm(input, num_groups, weight, bias, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-05):
    return _instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    result = _nn.normalize(input, p, dim, eps)
    return result if out is None else _ew._write_out(out, result)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# -- losses ------------------------------------------------------------------------------------------

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce, emit=True):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = ("mean" if size_average else "sum") if reduce else "none"
    if emit:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      UserWarning, stacklevel=3)
    return ret


def _reduction(size_average, reduce, reduction, allowed=_REDUCTIONS):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _warn_size(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", UserWarning, stacklevel=3)


def _float_target(input, target, name):
    if not (target.dtype.is_floating_point or target.dtype.is_complex) and input.dtype.is_floating_point:
        return target.to(input.dtype)
    return target


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None and weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    return _L._mse_loss(input, target, weight, reduction=reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None and weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    return _L._l1_loss(input, target, weight, reduction=reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _L._smooth_l1_loss(input, target, reduction=reduction, beta=float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _warn_size(input, target)
    reduction = _reduction(None, None, reduction)
    return _L._huber_loss(input, target, weight, reduction=reduction, delta=float(delta))


_BCE_HINT = "Hint: if the batch dimension is not first, check batch_first=True on your torchtext Field / DataLoader layout"


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         f"is deprecated. Please ensure they have the same size.\n{_BCE_HINT}")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_type_word(target.dtype)} but expected {_type_word(input.dtype)}")
    return _L._binary_cross_entropy(input, target, weight, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})\n{_BCE_HINT}")
    if target.dtype is not input.dtype and not target.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_word(target.dtype)}")
    return _L._binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction=reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _L._kl_div(input, target, reduction=reduction, log_target=bool(log_target))


def _type_word(dt):
    return _type_name(dt)


def _check_class_target(input, target, name, ignore_index):
    ishape, tshape = input._lazy.shape, target._lazy.shape  # plain tuples: this runs every step
    if len(ishape) > 1 and (not tshape or ishape[0] != tshape[0]):
        raise ValueError(f"Expected input batch_size ({ishape[0]}) to match target batch_size "
                         f"({tshape[0] if tshape else 1}).")
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_word(target.dtype)}")
    if not ishape:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    expected = (ishape[:1] + ishape[2:]) if len(ishape) > 1 else ()
    if tshape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(tshape)}" if len(ishape) > 2 else
                           f"{name}: expected target of shape {list(expected)}, got {list(tshape)}")
    values = _host_values(target)
    if values is not None and values.size:
        classes = ishape[1] if len(ishape) > 1 else ishape[0]
        if values.min() < 0 or values.max() >= classes:  # two reductions: the common case stays cheap
            bad = ((values < 0) | (values >= classes)) & (values != ignore_index)
            if bad.any():
                raise IndexError(f"Target {int(values.ravel()[bad.ravel().argmax()])} is out of bounds.")


def _host_values(t):
    """A tensor's values as numpy when reading them costs no sync or device transfer (loader
    batches, tensors made from host data on the CPU backend); else None."""
    v = t._lazy.value if t._base is None else None
    if isinstance(v, np.ndarray):
        return v
    if v is not None and v is not _device.META and not _sync._on_accelerator() and not isinstance(v, jax.core.Tracer):
        return np.asarray(v)
    return None


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    _check_class_target(input, target, "nll_loss", ignore_index)
    _check_weight(input, weight)
    return _L._nll_loss(input, target, weight, reduction=reduction, ignore_index=int(ignore_index))


def _check_weight(input, weight):
    c = input.shape[1] if input.dim() > 1 else input.shape[0]
    if weight is not None and (weight.dim() != 1 or weight.shape[0] != c):
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    _check_weight(input, weight)
    if target.dtype.is_floating_point and target.shape == input.shape:
        if target.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {_type_word(input.dtype)} but found "
                               f"{_type_word(target.dtype)}")
    else:
        _check_class_target(input, target, "cross_entropy", ignore_index)
    return _L._cross_entropy(input, target, weight, reduction=reduction, ignore_index=int(ignore_index),
                             label_smoothing=float(label_smoothing))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist Temporal Classification loss (optax.ctc_loss); torch's layouts, checks and
    reductions ('mean' divides each loss by its target length, then averages)."""
    reduction = _reduction(None, None, reduction)
    where = " (while checking arguments for ctc_loss_allocate_outputs)"
    if not (log_probs.dtype.is_floating_point or log_probs.dtype.is_complex):
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for \'{_type_word(log_probs.dtype)}\'')
    if log_probs.dim() not in (2, 3):
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.dim() + 1}-dimensional tensor for "
                           f"argument #1 'log_probs'{where}")
    if targets.dim() not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for argument #2 "
                           f"'targets'{where}")
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)  # 1-D targets stay in the concatenated layout, as in torch
    t, n, c = log_probs.shape
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    lengths, values = [], []
    for name, v in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
        if not isinstance(v, Tensor):
            v = _tensor_fn(v, dtype=_dtype.int64)
        elif v.dtype.is_floating_point or v.dtype.is_complex or v.dtype is _dtype.bool:
            raise RuntimeError(f"{name} must be integral")
        if v.numel() != n:
            raise RuntimeError(f"{name} must be of size batch_size")
        vals = _host_values(v)  # None when reading them would sync: the checks are skipped
        values.append(None if vals is None else np.asarray(vals).reshape(-1))
        lengths.append(v.reshape(n))
    il, tl = lengths
    il_v, tl_v = values
    for name, vals, high in (("input_lengths", il_v, t), ("target_lengths", tl_v, None)):
        if vals is not None and vals.size:
            if vals.min() < 0:
                raise RuntimeError(f"Expected {name} to have value at least 0, but got value {int(vals.min())}{where}")
            if high is not None and vals.max() > high:
                raise RuntimeError(f"Expected {name} to have value at most {high}, but got value "
                                   f"{int(vals.max())}{where}")
    if tl_v is not None:
        if targets.dim() == 1 and int(tl_v.sum()) != targets.shape[0]:
            raise RuntimeError(f"Expected tensor to have size {int(tl_v.sum())} at dimension 0, but got size "
                               f"{targets.shape[0]} for argument #2 'targets'{where}")
        if targets.dim() == 2 and tl_v.size and int(tl_v.max()) > targets.shape[1]:
            raise RuntimeError(f"Expected tensor to have size at least {int(tl_v.max())} at dimension 1, but got "
                               f"size {targets.shape[1]} for argument #2 'targets'{where}")
    if targets.dtype.is_floating_point:
        targets = targets.long()
    if tl_v is not None and targets.shape[-1]:  # pad to the longest target, not the total: O(T*N*S_max) work
        width = max(int(tl_v.max()) if tl_v.size else 0, 1)
        if targets.dim() == 1:
            starts = np.cumsum(tl_v) - tl_v
            targets = targets[_tensor_fn(np.minimum(starts[:, None] + np.arange(width), targets.shape[0] - 1))]
        else:
            targets = targets[:, :width]
    loss = _L._ctc_loss(log_probs, targets, il, tl, blank=int(blank), zero_infinity=bool(zero_infinity))
    if zero_infinity:
        loss = _where(loss == float("inf"), zeros_like(loss), loss)
    if reduction == "mean":
        return (loss / tl.clamp_min(1).to(loss.dtype)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.squeeze(0) if unbatched else loss


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if input1.shape != input2.shape:
        raise RuntimeError(f"cosine_embedding_loss: Input1 and Input2 must have the same shape, but got "
                           f"{list(input1.shape)} and {list(input2.shape)}")
    return _L._cosine_embedding_loss(input1, input2, target, margin=float(margin), reduction=reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _L._margin_ranking_loss(input1, input2, target, margin=float(margin), reduction=reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _L._hinge_embedding_loss(input, target, margin=float(margin), reduction=reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _L._soft_margin_loss(input, target, reduction=reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _L._triplet_margin_loss(anchor, positive, negative, margin=float(margin), p=float(p), eps=float(eps),
                                   swap=bool(swap), reduction=reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _L._multilabel_soft_margin_loss(input, target, weight, reduction=reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    return _L._multi_margin_loss(input, target, weight, p=int(p), margin=float(margin), reduction=reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08, reduce=None,
                     reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _L._poisson_nll_loss(input, target, log_input=bool(log_input), full=bool(full), eps=float(eps),
                                reduction=reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    if isinstance(var, (int, float)):
        var = full_like(input, var)
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    return _L._gaussian_nll_loss(input, target, var, full=bool(full), eps=float(eps), reduction=reduction)


# --- text/sequence layers (sparse, rnn, attention, transformer) ---
from .._ops.sparse import embedding as embedding, embedding_bag as embedding_bag  # noqa: F401, E402
from .._ops.attention import (  # noqa: F401, E402
    multi_head_attention_forward as multi_head_attention_forward,
    scaled_dot_product_attention as scaled_dot_product_attention,
)


# --- the rest of torch.nn.functional's surface: distances, conv_tbc and the composed losses ---
from ._functional_more import (  # noqa: F401, E402
    conv_tbc as conv_tbc, linear_cross_entropy as linear_cross_entropy,
    multilabel_margin_loss as multilabel_margin_loss, pdist as pdist,
    triplet_margin_with_distance_loss as triplet_margin_with_distance_loss,
)
from ._functional_notes import (  # noqa: F401, E402
    GRID_SAMPLE_INTERPOLATION_MODES as GRID_SAMPLE_INTERPOLATION_MODES,
    GRID_SAMPLE_PADDING_MODES as GRID_SAMPLE_PADDING_MODES, TYPE_CHECKING as TYPE_CHECKING, Tensor as Tensor,
    BroadcastingList1 as BroadcastingList1, BroadcastingList2 as BroadcastingList2,
    BroadcastingList3 as BroadcastingList3, assert_int_or_pair as assert_int_or_pair,
    handle_torch_function as handle_torch_function, has_torch_function as has_torch_function,
    has_torch_function_unary as has_torch_function_unary, has_torch_function_variadic as has_torch_function_variadic,
    reproducibility_notes as reproducibility_notes, sparse_support_notes as sparse_support_notes,
    tf32_notes as tf32_notes,
)
from ._functional_mm import (  # noqa: F401, E402
    ScalingType as ScalingType, SwizzleType as SwizzleType, grouped_mm as grouped_mm, scaled_mm as scaled_mm,
    scaled_grouped_mm as scaled_grouped_mm,
)
