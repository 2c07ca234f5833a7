"""Sorting and searching: sort, argsort, topk, kthvalue, unique, searchsorted, bucketize."""
import jax
import jax.numpy as jnp
import numpy as np

from . import registry
from .reduction import _dim1, _pick, return_type
from .elementwise import takes_out
from .registry import op, public
from .. import _dtype


def _order(x, dim, descending):
    """Stable argsort along dim; NaN counts as the largest value, as in torch."""
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int8)
    return jnp.argsort(x, axis=dim, stable=True, descending=descending)


@op(method=False, function=False, grad_name="SortBackward0")
def _sort(input, *, dim, descending):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    return _pick(input, _order(input, dim, descending), dim, True)


@public()
@takes_out
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    v, i = _sort(input, dim=_dim1(dim, input.dim()), descending=bool(descending))
    return return_type("sort")(v, i)


@op()
def argsort(input, dim=-1, descending=False, stable=False):
    if input.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return _order(input, _dim1(dim, input.ndim), descending).astype(jnp.int64)


@public()
@takes_out
def msort(input, *, out=None):
    return sort(input, 0).values


@op(method=False, function=False, grad_name="TopkBackward0")
def _topk(input, *, k, dim, largest):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    idx = jax.lax.slice_in_dim(_order(input, dim, largest), 0, k, axis=dim)
    return _pick(input, idx, dim, True)


@public()
@takes_out
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002
    d = _dim1(dim, input.dim())
    size = input.shape[d] if input.dim() else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    v, i = _topk(input, k=int(k), dim=d, largest=bool(largest))
    return return_type("topk")(v, i)


@op(method=False, function=False, grad_name="KthvalueBackward0")
def _kthvalue(input, *, k, dim, keepdim):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    idx = jax.lax.slice_in_dim(_order(input, dim, False), k - 1, k, axis=dim)
    return _pick(input, idx, dim, keepdim)


@public()
@takes_out
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    d = _dim1(dim, input.dim())
    size = input.shape[d] if input.dim() else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    v, i = _kthvalue(input, k=int(k), dim=d, keepdim=keepdim)
    return return_type("kthvalue")(v, i)


# -- unique: the output shape depends on the data, so it syncs (as torch does) -----------

def _concrete(arr, dtype):
    from .creation import tensor
    return tensor(np.asarray(arr), dtype=dtype)


@public()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Sorted unique values (torch sorts on CPU even with sorted=False); syncs."""
    x = np.asarray(input.detach()._value("unique"))
    if dim is None:
        vals, inv, counts = np.unique(x.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(x.shape)
    else:
        d = _dim1(dim, x.ndim)
        vals, inv, counts = np.unique(x, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [_concrete(vals, input.dtype)]
    if return_inverse:
        out.append(_concrete(inv.astype(np.int64), _dtype.int64))
    if return_counts:
        out.append(_concrete(counts.astype(np.int64), _dtype.int64))
    return out[0] if len(out) == 1 else tuple(out)


@public()
def unique_consecutive(*args, **kwargs):
    """torch.unique_consecutive(input, return_inverse=False, return_counts=False, dim=None)."""
    return _unique_consecutive(*args, **kwargs)


def _unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    x = np.asarray(input.detach()._value("unique_consecutive"))
    d = 0 if dim is None else _dim1(dim, x.ndim)
    y = x.reshape(-1) if dim is None else np.moveaxis(x, d, 0)
    if y.shape[0] == 0:
        change = np.zeros(0, bool)
    else:
        diff = (y[1:] != y[:-1]).reshape(y.shape[0] - 1, -1).any(axis=1)
        change = np.concatenate([[True], diff])
    starts = np.flatnonzero(change)
    vals = y[starts]
    if dim is not None:
        vals = np.moveaxis(vals, 0, d)
    out = [_concrete(vals, input.dtype)]
    if return_inverse:
        inv = np.cumsum(change) - 1
        out.append(_concrete((inv.reshape(x.shape) if dim is None else inv).astype(np.int64), _dtype.int64))
    if return_counts:
        out.append(_concrete(np.diff(np.append(starts, y.shape[0])).astype(np.int64), _dtype.int64))
    return out[0] if len(out) == 1 else tuple(out)


# -- binary search ---------------------------------------------------------------------------

@op(tensors=("sorted_sequence", "input"), method=False, function=False, differentiable=False)
def _searchsorted(sorted_sequence, input, *, right, out_int32):
    side = "right" if right else "left"
    dt = jnp.promote_types(sorted_sequence.dtype, input.dtype)
    seq, x = sorted_sequence.astype(dt), input.astype(dt)
    if seq.ndim <= 1:
        out = jnp.searchsorted(seq, x, side=side)
    else:
        f = lambda s, v: jnp.searchsorted(s, v, side=side)  # noqa: E731
        for _ in range(seq.ndim - 1):
            f = jax.vmap(f)
        out = f(seq, x)
    return out.astype(jnp.int32 if out_int32 else jnp.int64)


@public(method=False)
@takes_out
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if sorter is not None:
        sorted_sequence = _take_along_last(sorted_sequence, sorter)
    T = registry._Tensor
    if sorted_sequence.dim() > 1 and isinstance(input, T) and \
            tuple(sorted_sequence.shape[:-1]) != tuple(input.shape[:-1]):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(sorted_sequence.shape)} and input value tensor "
                           f"{list(input.shape)}")
    if not isinstance(input, T):  # a Python scalar searches in the sequence's dtype
        from .elementwise import _leaf
        input = _leaf(input, registry._promote_kinds([sorted_sequence, input]))
    return _searchsorted(sorted_sequence, input, right=bool(right), out_int32=bool(out_int32))


@op(tensors=("input", "index"), method=False, function=False)
def _take_along_last(input, index):
    return jnp.take_along_axis(input, index, axis=-1)


@public(method=False)
@takes_out
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return _searchsorted(boundaries, input, right=bool(right), out_int32=bool(out_int32))
