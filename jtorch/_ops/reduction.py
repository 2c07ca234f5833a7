"""Reductions with torch's dim/keepdim conventions and result dtypes."""
import builtins
import collections

import jax.numpy as jnp

from .. import _dtype
from .registry import op, public


def _dims(dim, ndim):
    """None -> all dims; int or sequence -> a sorted tuple of non-negative dims."""
    if dim is None or dim == ():
        return None
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    n = builtins.max(ndim, 1)
    out = []
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        out.append(d % n)
    return tuple(sorted(out)) if ndim else None


def _acc_dtype(x, dtype):
    """sum/prod: integer and bool inputs accumulate in int64, as in torch."""
    if dtype is not None:
        return _dtype.to_dtype(dtype).np
    if x.dtype == jnp.bool_ or jnp.issubdtype(x.dtype, jnp.integer):
        return jnp.int64
    return x.dtype


@op()
def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001
    return jnp.sum(input, axis=_dims(dim, input.ndim), keepdims=keepdim, dtype=_acc_dtype(input, dtype))


@op()
def prod(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.prod(input, axis=_dims(dim, input.ndim), keepdims=keepdim, dtype=_acc_dtype(input, dtype))


@op()
def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is None and not (jnp.issubdtype(input.dtype, jnp.floating) or jnp.issubdtype(input.dtype,
                                                                                         jnp.complexfloating)):
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {_type_word(input.dtype)}")
    dt = input.dtype if dtype is None else _dtype.to_dtype(dtype).np
    return jnp.mean(input.astype(dt), axis=_dims(dim, input.ndim), keepdims=keepdim)


def _type_word(np_dtype):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(np_dtype), str(np_dtype))


_return_types = {}


def return_type(name, fields=("values", "indices")):
    """torch.return_types.<name>: a named tuple."""
    if name not in _return_types:
        _return_types[name] = collections.namedtuple(name, fields)
        _return_types[name].__module__ = "torch.return_types"
    return _return_types[name]


@op(method=False, function=False, grad_name="MaxBackward0")
def _max_dim(input, *, dim, keepdim):
    idx = jnp.argmax(input, axis=dim, keepdims=keepdim)
    return jnp.max(input, axis=dim, keepdims=keepdim), idx.astype(jnp.int64)


@op(method=False, function=False, grad_name="MinBackward0")
def _min_dim(input, *, dim, keepdim):
    idx = jnp.argmin(input, axis=dim, keepdims=keepdim)
    return jnp.min(input, axis=dim, keepdims=keepdim), idx.astype(jnp.int64)


@op(method=False, function=False, grad_name="MaxBackward1")
def _max_all(input):
    return jnp.max(input)


@op(method=False, function=False, grad_name="MinBackward1")
def _min_all(input):
    return jnp.min(input)


def _extreme(name, all_op, dim_op, binary):
    def fn(input, dim=None, keepdim=False, *, out=None):
        from .._tensor import Tensor
        if isinstance(dim, Tensor):
            return binary(input, dim)
        if dim is None:
            if input.numel() == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                   "Specify the reduction dim with the 'dim' argument.")
            return all_op(input)
        d = _dims(dim, input.dim())
        d = d[0] if d is not None else 0
        values, indices = dim_op(input, dim=d, keepdim=keepdim)
        return return_type(name)(values, indices)
    fn.__name__ = fn.__qualname__ = name
    return public(name)(fn)


def _binary(name):
    def fn(a, b):
        from . import elementwise
        return getattr(elementwise, name)(a, b)
    return fn


max = _extreme("max", _max_all, _max_dim, _binary("maximum"))  # noqa: A001
min = _extreme("min", _min_all, _min_dim, _binary("minimum"))  # noqa: A001


@op()
def argmax(input, dim=None, keepdim=False):
    if dim is None:
        return jnp.argmax(input.reshape(-1)).astype(jnp.int64).reshape((1,) * input.ndim if keepdim else ())
    return jnp.argmax(input, axis=dim, keepdims=keepdim).astype(jnp.int64)


@op()
def argmin(input, dim=None, keepdim=False):
    if dim is None:
        return jnp.argmin(input.reshape(-1)).astype(jnp.int64).reshape((1,) * input.ndim if keepdim else ())
    return jnp.argmin(input, axis=dim, keepdims=keepdim).astype(jnp.int64)


@op()
def amax(input, dim=(), keepdim=False):
    return jnp.max(input, axis=_dims(dim, input.ndim), keepdims=keepdim)


@op()
def amin(input, dim=(), keepdim=False):
    return jnp.min(input, axis=_dims(dim, input.ndim), keepdims=keepdim)


@op()
def all(input, dim=None, keepdim=False):  # noqa: A001
    return jnp.all(input, axis=_dims(dim, input.ndim), keepdims=keepdim)


@op()
def any(input, dim=None, keepdim=False):  # noqa: A001
    return jnp.any(input, axis=_dims(dim, input.ndim), keepdims=keepdim)
