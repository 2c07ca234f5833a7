"""torch.nn.functional's pdist, conv_tbc and the losses torch composes from other ops (multilabel margin,
triplet margin with a distance function, linear cross-entropy), written over jtorch's ops."""
from .._ops.nn_more import pdist  # noqa: F401  (torch.pdist is F.pdist)
from .._ops.elementwise import where
from .._ops.elementwise import minimum

__all__ = ["pdist", "conv_tbc", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
           "linear_cross_entropy"]


def _F():
    from . import functional
    return functional


def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution in (time, batch, channels) layout; weight (kernel, in, out), bias (out,)."""
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal number of output channels")
    out = _F().conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad)
    return out.permute(2, 0, 1)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """For each sample: sum over its target classes j (the labels before the first -1) and the non-target
    classes i of max(0, 1 - (x[j] - x[i])), divided by the number of classes."""
    F = _F()
    reduction = F._reduction(size_average, reduce, reduction)
    if input.dim() > 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    if target.dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Long but found {F._type_word(target.dtype)}")
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    unbatched = input.dim() < 2
    x = input.reshape(1, -1) if unbatched else input
    t = target.reshape(1, -1) if unbatched else target
    c = x.shape[1]
    values = F._host_values(target)
    if values is not None and values.size and (values.min() < -1 or values.max() >= c):
        raise RuntimeError("argument #2 'target' is out of range")
    # labels count up to the first -1
    valid = (t >= 0).to(x.dtype).cumprod(1)
    labels = where(t >= 0, t, 0)
    hot = F.one_hot(labels, c).to(x.dtype) * valid.unsqueeze(-1)      # (N, J, C)
    is_target = hot.sum(1) > 0                                          # (N, C)
    picked = x.gather(1, labels)                                        # (N, J): x at each label
    hinge = (1.0 - picked.unsqueeze(-1) + x.unsqueeze(1)).relu()        # (N, J, C)
    keep = valid.unsqueeze(-1) * (~is_target).to(x.dtype).unsqueeze(1)
    loss = (hinge * keep).sum((1, 2)) / c
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(()) if unbatched else loss


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    F = _F()
    if reduction not in F._REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pos, neg = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pos == neg):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pos}D, and negative {neg}D inputs")
    dist = distance_function if distance_function is not None else F.pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, dist(positive, negative))
    loss = (margin + d_pos - d_neg).clamp_min(0)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    return loss


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """cross_entropy(linear(input, linear_weight, linear_bias), target, ...). `options` selects torch's chunked
    memory-saving path; XLA fuses the matmul into the loss itself, so the result is the reference path's."""
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), got "
                           f"{in_features} and {linear_weight.shape[-1]}, respectively")
    classes, extra = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *extra):
        raise RuntimeError(f"expected linear_bias shape {(classes, *extra)}, got {tuple(linear_bias.shape)}")
    if extra and not batch:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} "
                           f"requires batched input, (N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*batch, classes, *extra)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    F = _F()
    flat_w = linear_weight.reshape(-1, in_features)
    flat_b = None if linear_bias is None else linear_bias.reshape(-1)
    logits = F.linear(input, flat_w, flat_b).reshape(logits_shape)
    return F.cross_entropy(logits, target, weight, ignore_index=-100 if ignore_index is None else ignore_index,
                           reduction=reduction, label_smoothing=label_smoothing)
