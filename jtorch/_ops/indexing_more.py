"""More indexing ops: index_reduce (prod/mean/amax/amin into slices along a dim), nonzero_static (nonzero padded
to a fixed count, so no sync), unravel_index (flat positions to coordinates)."""
import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ._checks import host_value
from .registry import op, public

_REDUCES = ("prod", "mean", "amax", "amin")


def _extreme(dtype, low):
    if jnp.issubdtype(dtype, jnp.floating):
        return -jnp.inf if low else jnp.inf
    info = jnp.iinfo(dtype)
    return info.min if low else info.max


@op(tensors=("input", "index", "source"), method=False, function=False, grad_name="IndexReduceBackward0")
def _index_reduce(input, index, source, *, dim, reduce, include_self):
    at = (slice(None),) * dim + (index,)
    source = source.astype(input.dtype)
    if reduce == "prod":
        # a masked product over the sources of each destination (jax differentiates no scatter-multiply with
        # repeated indices)
        start = input if include_self else input.at[at].set(1)
        src = jnp.moveaxis(source, dim, 0)                              # (k, ...rest)
        hits = index[:, None] == jnp.arange(input.shape[dim])[None, :]  # (k, n)
        hits = hits.reshape(hits.shape + (1,) * (src.ndim - 1))
        factors = jnp.prod(jnp.where(hits, src[:, None], jnp.ones((), src.dtype)), axis=0)  # (n, ...rest)
        return start * jnp.moveaxis(factors, 0, dim)
    if reduce == "amax":
        start = input if include_self else input.at[at].set(_extreme(input.dtype, low=True))
        return start.at[at].max(source)
    if reduce == "amin":
        start = input if include_self else input.at[at].set(_extreme(input.dtype, low=False))
        return start.at[at].min(source)
    start = input if include_self else input.at[at].set(0)
    total = start.at[at].add(source)
    count = jnp.zeros(input.shape[dim], input.dtype).at[index].add(1) + (1 if include_self else 0)
    count = jnp.where(count == 0, 1, count).reshape((-1,) + (1,) * (input.ndim - dim - 1))
    return total // count if jnp.issubdtype(input.dtype, jnp.integer) else total / count


def _check_index_reduce(name, input, dim, index, source, reduce):
    if reduce not in _REDUCES:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    if index.dtype not in (_dtype.int32, _dtype.int64):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: {_dtype.scalar_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{name}(): self ({_dtype.scalar_name(input.dtype)}) and source "
                           f"({_dtype.scalar_name(source.dtype)}) must have the same scalar type")
    if index.dim() > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    d = dim % max(input.dim(), 1)
    if index.numel():
        bad = host_value(index)
        if bad.min() < -input.shape[d] or bad.max() >= input.shape[d]:
            raise IndexError("index out of range in self")
    return d


@public()
def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Reduce the slices of `source` into `input[index[i]]` along `dim` with prod, mean, amax or amin."""
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=2)
    d = _check_index_reduce("index_reduce_", input, dim, index, source, reduce)
    result = _index_reduce(input, index.reshape(-1), source, dim=d, reduce=reduce, include_self=bool(include_self))
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public(function=False)
def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    d = _check_index_reduce("index_reduce_", self, dim, index, source, reduce)
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=2)
    return self._assign(_index_reduce(self, index.reshape(-1), source, dim=d, reduce=reduce,
                                      include_self=bool(include_self)), "index_reduce_")


@op(method=True, function=True, differentiable=False)
def nonzero_static(input, *, size, fill_value=-1):
    """The coordinates of the first `size` non-zero elements, padded with fill_value: a fixed shape, no sync."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer but got {size}")
    if input.ndim == 0:
        return jnp.argwhere(input.reshape(1), size=size, fill_value=fill_value)[:, :0].astype(jnp.int64)
    return jnp.argwhere(input, size=size, fill_value=fill_value).astype(jnp.int64)


@op("_unravel_index", tensors=("indices",), method=False, function=False, differentiable=False)
def _unravel_index(indices, *, shape):
    total = int(np.prod(shape, dtype=np.int64))
    flat = jnp.mod(indices, total) if total else indices
    out = []
    for n in reversed(shape):
        out.append(jnp.mod(flat, n) if n else flat)
        flat = flat // n if n else flat
    return tuple(reversed(out))


@public(method=False)
def unravel_index(indices, shape):
    """The coordinates in a tensor of `shape` of each flat position in `indices` (a tuple, one tensor per dim)."""
    if not hasattr(indices, "_lazy"):
        from .creation import tensor
        indices = tensor(indices)
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype is _dtype.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if not shape:
        return ()
    return tuple(_unravel_index(indices.long(), shape=shape))
