"""Embedding lookups (F.embedding, F.embedding_bag) and the row gathers behind PackedSequence."""
import builtins

import jax
import jax.numpy as jnp
from . import _checks
from .registry import op
from .._engine import modes
from .._tensor import Tensor


def _check_range(indices, num):
    """torch raises `index out of range in self` (for a pending index: with jtorch.debug.check_values)."""
    _checks.index_in_range(indices, num, _checks.out_of_range_in_self)


def _padding_idx(padding_idx, num):
    if padding_idx is None:
        return None
    if padding_idx > 0:
        assert padding_idx < num, "Padding_idx must be within num_embeddings"
    elif padding_idx < 0:
        assert padding_idx >= -num, "Padding_idx must be within num_embeddings"
        padding_idx += num
    return int(padding_idx)


def _no_grad_rows(weight, row):
    """The weight with `row` cut off from autograd (torch never updates the padding row)."""
    if row is None:
        return weight
    mask = (jnp.arange(weight.shape[0]) == row)[:, None]
    return jnp.where(mask, jax.lax.stop_gradient(weight), weight)


def _freq_scale(out, indices, num):
    """Same value, gradient divided by how often each index occurs in the batch (scale_grad_by_freq)."""
    flat = indices.reshape(-1)
    counts = jnp.zeros((num,), out.dtype).at[flat].add(1)[indices]
    sg = jax.lax.stop_gradient(out)
    return sg + (out - sg) / counts[..., None]


@op(tensors=("weight", "indices"), method=False, function=False, grad_name="EmbeddingBackward0")
def _embedding(weight, indices, *, padding_idx, scale_grad_by_freq):
    if jnp.issubdtype(indices.dtype, jnp.floating):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)")
    out = jnp.take(_no_grad_rows(weight, padding_idx), indices, axis=0)
    if scale_grad_by_freq:
        out = _freq_scale(out, indices, weight.shape[0])
    return out


@op(tensors=("weight", "indices"), method=False, function=False, differentiable=False)
def _embedding_renorm(weight, indices, *, max_norm, norm_type):
    rows = jnp.zeros((weight.shape[0],), bool).at[indices.reshape(-1)].set(True)
    norms = jnp.sum(jnp.abs(weight.astype(jnp.float32)) ** norm_type, axis=1) ** (1.0 / norm_type)
    scale = jnp.where(rows & (norms > max_norm), max_norm / (norms + 1e-7), 1.0)
    return (weight * scale[:, None].astype(weight.dtype)).astype(weight.dtype)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """torch.nn.functional.embedding. `sparse` is accepted; gradients are dense."""
    if not isinstance(input, Tensor):
        from .creation import tensor
        input = tensor(input)
    num = weight.shape[0]
    padding_idx = _padding_idx(padding_idx, num)
    _check_range(input, num)
    if max_norm is not None:
        with modes.grad_disabled():
            weight._assign(_embedding_renorm(weight.detach(), input, max_norm=float(max_norm),
                                             norm_type=float(norm_type)), "embedding_renorm_")
    return _embedding(weight, input, padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq))


_MODES = {"sum": 0, "mean": 1, "max": 2}


@op(tensors=("weight", "indices", "offsets", "per_sample_weights"), method=False, function=False,
    grad_name="EmbeddingBagBackward0")
def _embedding_bag(weight, indices, offsets, per_sample_weights, *, mode, num_bags, padding_idx,
                   scale_grad_by_freq):
    n = indices.shape[0]
    if offsets is None:
        seg = jnp.zeros((n,), jnp.int32)
    else:
        seg = jnp.searchsorted(offsets, jnp.arange(n), side="right") - 1
    rows = jnp.take(_no_grad_rows(weight, padding_idx), indices, axis=0)
    if scale_grad_by_freq:
        rows = _freq_scale(rows, indices, weight.shape[0])
    valid = jnp.ones((n,), bool) if padding_idx is None else indices != padding_idx
    # include_last_offset may leave indices past the last bag: they belong to no bag
    valid = valid & (seg < num_bags) & (seg >= 0)
    seg = jnp.where(valid, seg, num_bags)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights[:, None].astype(rows.dtype)
    if mode == "max":
        out = jax.ops.segment_max(jnp.where(valid[:, None], rows, -jnp.inf), seg, num_segments=num_bags + 1)
        out = out[:num_bags]
        return jnp.where(jnp.isfinite(out), out, 0).astype(weight.dtype)
    rows = jnp.where(valid[:, None], rows, 0)
    out = jax.ops.segment_sum(rows, seg, num_segments=num_bags + 1)[:num_bags]
    if mode == "mean":
        cnt = jax.ops.segment_sum(valid.astype(out.dtype), seg, num_segments=num_bags + 1)[:num_bags]
        out = out / jnp.maximum(cnt, 1)[:, None]
    return out


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """torch.nn.functional.embedding_bag."""
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    num = weight.shape[0]
    padding_idx = _padding_idx(padding_idx, num)
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        b, length = input.shape
        from .creation import arange
        offsets = arange(0, b * length, length)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        num_bags = b
    elif input.dim() == 1:
        if offsets is None or offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor" + (" but got None" if offsets is None else ""))
        num_bags = offsets.shape[0] - (1 if include_last_offset else 0)
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    _check_range(input, num)
    if max_norm is not None:
        with modes.grad_disabled():
            weight._assign(_embedding_renorm(weight.detach(), input, max_norm=float(max_norm),
                                             norm_type=float(norm_type)), "embedding_renorm_")
    return _embedding_bag(weight, input, offsets, per_sample_weights, mode=mode, num_bags=builtins.max(num_bags, 0),
                          padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq))


@op(tensors=("input", "index"), method=False, function=False, grad_name="IndexBackward0")
def _gather_rows(input, index, *, fill):
    """input[index] along dim 0 where index >= 0, else `fill` (packing and unpacking sequences)."""
    out = jnp.take(input, jnp.maximum(index, 0), axis=0)
    keep = (index >= 0).reshape(index.shape + (1,) * (input.ndim - 1))
    return jnp.where(keep, out, jnp.asarray(fill, input.dtype))
