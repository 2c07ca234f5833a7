"""Reductions with torch's dim/keepdim conventions and result dtypes."""
import builtins
import collections
import math

import jax
import jax.numpy as jnp

from .. import _dtype
from . import _checks, registry
from .elementwise import takes_out
from .registry import op, public


def _dims(dim, ndim):
    """None or () -> all dims; int or sequence -> a sorted tuple of non-negative dims."""
    if dim is None or dim == ():
        return None
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    n = builtins.max(ndim, 1)
    out = []
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        if d % n in out:
            raise RuntimeError(f"dim {d % n} appears multiple times in the list of dims")
        out.append(d % n)
    return tuple(sorted(out)) if ndim else None


def _dim1(dim, ndim):
    """One dim, wrapped (0-d tensors accept 0 and -1)."""
    n = builtins.max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _is_float(x):
    return jnp.issubdtype(x.dtype, jnp.floating) or jnp.issubdtype(x.dtype, jnp.complexfloating)


def _acc_dtype(x, dtype):
    """sum/prod: integer and bool inputs accumulate in int64, as in torch."""
    if dtype is not None:
        return _dtype.to_dtype(dtype).np
    if x.dtype == jnp.bool_ or jnp.issubdtype(x.dtype, jnp.integer):
        return jnp.int64
    return x.dtype


def _type_word(np_dtype):
    from .elementwise import _tname
    return _tname(np_dtype)


_return_types = {}


def return_type(name, fields=("values", "indices")):
    """torch.return_types.<name>: a named tuple."""
    if name not in _return_types:
        base = collections.namedtuple(name, fields)

        def __repr__(self):  # torch's layout: one field per line
            body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
            return f"torch.return_types.{type(self).__name__}(\n{body})"
        cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__})
        cls.__module__ = "torch.return_types"
        _return_types[name] = cls
    return _return_types[name]


# -- sums and means -----------------------------------------------------------------------

@op()
def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001
    return jnp.sum(input, axis=_dims(dim, input.ndim), keepdims=keepdim, dtype=_acc_dtype(input, dtype))


@op()
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    x = jnp.where(jnp.isnan(input), 0, input) if _is_float(input) else input
    return jnp.sum(x, axis=_dims(dim, input.ndim), keepdims=keepdim, dtype=_acc_dtype(input, dtype))


@op()
def prod(input, dim=None, keepdim=False, *, dtype=None):
    return jnp.prod(input, axis=_dims(dim, input.ndim), keepdims=keepdim, dtype=_acc_dtype(input, dtype))


def _mean_dtype(name, input, dtype):
    if dtype is None and not _is_float(input):
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {_type_word(input.dtype)}")
    return input.dtype if dtype is None else _dtype.to_dtype(dtype).np


@op()
def mean(input, dim=None, keepdim=False, *, dtype=None):
    dt = _mean_dtype("mean", input, dtype)
    return jnp.mean(input.astype(dt), axis=_dims(dim, input.ndim), keepdims=keepdim)


@op()
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is None and not _is_float(input):
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_type_word(input.dtype)}")
    x = input.astype(_mean_dtype("nanmean", input, dtype))
    axis = _dims(dim, input.ndim)
    ok = ~jnp.isnan(x)
    return jnp.sum(jnp.where(ok, x, 0), axis=axis, keepdims=keepdim) / jnp.sum(ok, axis=axis, keepdims=keepdim)


@op()
def logsumexp(input, dim=None, keepdim=False):
    x = input if _is_float(input) else input.astype(_dtype.get_default_dtype().np)
    return jax.nn.logsumexp(x, axis=_dims(dim, input.ndim), keepdims=keepdim)


@op()
def count_nonzero(input, dim=None):
    return jnp.sum(input != 0, axis=_dims(dim, input.ndim), dtype=jnp.int64)


# -- variance -----------------------------------------------------------------------------

@op(method=False, function=False, grad_name="VarBackward0")
def _var(input, *, dims, correction, keepdim, sqrt, with_mean):
    mu = jnp.mean(input, axis=dims, keepdims=True)
    d = input - mu
    sq = (d.real ** 2 + d.imag ** 2) if jnp.iscomplexobj(d) else d * d
    n = math.prod(input.shape[i] for i in (dims if dims is not None else builtins.range(input.ndim)))
    out = jnp.sum(sq, axis=dims, keepdims=keepdim) / builtins.max(0, n - correction)
    if sqrt:
        out = jnp.sqrt(out)
    if with_mean:
        return out, mu if keepdim else jnp.squeeze(mu, dims)
    return out


def _var_public(name, sqrt, with_mean):
    def fn(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
        if isinstance(dim, builtins.bool):  # var(input, unbiased)
            dim, unbiased = None, dim
        if not (input.dtype.is_floating_point or input.dtype.is_complex):
            raise RuntimeError("std and var only support floating point and complex dtypes")
        if correction is None:
            correction = 0 if unbiased is False else 1
        elif unbiased is not None:
            raise RuntimeError(f"{name}: can't specify both unbiased and correction")
        dims = _dims(registry._static(dim), input.dim())
        res = _var(input, dims=dims, correction=correction, keepdim=keepdim, sqrt=sqrt, with_mean=with_mean)
        return tuple(res) if with_mean else res
    fn.__name__ = fn.__qualname__ = name
    return public(name, method=not with_mean)(takes_out(fn))


var = _var_public("var", False, False)
std = _var_public("std", True, False)
var_mean = _var_public("var_mean", False, True)
std_mean = _var_public("std_mean", True, True)


# -- max / min ------------------------------------------------------------------------------

def _pick(input, idx, dim, keepdim):
    """Values at `idx` along dim: the gradient flows to exactly that element, as in torch."""
    vals = jnp.take_along_axis(input, idx, axis=dim)
    if not keepdim:
        vals, idx = jnp.squeeze(vals, dim), jnp.squeeze(idx, dim)
    return vals, idx.astype(jnp.int64)


@op(method=False, function=False, grad_name="MaxBackward0")
def _max_dim(input, *, dim, keepdim):
    _checks.reduction_dims("max", input.shape, (dim,))
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    return _pick(input, jnp.argmax(input, axis=dim, keepdims=True), dim, keepdim)


@op(method=False, function=False, grad_name="MinBackward0")
def _min_dim(input, *, dim, keepdim):
    _checks.reduction_dims("min", input.shape, (dim,))
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    return _pick(input, jnp.argmin(input, axis=dim, keepdims=True), dim, keepdim)


@op(method=False, function=False, grad_name="MaxBackward1")
def _max_all(input):
    return jnp.max(input)


@op(method=False, function=False, grad_name="MinBackward1")
def _min_all(input):
    return jnp.min(input)


def _extreme(name, all_op, dim_op, binary):
    def fn(input, dim=None, keepdim=False, *, out=None):
        if isinstance(dim, registry._Tensor):
            return binary(input, dim)
        if dim is None:
            if input.numel() == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                   "Specify the reduction dim with the 'dim' argument.")
            return all_op(input)
        values, indices = dim_op(input, dim=_dim1(dim, input.dim()), keepdim=keepdim)
        return return_type(name)(values, indices)
    fn.__name__ = fn.__qualname__ = name
    return public(name)(takes_out(fn))


def _binary(name):
    def fn(a, b):
        from . import elementwise
        return getattr(elementwise, name)(a, b)
    return fn


max = _extreme("max", _max_all, _max_dim, _binary("maximum"))  # noqa: A001
min = _extreme("min", _min_all, _min_dim, _binary("minimum"))  # noqa: A001


def _arg(fn, input, dim, keepdim):
    _checks.reduction_dims(fn.__name__, input.shape, None if dim is None else (_dim1(dim, input.ndim),))
    if dim is None:
        return fn(input.reshape(-1)).astype(jnp.int64).reshape((1,) * input.ndim if keepdim else ())
    if input.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return fn(input, axis=_dim1(dim, input.ndim), keepdims=keepdim).astype(jnp.int64)


@op()
def argmax(input, dim=None, keepdim=False):
    return _arg(jnp.argmax, input, dim, keepdim)


@op()
def argmin(input, dim=None, keepdim=False):
    return _arg(jnp.argmin, input, dim, keepdim)


@op()
def amax(input, dim=(), keepdim=False):
    _checks.reduction_dims("amax", input.shape, _dims(dim, input.ndim))
    return jnp.max(input, axis=_dims(dim, input.ndim), keepdims=keepdim)


@op()
def amin(input, dim=(), keepdim=False):
    _checks.reduction_dims("amin", input.shape, _dims(dim, input.ndim))
    return jnp.min(input, axis=_dims(dim, input.ndim), keepdims=keepdim)


@public()
def aminmax(input, *, dim=None, keepdim=False):
    return return_type("aminmax", ("min", "max"))(amin(input, () if dim is None else dim, keepdim),
                                                 amax(input, () if dim is None else dim, keepdim))


def _u8(input, out):
    return out.astype(jnp.uint8) if input.dtype == jnp.uint8 else out


@op()
def all(input, dim=None, keepdim=False):  # noqa: A001
    return _u8(input, jnp.all(input, axis=_dims(dim, input.ndim), keepdims=keepdim))


@op()
def any(input, dim=None, keepdim=False):  # noqa: A001
    return _u8(input, jnp.any(input, axis=_dims(dim, input.ndim), keepdims=keepdim))


# torch.norm lives in linalg.py with the other norms.


# -- scans ------------------------------------------------------------------------------------

@op(inplace=True)
def cumsum(input, dim, *, dtype=None):
    return jnp.cumsum(input, axis=_dim1(dim, input.ndim) if input.ndim else None,
                      dtype=_acc_dtype(input, dtype)).reshape(input.shape)


@op(inplace=True)
def cumprod(input, dim, *, dtype=None):
    return jnp.cumprod(input, axis=_dim1(dim, input.ndim) if input.ndim else None,
                       dtype=_acc_dtype(input, dtype)).reshape(input.shape)


@op()
def logcumsumexp(input, dim):
    if not _is_float(input):  # torch has no integer kernel (it does not promote)
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_dtype.scalar_name(input.dtype)}\'')
    x = input
    if x.ndim == 0:
        return x
    return jax.lax.cumlogsumexp(x, axis=_dim1(dim, x.ndim))


def _cum_extreme(input, dim, better):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    idx = jax.lax.broadcasted_iota(jnp.int64, input.shape, dim)

    def combine(a, b):
        (av, ai), (bv, bi) = a, b
        # NaN beats everything and the later element wins ties (NaN ties too), as in torch
        take_b = jnp.isnan(bv) | (~jnp.isnan(av) & better(bv, av))
        return jnp.where(take_b, bv, av), jnp.where(take_b, bi, ai)

    _, ind = jax.lax.associative_scan(combine, (input, idx), axis=dim)
    return jnp.take_along_axis(input, ind, axis=dim), ind


@op(grad_name="CummaxBackward0")
def cummax(input, dim):
    return _cum_extreme(input, _dim1(dim, input.ndim), jnp.greater_equal)


@op(grad_name="CumminBackward0")
def cummin(input, dim):
    return _cum_extreme(input, _dim1(dim, input.ndim), jnp.less_equal)


def _wrap_rt(name, fn):
    def wrapper(input, dim, *args, **kwargs):
        return return_type(name)(*fn(input, dim, *args, **kwargs))
    wrapper.__name__ = wrapper.__qualname__ = name
    registry.FUNCTIONS[name] = registry.METHODS[name] = wrapper
    return wrapper


cummax = _wrap_rt("cummax", cummax)
cummin = _wrap_rt("cummin", cummin)


# -- order statistics ----------------------------------------------------------------------

def _median_along(x, dim, keepdim, ignore_nan):
    """Lower median along `dim` with its index; NaN wins unless ignore_nan."""
    order = jnp.argsort(x, axis=dim, stable=True)  # NaNs sort last
    n = x.shape[dim]
    nan = jnp.isnan(x)
    if ignore_nan:
        m = n - jnp.sum(nan, axis=dim, keepdims=True)
        k = jnp.maximum((m - 1) // 2, 0)
        idx = jnp.take_along_axis(order, k, axis=dim)
    else:
        idx = jnp.take(order, jnp.array([(n - 1) // 2]), axis=dim)
        first_nan = jnp.argmax(nan, axis=dim, keepdims=True)
        idx = jnp.where(jnp.any(nan, axis=dim, keepdims=True), first_nan, idx)
    return _pick(x, idx, dim, keepdim)


@op(method=False, function=False, grad_name="MedianBackward1")
def _median_dim(input, *, dim, keepdim, ignore_nan):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    return _median_along(input, dim, keepdim, ignore_nan)


@op(method=False, function=False, grad_name="MedianBackward0")
def _median_all(input, *, ignore_nan):
    return _median_along(input.reshape(-1), 0, False, ignore_nan)[0]


def _median_public(name, ignore_nan):
    def fn(input, dim=None, keepdim=False, *, out=None):
        if input.dtype == _dtype.bool:  # torch's kernels sort numbers only
            raise NotImplementedError(f'"{"median_cpu" if dim is None else "median_out"}" not implemented for '
                                      "'Bool'")
        if dim is None:
            if input.numel() == 0:
                raise IndexError(f"{name}() cannot compute median of an empty tensor")
            return _median_all(input, ignore_nan=ignore_nan)
        v, i = _median_dim(input, dim=_dim1(dim, input.dim()), keepdim=keepdim, ignore_nan=ignore_nan)
        return return_type(name)(v, i)
    fn.__name__ = fn.__qualname__ = name
    return public(name)(takes_out(fn))


median = _median_public("median", False)
nanmedian = _median_public("nanmedian", True)


@op(method=False, function=False, grad_name="ModeBackward0")
def _mode(input, *, dim, keepdim):
    if input.ndim == 0:
        return input, jnp.zeros((), jnp.int64)
    x = jnp.moveaxis(input, dim, -1)
    n = x.shape[-1]
    counts = jnp.sum(x[..., :, None] == x[..., None, :], axis=-1)
    best = counts == jnp.max(counts, axis=-1, keepdims=True)
    # among the most frequent values the smallest wins; its index is its last occurrence
    big = jnp.inf if _is_float(x) else (jnp.iinfo(x.dtype).max if x.dtype != jnp.bool_ else True)
    value = jnp.min(jnp.where(best, x, big), axis=-1, keepdims=True)
    last = n - 1 - jnp.argmax(jnp.flip(x == value, -1), axis=-1, keepdims=True)
    return _pick(input, jnp.moveaxis(last, -1, dim), dim, keepdim)


@public()
@takes_out
def mode(input, dim=-1, keepdim=False, *, out=None):
    v, i = _mode(input, dim=_dim1(dim, input.dim()), keepdim=keepdim)
    return return_type("mode")(v, i)


# -- quantiles and histograms ------------------------------------------------------------------

@op(tensors=("input", "q"), method=False, function=False, grad_name="QuantileBackward0")
def _quantile(input, q, *, dim, keepdim, interpolation, ignore_nan):
    fn = jnp.nanquantile if ignore_nan else jnp.quantile
    x = input.reshape(-1) if dim is None else input
    out = fn(x, q.astype(input.dtype), axis=0 if dim is None else dim, keepdims=keepdim, method=interpolation)
    if dim is None and keepdim:
        out = out.reshape(out.shape[:q.ndim] + (1,) * input.ndim)
    return out


def _quantile_public(name, ignore_nan):
    def fn(input, q, dim=None, keepdim=False, *, interpolation="linear"):
        if input.dtype not in (_dtype.float32, _dtype.float64):
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        if input.numel() == 0:
            raise RuntimeError("quantile() input tensor must be non-empty")
        if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                               f"Got {interpolation}")
        d = None if dim is None else _dim1(dim, input.dim())
        return _quantile(input, q, dim=d, keepdim=keepdim, interpolation=interpolation, ignore_nan=ignore_nan)
    fn.__name__ = fn.__qualname__ = name
    return public(name)(takes_out(fn))


quantile = _quantile_public("quantile", False)
nanquantile = _quantile_public("nanquantile", True)


@op(differentiable=False)
def histc(input, bins=100, min=0, max=0):  # noqa: A002
    lo, hi = builtins.float(min), builtins.float(max)
    if input.size == 0:
        return jnp.zeros(bins, input.dtype)
    if lo == hi:  # torch: the data's own range
        lo, hi = jnp.min(input), jnp.max(input)
        same = lo == hi
        lo, hi = jnp.where(same, lo - 1, lo), jnp.where(same, hi + 1, hi)
    x = input.reshape(-1)
    idx = jnp.floor((x - lo) / (hi - lo) * bins).astype(jnp.int64)
    idx = jnp.where(x == hi, bins - 1, idx)  # the top edge belongs to the last bin
    ok = (x >= lo) & (x <= hi)
    return jnp.zeros(bins, input.dtype).at[jnp.where(ok, idx, bins)].add(jnp.ones_like(x), mode="drop")


@op(tensors=("input", "weights"), method=False, function=False, grad_name="BincountBackward0")
def _bincount(input, weights, *, length):
    w = jnp.ones(input.shape, jnp.int64) if weights is None else weights
    return jnp.zeros(length, w.dtype).at[input].add(w)


@public()
def bincount(input, weights=None, minlength=0):
    """Syncs: the result's length depends on the largest value."""
    if input.dim() != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    values = input.detach()._value("bincount")
    length = builtins.max(int(values.max()) + 1 if input.numel() else 0, int(minlength))
    if weights is not None and not (weights.dtype.is_floating_point or weights.dtype.is_complex):
        weights = weights.double()
    return _bincount(input, weights, length=length)
