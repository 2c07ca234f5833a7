"""Loss lowerings: one pure jnp function per torch loss; `reduction` is static.

Argument checking, torch's warnings and legacy arguments live in jtorch.nn.functional.
"""
import math

import jax
import jax.numpy as jnp
from jax import lax

from .._ops import _checks
from .._ops.registry import op
import optax


def _reduce(loss, reduction):
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


@op(tensors=("input", "target", "weight"), promote="same", method=False, function=False,
    grad_name="MseLossBackward0")
def _mse_loss(input, target, weight, *, reduction):
    _checks.broadcast_shapes(input.shape, target.shape)
    se = jnp.square(input - target)
    if weight is None:
        return _reduce(se, reduction)
    se = se * weight
    return jnp.sum(se) / jnp.sum(weight) if reduction == "mean" else _reduce(se, reduction)


@op(tensors=("input", "target", "weight"), promote="same", method=False, function=False,
    grad_name="L1LossBackward0")
def _l1_loss(input, target, weight, *, reduction):
    _checks.broadcast_shapes(input.shape, target.shape)
    d = jnp.abs(input - target)
    if weight is None:
        return _reduce(d, reduction)
    d = d * weight
    return jnp.sum(d) / jnp.sum(weight) if reduction == "mean" else _reduce(d, reduction)


@op(tensors=("input", "target"), promote="same", method=False, function=False, grad_name="SmoothL1LossBackward0")
def _smooth_l1_loss(input, target, *, reduction, beta):
    _checks.broadcast_shapes(input.shape, target.shape)
    d = jnp.abs(input - target)
    if beta == 0:
        return _reduce(d, reduction)
    return _reduce(jnp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


@op(tensors=("input", "target", "weight"), promote="same", method=False, function=False,
    grad_name="HuberLossBackward0")
def _huber_loss(input, target, weight, *, reduction, delta):
    _checks.broadcast_shapes(input.shape, target.shape)
    d = jnp.abs(input - target)
    loss = jnp.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    if weight is None:
        return _reduce(loss, reduction)
    loss = loss * weight
    return jnp.sum(loss) / jnp.sum(weight) if reduction == "mean" else _reduce(loss, reduction)


def _probabilities(input, target, weight=None, **_):
    """torch's range checks of BCE's input and target."""
    _checks.unit_interval(input, "input")
    _checks.unit_interval(target, "target")


@_checks.before(_probabilities)
@op(tensors=("input", "target", "weight"), promote="same", method=False, function=False,
    grad_name="BinaryCrossEntropyBackward0")
def _binary_cross_entropy(input, target, weight, *, reduction):
    # torch clamps each log term at -100 so that 0 and 1 give finite losses
    loss = -(target * jnp.maximum(jnp.log(input), -100.0) + (1 - target) * jnp.maximum(jnp.log1p(-input), -100.0))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


@op(tensors=("input", "target", "weight", "pos_weight"), promote="same", method=False, function=False,
    grad_name="BinaryCrossEntropyWithLogitsBackward0")
def _binary_cross_entropy_with_logits(input, target, weight, pos_weight, *, reduction):
    softplus_neg = jnp.log1p(jnp.exp(-jnp.abs(input))) + jnp.maximum(-input, 0)
    if pos_weight is not None:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus_neg
    else:
        loss = (1 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


@op(tensors=("input", "target"), promote="same", method=False, function=False, grad_name="KlDivBackward0")
def _kl_div(input, target, *, reduction, log_target):
    if log_target:
        loss = jnp.exp(target) * (target - input)
    else:
        loss = jax.scipy.special.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return jnp.sum(loss) / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def _gather_class(x, target):
    """x[n, target[n, ...], ...] along dim 1."""
    return jnp.take_along_axis(x, target[:, None], axis=1)[:, 0]


@op(tensors=("input", "target", "weight"), method=False, function=False, grad_name="NllLossBackward0")
def _nll_loss(input, target, weight, *, reduction, ignore_index):
    unbatched = input.ndim == 1
    if unbatched:
        input, target = input[None], target[None]
    mask = target != ignore_index
    safe = jnp.where(mask, target, 0)
    w = jnp.ones_like(input, shape=safe.shape) if weight is None else weight[safe]
    w = jnp.where(mask, w, 0).astype(input.dtype)
    loss = -_gather_class(input, safe) * w
    if reduction == "mean":
        return jnp.sum(loss) / jnp.sum(w)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss[0] if unbatched else loss


@op(tensors=("input", "target", "weight"), method=False, function=False, grad_name="NllLossBackward0")
def _cross_entropy(input, target, weight, *, reduction, ignore_index, label_smoothing):
    unbatched = input.ndim == 1
    if unbatched:
        input, target = input[None], target[None]
    c = input.shape[1]
    logp = jax.nn.log_softmax(input, axis=1)
    wshape = (1, -1) + (1,) * (input.ndim - 2)
    if jnp.issubdtype(target.dtype, jnp.floating):  # class probabilities
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / c
        prod = logp * target if weight is None else logp * target * weight.reshape(wshape)
        loss = -jnp.sum(prod, axis=1)
        if reduction == "mean":
            return jnp.sum(loss) / (input.size // c)
        if reduction == "sum":
            return jnp.sum(loss)
        return loss[0] if unbatched else loss
    mask = target != ignore_index
    safe = jnp.where(mask, target, 0)
    w = jnp.ones_like(input, shape=safe.shape) if weight is None else weight[safe]
    w = jnp.where(mask, w, 0).astype(input.dtype)
    nll = -_gather_class(logp, safe) * w
    if label_smoothing > 0:
        smooth = -jnp.sum(logp if weight is None else logp * weight.reshape(wshape), axis=1)
        smooth = jnp.where(mask, smooth, 0)
    if reduction == "mean":
        denom = jnp.sum(w)
        out = jnp.sum(nll) / denom
        if label_smoothing > 0:
            sm = jnp.sum(smooth) / (jnp.sum(mask) if weight is None else denom)
            out = (1 - label_smoothing) * out + sm * (label_smoothing / c)
        return out
    if reduction == "sum":
        out = jnp.sum(nll)
        if label_smoothing > 0:
            out = (1 - label_smoothing) * out + jnp.sum(smooth) * (label_smoothing / c)
        return out
    if label_smoothing > 0:
        nll = (1 - label_smoothing) * nll + smooth * (label_smoothing / c)
    return nll[0] if unbatched else nll


@op(tensors=("input1", "input2", "target"), promote="same", method=False, function=False,
    grad_name="CosineEmbeddingLossBackward0")
def _cosine_embedding_loss(input1, input2, target, *, margin, reduction):
    dim = 1 if input1.ndim == 2 else 0
    eps = 1e-12
    prod = jnp.sum(input1 * input2, dim)
    denom = jnp.sqrt((jnp.sum(input1 * input1, dim) + eps) * (jnp.sum(input2 * input2, dim) + eps))
    cos = prod / denom
    loss = jnp.where(target == 1, 1 - cos, 0) + jnp.where(target == -1, jnp.maximum(cos - margin, 0), 0)
    return _reduce(loss.astype(input1.dtype), reduction)


@op(tensors=("input1", "input2", "target"), promote="same", method=False, function=False,
    grad_name="ClampMinBackward0")
def _margin_ranking_loss(input1, input2, target, *, margin, reduction):
    return _reduce(jnp.maximum(-target * (input1 - input2) + margin, 0), reduction)


@op(tensors=("input", "target"), promote="same", method=False, function=False)
def _hinge_embedding_loss(input, target, *, margin, reduction):
    loss = jnp.where(target == 1, input, 0) + jnp.where(target == -1, jnp.maximum(margin - input, 0), 0)
    return _reduce(loss.astype(input.dtype), reduction)


@op(tensors=("input", "target"), promote="same", method=False, function=False, grad_name="SoftMarginLossBackward0")
def _soft_margin_loss(input, target, *, reduction):
    return _reduce(jnp.log1p(jnp.exp(-target * input)), reduction)


def _dist(x1, x2, p, eps):
    d = x1 - x2 + eps
    s = jnp.sum(jnp.abs(d) ** p, axis=-1)
    safe = jnp.where(s > 0, s, 1)
    return jnp.where(s > 0, safe ** (1.0 / p), 0)


@op(tensors=("anchor", "positive", "negative"), promote="same", method=False, function=False,
    grad_name="MeanBackward0")
def _triplet_margin_loss(anchor, positive, negative, *, margin, p, eps, swap, reduction):
    d_pos = _dist(anchor, positive, p, eps)
    d_neg = _dist(anchor, negative, p, eps)
    if swap:
        d_neg = jnp.minimum(d_neg, _dist(positive, negative, p, eps))
    return _reduce(jnp.maximum(margin + d_pos - d_neg, 0), reduction)


@op(tensors=("input", "target", "weight"), promote="same", method=False, function=False,
    grad_name="MeanBackward0")
def _multilabel_soft_margin_loss(input, target, weight, *, reduction):
    loss = -(target * jax.nn.log_sigmoid(input) + (1 - target) * jax.nn.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return _reduce(jnp.sum(loss, axis=-1) / input.shape[-1], reduction)


@op(tensors=("input", "target"), promote="same", method=False, function=False, grad_name="MeanBackward0")
def _poisson_nll_loss(input, target, *, log_input, full, eps, reduction):
    if log_input:
        loss = jnp.exp(input) - target * input
    else:
        loss = input - target * jnp.log(input + eps)
    if full:
        safe = jnp.where(target > 1, target, 2)
        stirling = safe * jnp.log(safe) - safe + 0.5 * jnp.log(2 * math.pi * safe)
        loss = loss + jnp.where(target > 1, stirling, 0)
    return _reduce(loss, reduction)


@op(tensors=("input", "target", "var"), promote="same", method=False, function=False, grad_name="MeanBackward0")
def _gaussian_nll_loss(input, target, var, *, full, eps, reduction):
    # torch clamps var in place under no_grad: the gradient passes as if unclamped
    var = var + lax.stop_gradient(jnp.maximum(var, eps) - var)
    loss = 0.5 * (jnp.log(var) + jnp.square(input - target) / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


@op(tensors=("input", "target", "weight"), method=False, function=False, grad_name="MultiMarginLossBackward0")
def _multi_margin_loss(input, target, weight, *, p, margin, reduction):
    unbatched = input.ndim == 1
    if unbatched:
        input, target = input[None], target[None]
    x_y = jnp.take_along_axis(input, target[:, None], axis=1)
    z = jnp.maximum(margin - x_y + input, 0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[target][:, None]
    z = jnp.where(jnp.arange(input.shape[1])[None] == target[:, None], 0, z)
    loss = jnp.sum(z, axis=1) / input.shape[1]
    loss = loss[0] if unbatched and reduction == "none" else loss
    return _reduce(loss, reduction)


@op(tensors=("log_probs", "targets", "input_lengths", "target_lengths"), method=False, function=False,
    grad_name="CtcLossBackward0")
def _ctc_loss(log_probs, targets, input_lengths, target_lengths, *, blank, zero_infinity):
    """Per-sample CTC negative log likelihoods (N,) of log_probs (T, N, C) via optax.ctc_loss.

    targets: padded (N, S) or concatenated 1-D. optax log-softmaxes its logits; every path
    takes one class per frame, so subtracting the frames' logsumexp gives the loss of
    log_probs as given. torch's gradient w.r.t. log_probs is exp(log_probs) - posterior
    (the paper's formula), which the zero-valued exp term below adds. An infeasible sample gets
    torch's inf and, like torch's backward (exp(alpha + beta + nll) with nll = inf), nan on its
    frames t < input_length even where its incoming gradient is 0 (with zero_infinity, zeros).
    """
    x = jnp.transpose(log_probs, (1, 0, 2))
    n, t = x.shape[:2]
    il = input_lengths.astype(jnp.int32)
    tl = target_lengths.astype(jnp.int32)
    if targets.ndim == 1:  # concatenated: gather each sample's slice into a padded row
        s = max(targets.shape[0], 1)
        idx = (jnp.cumsum(tl) - tl)[:, None] + jnp.arange(s)[None]
        labels = targets[jnp.clip(idx, 0, max(targets.shape[0] - 1, 0))] if targets.shape[0] else \
            jnp.zeros((n, s), targets.dtype)
    else:
        labels = targets
    s = labels.shape[1]
    in_label = jnp.arange(s)[None] < tl[:, None]
    labels = jnp.where(in_label, labels, 0).astype(jnp.int32)
    in_frame = (jnp.arange(t)[None] < il[:, None]).astype(x.dtype)
    nll = optax.ctc_loss(x, 1 - in_frame, labels, 1 - in_label.astype(x.dtype), blank_id=blank)
    nll = nll - jnp.sum(jax.nn.logsumexp(x, axis=-1) * in_frame, axis=1)
    ex = jnp.exp(x)
    nll = nll + jnp.sum((ex - lax.stop_gradient(ex)) * in_frame[..., None], axis=(1, 2))
    # a path needs one frame per label plus a blank between repeated labels
    repeats = jnp.sum((labels[:, 1:] == labels[:, :-1]) & in_label[:, 1:], axis=1)
    feasible = il >= tl + repeats
    if zero_infinity:  # the caller zeroes the inf losses (torch's WhereBackward0)
        return jnp.where(feasible, nll, jnp.inf).astype(x.dtype)
    nan_frames = ~feasible[:, None, None] & (in_frame[..., None] > 0)
    nan_slope = jnp.where(nan_frames, jnp.nan, 0).astype(x.dtype)
    return (jnp.where(feasible, nll, jnp.inf) + jnp.sum(_zero_with_slope(x, nan_slope), axis=(1, 2))).astype(x.dtype)


@jax.custom_jvp
def _zero_with_slope(x, slope):
    """zeros_like(x) whose derivative w.r.t. x is `slope`, which may be nan (x * slope would not stay 0)."""
    return jnp.zeros_like(x)


_zero_with_slope.defjvp(lambda primals, tangents: (jnp.zeros_like(primals[0]), tangents[0] * primals[1]))
