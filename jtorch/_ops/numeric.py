"""Numerical helpers over whole tensors: distances, differences, statistics, quadrature."""
import builtins
import itertools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ._checks import host_value
from .elementwise import _bc
from .linalg import _safe_root, _tname, _vector_norm
from .movement import _wrap
from .registry import op, public


def _floating(x):
    return jnp.issubdtype(x.dtype, jnp.floating) or jnp.issubdtype(x.dtype, jnp.complexfloating)


def _float_dtype(x):
    """The dtype an integer input computes in where torch divides by a Python float."""
    return x.dtype if _floating(x) else _dtype.get_default_dtype().np


def _narrow(x, dim, start, stop):
    return jax.lax.slice_in_dim(x, start, stop, axis=dim)


# -- distances ----------------------------------------------------------------------------------

_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def _abs_sign_grad(d):
    """|d| whose gradient is sign(d) (0 at 0, as torch's cdist backward; jax's abs gives 1 there)."""
    return d * jax.lax.stop_gradient(jnp.sign(d))


@op(tensors=("x1", "x2"), method=False)
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if not jnp.issubdtype(x.dtype, jnp.floating):
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_tname(x)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {_tname(x1)} but found {_tname(x2)}")
    _bc(jnp.empty(x1.shape[:-2], bool), jnp.empty(x2.shape[:-2], bool))
    batch = jnp.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    x1 = jnp.broadcast_to(x1, batch + x1.shape[-2:])
    x2 = jnp.broadcast_to(x2, batch + x2.shape[-2:])
    r1, r2 = x1.shape[-2], x2.shape[-2]
    mm = compute_mode == _CDIST_MODES[1] or (compute_mode == _CDIST_MODES[0] and (r1 > 25 or r2 > 25))
    if p == 2 and mm and x1.size and x2.size:
        # torch's matmul form for large inputs: |a|^2 + |b|^2 - 2ab, clamped at 0 (its rounding, its values)
        res = (jnp.sum(x1 * x1, -1, keepdims=True) + jnp.swapaxes(jnp.sum(x2 * x2, -1, keepdims=True), -1, -2)
               - 2 * x1 @ jnp.swapaxes(x2, -1, -2))
        return _safe_root(jnp.maximum(res, 0), 2)
    d = x1[..., :, None, :] - x2[..., None, :, :]
    if d.shape[-1] == 0:
        return jnp.zeros(d.shape[:-1], x1.dtype)
    if p == 0:
        return jnp.sum(d != 0, axis=-1).astype(x1.dtype)  # a count: zero gradient, as torch
    a = _abs_sign_grad(d)
    if p == 1:
        return jnp.sum(a, axis=-1)
    if p == math.inf:
        # torch gives every tied maximum the full gradient (jax's max would split it); its max skips
        # NaN differences, and an infinite one stays infinite (inf - inf would make the tie term NaN)
        m = jax.lax.stop_gradient(jnp.nanmax(a, axis=-1, keepdims=True))
        tie = (a == m) & jnp.isfinite(a)
        return (m + jnp.sum(jnp.where(tie, a - jax.lax.stop_gradient(a), 0), axis=-1, keepdims=True))[..., 0]
    if p == 2:
        return _safe_root(jnp.sum(d * d, axis=-1), 2)
    # |d|^p with a zero gradient where d == 0 (torch's, also for p < 1 where jax's is inf)
    powed = jnp.where(a == 0, 0, jnp.where(a == 0, 1, a) ** p)
    return _safe_root(jnp.sum(powed, axis=-1), p)


@op(promote=None, inplace=True)
def renorm(input, p, dim, maxnorm):
    if isinstance(p, complex):
        raise RuntimeError("renorm: p must be real-valued")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if isinstance(maxnorm, complex):
        raise RuntimeError("renorm: maxnorm must be real-valued")
    if not maxnorm >= 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {float(maxnorm):g}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    d = _wrap(dim, input.ndim)
    if not _floating(input):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_tname(input)}")
    norm = _vector_norm(input, float(p), tuple(i for i in range(input.ndim) if i != d), True)
    factor = jnp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1).astype(input.dtype)
    return input * factor


# -- differences and quadrature ----------------------------------------------------------------

@op(tensors=("input", "prepend", "append"), promote="same", method=False, function=False, grad_name="SubBackward0")
def _diff(input, prepend, append, *, n, dim):
    if input.ndim < 1:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0 and prepend is None and append is None:  # torch returns before looking at dim
        return input
    d = _wrap(dim, input.ndim)
    for other in (prepend, append):
        if other is None:
            continue
        if other.ndim != input.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for i in range(other.ndim):
            if i != d and other.shape[i] != input.shape[i]:
                raise RuntimeError("diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({i}) = {input.shape[i]}, "
                                   f"but got tensor.size({i}) = {other.shape[i]}")
    if n == 0:
        return input
    x = jnp.concatenate([t for t in (prepend, input, append) if t is not None], axis=d)
    for _ in range(builtins.min(n, x.shape[d])):
        hi, lo = _narrow(x, d, 1, x.shape[d]), _narrow(x, d, 0, x.shape[d] - 1)
        x = hi != lo if x.dtype == jnp.bool_ else hi - lo
    return x


@public()
def diff(input, n=1, dim=-1, prepend=None, append=None):
    return _diff(input, prepend, append, n=n, dim=dim)


def _trapezoid_dx(name, y, x, d):
    """torch's x handling: a 1-D x lines up with `dim`, a shorter one gets leading 1s; then its differences."""
    if y.dtype == jnp.bool_ or x.dtype == jnp.bool_:
        raise RuntimeError(f"{name}: received a bool input for `x` or `y`, but bool is not supported")
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        x = x.reshape(tuple(x.shape[0] if i == d else 1 for i in range(y.ndim)))
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + x.shape)
    return _narrow(x, d, 1, x.shape[d]) - _narrow(x, d, 0, x.shape[d] - 1)


def _check_dx(name, y, x, dx):
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, Tensor, "
                        f"dx={type(dx).__name__}), but expected one of:\n * (Tensor y, Tensor x, *, int dim = -1)\n"
                        " * (Tensor y, *, Number dx = 1, int dim = -1)\n")
    if x is None:
        if y.dtype == jnp.bool_:
            raise RuntimeError(f"{name}: received a bool input for `y`, but bool is not supported")
        if isinstance(dx, (bool, complex)):
            raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")
    return 1 if dx is None else dx


@op(tensors=("y", "x"), method=False, grad_name="MulBackward1")
def trapezoid(y, x=None, *, dx=None, dim=-1):
    d = _wrap(dim, y.ndim)
    if y.shape[d] == 0:  # numpy's answer for no samples: zeros, in y's dtype
        return jnp.zeros(y.shape[:d] + y.shape[d + 1:], y.dtype)
    dx = _check_dx("trapezoid", y, x, dx)
    pair = _narrow(y, d, 1, y.shape[d]) + _narrow(y, d, 0, y.shape[d] - 1)
    if x is None:  # torch's constant-spacing formula (its rounding): (sum - (first + last) / 2) * dx
        dt = _float_dtype(y)
        ends = (jnp.take(y, 0, axis=d) + jnp.take(y, -1, axis=d)).astype(dt) * 0.5
        return (jnp.sum(y, axis=d).astype(dt) - ends) * dx
    step = _trapezoid_dx("trapezoid", y, x, d)
    _bc(pair, step)
    s = jnp.sum(step * pair, axis=d)
    return s / jnp.asarray(2, _float_dtype(s))


@public(method=False)
def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


@op(tensors=("y", "x"), method=False, grad_name="CumsumBackward0")
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    d = _wrap(dim, y.ndim)
    dx = _check_dx("cumulative_trapezoid", y, x, dx)
    n = y.shape[d]
    pair = _narrow(y, d, builtins.min(n, 1), n) + _narrow(y, d, 0, builtins.max(n - 1, 0))
    if x is None:
        return jnp.cumsum(pair.astype(_float_dtype(pair)) * (dx / 2.0), axis=d)
    step = _trapezoid_dx("cumulative_trapezoid", y, x, d)
    _bc(pair, step)
    prod = step * pair
    s = jnp.cumsum(prod, axis=d, dtype=prod.dtype if _floating(prod) else jnp.int64)
    return s / jnp.asarray(2, _float_dtype(s))


# -- statistics ---------------------------------------------------------------------------------

@op(tensors=("input", "fweights", "aweights"), method=False, function=False, grad_name="SqueezeBackward0")
def _cov(input, fweights, aweights, *, correction):
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    if input.dtype == jnp.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    n_obs = x.shape[1]
    for name, w, ok, kind in (("fweights", fweights, lambda t: jnp.issubdtype(t, jnp.integer), "integral"),
                              ("aweights", aweights, lambda t: jnp.issubdtype(t, jnp.floating), "floating point")):
        if w is None:
            continue
        if w.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                               f"{w.ndim} dimensions")
        if not ok(w.dtype):
            raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with {_tname(w)} dtype")
        if w.size != n_obs:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the "
                               f"input but got {w.size} != {n_obs}")
    # Negative or all-zero weights are data-dependent checks (torch syncs for them): not raised here.
    dt = _float_dtype(x)
    if aweights is not None:
        dt = jnp.promote_types(dt, aweights.dtype)
    x = x.astype(dt)
    w = None
    if fweights is not None:
        w = fweights.reshape(-1).astype(dt)
    if aweights is not None:
        aw = aweights.reshape(-1).astype(dt)
        w = aw if w is None else w * aw
    w_sum = n_obs if w is None else jnp.sum(w)
    avg = jnp.sum(x if w is None else x * w, axis=1) / w_sum
    if w is not None and correction != 0 and aweights is not None:
        norm = w_sum - correction * jnp.sum(w * aw) / w_sum
    else:
        norm = w_sum - correction
    norm = jnp.where(norm <= 0, 0, norm).astype(dt)  # torch zeroes it: inf/nan result, as there
    xc = x - avg[:, None]
    c = xc @ jnp.conj(xc if w is None else xc * w).T
    return jnp.squeeze(c / norm)


@public()
def cov(input, *, correction=1, fweights=None, aweights=None):
    out = _cov(input, fweights, aweights, correction=correction)  # its dtype and shape checks come first
    for name, w in (("fweights", fweights), ("aweights", aweights)):
        v = host_value(w) if w is not None else None
        if v is not None and v.size and not (v >= 0).all():  # NaN counts as negative, as in torch
            raise RuntimeError(f"cov(): {name} cannot be negative")
    # torch warns on every call; with weights the count is data-dependent, so only the unweighted case warns
    n_obs = input.shape[-1] if input.dim() == 2 else input.numel()
    if fweights is None and aweights is None and n_obs <= correction:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
    return out


def _clip_unit(c):
    """clip(c, -1, 1) with torch's clamp gradient (passes at the bounds too)."""
    return jnp.where((c >= -1) & (c <= 1), c, jnp.clip(c, -1, 1))


@op(grad_name="ClampBackward1")
def corrcoef(input):
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    c = _cov.op.fn(input, None, None, correction=1)
    if c.ndim == 0:
        return c / c  # nan for a zero/nan/inf variance, else 1 (as torch)
    std = jnp.sqrt(jnp.real(jnp.diagonal(c)))
    c = c / std[:, None]
    c = c / std[None, :]
    if jnp.iscomplexobj(c):
        return jax.lax.complex(_clip_unit(c.real), _clip_unit(c.imag))
    return _clip_unit(c)


# -- constructions -----------------------------------------------------------------------------

@op(tensors=("x",), method=False, grad_name="FlipBackward0")
def vander(x, N=None, increasing=False):
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    # integer (and bool) inputs give int64, as torch's cumprod promotes them
    dt = x.dtype if _floating(x) else jnp.int64
    x = x.astype(dt)
    cols = [jnp.ones((x.shape[0], builtins.min(n, 1)), dt)]
    if n > 1:  # powers by a running product, as torch (same rounding)
        cols.append(jnp.cumprod(jnp.broadcast_to(x[:, None], (x.shape[0], n - 1)), axis=1))
    out = jnp.concatenate(cols, axis=1)
    return out if increasing else out[:, ::-1]


@op(method=False, grad_name="StackBackward0")
def combinations(input, r=2, with_replacement=False):
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return jnp.zeros((0,), input.dtype)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    # the index tuples depend only on the length, so the output shape is static
    idx = np.array(list(pick(range(input.shape[0]), r)), np.int64).reshape(-1, r)
    return input[idx]


@op(tensors=("input", "fill_value"), method=False, function=False, grad_name="CopySlices")
def _fill_diagonal(input, fill_value, wrap):
    shape = input.shape
    if input.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if input.ndim > 2 and any(s != shape[0] for s in shape[1:]):
        raise RuntimeError("all dimensions of input must be of equal length")
    # torch walks the flat storage with step sum(strides); wrapping continues past the square part (2-D only)
    step = sum(int(np.prod(shape[i + 1:])) for i in range(input.ndim))
    count = builtins.min(shape[0], shape[1])
    if wrap and input.ndim == 2 and shape[0] > shape[1] + 1:
        count = -(-input.size // step)
    mask = np.zeros(input.size, bool)
    mask[np.arange(count) * step] = True
    return jnp.where(mask.reshape(shape), fill_value.astype(input.dtype), input)


@public(function=False)
def fill_diagonal_(self, fill_value, wrap=False):
    return self._assign(_fill_diagonal(self, fill_value, bool(wrap)), "fill_diagonal_")
