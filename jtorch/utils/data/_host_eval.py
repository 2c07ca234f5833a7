"""jtorch ops inside DataLoader workers, computed with numpy.

A worker forked from a process whose JAX runtime has started cannot use that runtime: XLA's
thread pools did not survive the fork, so the first compile waits forever (and re-creating
the client aborts on a mutex copied mid-wait). Tracing still works (it is plain Python), so in
a worker each sync traces its program to a jaxpr once per structure and evaluates the jaxpr
with numpy. Results are numpy arrays: host tensors, which travel back to the main process as
they are. Workers started fresh (spawn, forkserver, or a fork made before JAX started) use the
same path and fall back to compiling with XLA when a program uses a primitive numpy lacks
here; a forked worker raises a clear error instead of hanging.
"""
import math

import numpy as np

import jax
from jax.extend import core as _jcore

from ..._engine import program as _program
from jax._src.random import prng
from ..._engine import modes
from ..._ops import creation
from jax._src import compiler
from jax._src.interpreters import mlir


class HostEvalError(NotImplementedError):
    pass


_IMPLS = {}


def _impl(*names):
    def reg(fn):
        for n in names:
            _IMPLS[n] = fn
        return fn
    return reg


def _unary(name, fn):
    _IMPLS[name] = lambda x, **_: fn(x)


for _name, _fn in {
    "neg": np.negative, "sign": np.sign, "floor": np.floor, "ceil": np.ceil, "is_finite": np.isfinite,
    "exp": np.exp, "exp2": np.exp2, "log": np.log, "log1p": np.log1p, "expm1": np.expm1, "tanh": np.tanh,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "sqrt": np.sqrt, "cbrt": np.cbrt, "abs": np.abs, "not": np.invert, "square": np.square,
    "real": np.real, "imag": np.imag, "conj": np.conj, "copy": np.array, "copy_p": np.array,
    "stop_gradient": lambda x: x, "reduce_precision": lambda x: x, "optimization_barrier": lambda x: x,
}.items():
    _unary(_name, _fn)

for _name, _fn in {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum, "min": np.minimum,
    "pow": np.power, "atan2": np.arctan2, "nextafter": np.nextafter, "and": np.bitwise_and,
    "or": np.bitwise_or, "xor": np.bitwise_xor, "eq": np.equal, "ne": np.not_equal, "lt": np.less,
    "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal, "shift_left": np.left_shift,
    "shift_right_arithmetic": np.right_shift, "rem": np.fmod,
}.items():
    _IMPLS[_name] = (lambda f: lambda x, y, **_: _same_kind(f(x, y), x))(_fn)


def _same_kind(out, like):
    """numpy promotes uint32 + int literal and the like; lax never promotes."""
    out = np.asarray(out)
    if out.dtype != np.bool_ and np.asarray(like).dtype != out.dtype:
        return out.astype(np.asarray(like).dtype)
    return out


@_impl("div")
def _div(x, y, **_):
    x, y = np.asarray(x), np.asarray(y)
    if np.issubdtype(x.dtype, np.integer):  # lax rounds toward zero
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.floor_divide(x, y)
            q = q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0)))
        return q.astype(x.dtype)
    return np.true_divide(x, y).astype(x.dtype)


@_impl("shift_right_logical")
def _srl(x, y, **_):
    x = np.asarray(x)
    u = x.view(np.dtype(f"uint{x.dtype.itemsize * 8}"))
    return np.right_shift(u, np.asarray(y).astype(u.dtype)).view(x.dtype)


_IMPLS["logistic"] = lambda x, **_: (1 / (1 + np.exp(-np.asarray(x)))).astype(np.asarray(x).dtype)
_IMPLS["rsqrt"] = lambda x, **_: (1 / np.sqrt(x)).astype(np.asarray(x).dtype)
_IMPLS["integer_pow"] = lambda x, *, y, **_: _same_kind(np.power(x, y), x)
_IMPLS["round"] = lambda x, *, rounding_method, **_: (
    np.round(x) if int(rounding_method) == 1 else np.trunc(x + np.copysign(0.5, x)))
_IMPLS["clamp"] = lambda lo, x, hi, **_: np.minimum(np.maximum(x, lo), hi)
_IMPLS["erf"] = lambda x, **_: np.vectorize(math.erf, otypes=[np.asarray(x).dtype])(x)
_IMPLS["lgamma"] = lambda x, **_: np.vectorize(math.lgamma, otypes=[np.asarray(x).dtype])(x)


@_impl("erf_inv")
def _erf_inv(x, **_):
    # Giles' single-precision approximation (the one XLA uses for float32)
    x = np.asarray(x)
    w = -np.log1p(-x.astype(np.float64) * x)
    small = w < 5.0
    ws = np.where(small, w - 2.5, np.sqrt(np.maximum(w, 5.0)) - 3.0)
    ca = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
          -0.00417768164, 0.246640727, 1.50140941]
    cb = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
          0.00943887047, 1.00167406, 2.83297682]
    p = np.where(small, ca[0], cb[0])
    for a, b in zip(ca[1:], cb[1:]):
        p = np.where(small, a, b) + p * ws
    out = np.where(np.abs(x) == 1, np.inf * x, p * x)
    return out.astype(x.dtype)


@_impl("select_n")
def _select_n(which, *cases, **_):
    which = np.asarray(which)
    if which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0]) if len(cases) == 2 else np.asarray(cases[0])
    return np.choose(which, cases)


@_impl("convert_element_type")
def _convert(x, *, new_dtype, **_):
    x = np.asarray(x)
    if np.issubdtype(new_dtype, np.integer) and np.issubdtype(x.dtype, np.floating):
        with np.errstate(invalid="ignore"):
            return np.trunc(x).astype(new_dtype)
    return x.astype(new_dtype)


@_impl("bitcast_convert_type")
def _bitcast(x, *, new_dtype, **_):
    x = np.ascontiguousarray(x)
    if np.dtype(new_dtype).itemsize != x.dtype.itemsize:
        raise HostEvalError("bitcast_convert_type between widths")
    return x.view(new_dtype)


@_impl("broadcast_in_dim")
def _bcast(x, *, shape, broadcast_dimensions, **_):
    x = np.asarray(x)
    full = [1] * len(shape)
    for src, dst in enumerate(broadcast_dimensions):
        full[dst] = x.shape[src]
    return np.broadcast_to(x.reshape(full), shape)


_IMPLS["reshape"] = lambda x, *, new_sizes, **_: np.reshape(x, new_sizes)
_IMPLS["squeeze"] = lambda x, *, dimensions, **_: np.squeeze(x, tuple(dimensions))
_IMPLS["transpose"] = lambda x, *, permutation, **_: np.transpose(x, permutation)
_IMPLS["rev"] = lambda x, *, dimensions, **_: np.flip(x, tuple(dimensions))
_IMPLS["concatenate"] = lambda *xs, dimension, **_: np.concatenate(xs, axis=dimension)
_IMPLS["iota"] = lambda *, dtype, shape, dimension, **_: np.broadcast_to(
    np.arange(shape[dimension], dtype=dtype).reshape([-1 if i == dimension else 1 for i in range(len(shape))]),
    shape)


_IMPLS["stack"] = lambda *xs, axis, **_: np.stack(xs, axis=axis)
_IMPLS["unstack"] = lambda x, *, axis, **_: [np.take(x, i, axis=axis) for i in range(np.shape(x)[axis])]


@_impl("split")
def _split(x, *, sizes, axis, **_):
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


@_impl("slice")
def _slice(x, *, start_indices, limit_indices, strides, **_):
    strides = strides or (1,) * len(start_indices)
    return np.asarray(x)[tuple(slice(a, b, s) for a, b, s in zip(start_indices, limit_indices, strides))]


@_impl("dynamic_slice")
def _dynamic_slice(x, *starts, slice_sizes, **_):
    x = np.asarray(x)
    lo = [int(np.clip(s, 0, d - n)) for s, d, n in zip(starts, x.shape, slice_sizes)]
    return x[tuple(slice(a, a + n) for a, n in zip(lo, slice_sizes))]


@_impl("dynamic_update_slice")
def _dynamic_update_slice(x, update, *starts, **_):
    out = np.array(x)
    lo = [int(np.clip(s, 0, d - n)) for s, d, n in zip(starts, out.shape, np.shape(update))]
    out[tuple(slice(a, a + n) for a, n in zip(lo, np.shape(update)))] = update
    return out


@_impl("pad")
def _pad(x, padding_value, *, padding_config, **_):
    x = np.asarray(x)
    if any(i for _, _, i in padding_config):
        raise HostEvalError("pad with interior padding")
    cut = tuple(slice(max(-lo, 0), x.shape[d] - max(-hi, 0)) for d, (lo, hi, _) in enumerate(padding_config))
    x = x[cut]
    return np.pad(x, [(max(lo, 0), max(hi, 0)) for lo, hi, _ in padding_config], constant_values=padding_value)


def _reduction(fn):
    return lambda x, *, axes, **_: _same_kind(fn(np.asarray(x), axis=tuple(axes)), x)


_IMPLS.update({"reduce_sum": _reduction(np.sum), "reduce_max": _reduction(np.max),
               "reduce_min": _reduction(np.min), "reduce_prod": _reduction(np.prod),
               "reduce_and": _reduction(np.all), "reduce_or": _reduction(np.any)})
_IMPLS["argmax"] = lambda x, *, axes, index_dtype, **_: np.argmax(x, axis=axes[0]).astype(index_dtype)
_IMPLS["argmin"] = lambda x, *, axes, index_dtype, **_: np.argmin(x, axis=axes[0]).astype(index_dtype)


def _cumulative(fn):
    def run(x, *, axis, reverse, **_):
        x = np.asarray(x)
        if reverse:
            return np.flip(fn(np.flip(x, axis), axis=axis), axis).astype(x.dtype)
        return fn(x, axis=axis).astype(x.dtype)
    return run


_IMPLS.update({"cumsum": _cumulative(np.cumsum), "cumprod": _cumulative(np.cumprod),
               "cummax": _cumulative(np.maximum.accumulate), "cummin": _cumulative(np.minimum.accumulate)})


@_impl("dot_general")
def _dot_general(a, b, *, dimension_numbers, preferred_element_type=None, **_):
    (lc, rc), (lb, rb) = dimension_numbers
    a, b = np.asarray(a), np.asarray(b)
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    la = [None] * a.ndim
    lbs = [None] * b.ndim
    for i, j in zip(lb, rb):
        la[i] = lbs[j] = next(letters)
    for i, j in zip(lc, rc):
        la[i] = lbs[j] = next(letters)
    la = [c or next(letters) for c in la]
    lbs = [c or next(letters) for c in lbs]
    out = ([la[i] for i in lb] + [c for i, c in enumerate(la) if i not in lb and i not in lc]
           + [c for j, c in enumerate(lbs) if j not in rb and j not in rc])
    res = np.einsum(f"{''.join(la)},{''.join(lbs)}->{''.join(out)}", a, b)
    return res.astype(preferred_element_type or np.result_type(a, b))


@_impl("sort")
def _sort(*operands, dimension, num_keys, **_):
    if num_keys != 1:
        raise HostEvalError("sort on several keys")
    order = np.argsort(operands[0], axis=dimension, kind="stable")
    return [np.take_along_axis(np.asarray(o), order, axis=dimension) for o in operands]


@_impl("top_k")
def _top_k(x, *, k, axis=-1, **_):
    order = np.flip(np.argsort(x, axis=axis, kind="stable"), axis)
    # ties keep their original order, as XLA's does
    order = np.take(order, np.arange(np.shape(x)[axis]), axis=axis)
    idx = np.take(order, np.arange(k), axis=axis)
    return [np.take_along_axis(np.asarray(x), idx, axis=axis), idx.astype(np.int32)]


def _reduce_window(fn, pad_value):
    def run(x, *, window_dimensions, window_strides, padding, base_dilation, window_dilation, **_):
        if any(d != 1 for d in tuple(base_dilation) + tuple(window_dilation)):
            raise HostEvalError("reduce_window with dilation")
        x = np.asarray(x)
        if any(lo or hi for lo, hi in padding):
            x = np.pad(x, list(padding), constant_values=pad_value(x.dtype))
        if tuple(window_dimensions) == tuple(window_strides):  # tiling windows (pools): reshape, one reduction
            out = [n // w for n, w in zip(x.shape, window_dimensions)]
            tiles = x[tuple(slice(0, o * w) for o, w in zip(out, window_dimensions))]
            tiles = tiles.reshape([v for o, w in zip(out, window_dimensions) for v in (o, w)])
            return fn(tiles, axis=tuple(range(1, 2 * x.ndim, 2))).astype(x.dtype)
        win = np.lib.stride_tricks.sliding_window_view(x, window_dimensions)
        win = win[tuple(slice(None, None, s) for s in window_strides)]
        return fn(win, axis=tuple(range(x.ndim, 2 * x.ndim))).astype(x.dtype)
    return run


def _dilate(x, factors, axes):
    if all(f == 1 for f in factors):
        return x
    shape = list(x.shape)
    for f, ax in zip(factors, axes):
        shape[ax] = (shape[ax] - 1) * f + 1 if shape[ax] else 0
    out = np.zeros(shape, x.dtype)
    sl = [slice(None)] * x.ndim
    for f, ax in zip(factors, axes):
        sl[ax] = slice(None, None, f)
    out[tuple(sl)] = x
    return out


@_impl("conv_general_dilated")
def _conv(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
          feature_group_count, batch_group_count, preferred_element_type=None, **_):
    if batch_group_count != 1:
        raise HostEvalError("conv_general_dilated with batch groups")
    lspec, rspec, ospec = dimension_numbers
    x = np.transpose(np.asarray(lhs), lspec)  # N, C, spatial...
    w = np.transpose(np.asarray(rhs), rspec)  # O, I, kernel...
    nsp = x.ndim - 2
    sp = tuple(range(2, 2 + nsp))
    x = _dilate(x, lhs_dilation or (1,) * nsp, sp)
    w = _dilate(w, rhs_dilation or (1,) * nsp, sp)
    cut = [slice(None)] * 2 + [slice(max(-lo, 0), x.shape[2 + i] - max(-hi, 0)) for i, (lo, hi) in enumerate(padding)]
    x = np.pad(x[tuple(cut)], [(0, 0)] * 2 + [(max(lo, 0), max(hi, 0)) for lo, hi in padding])
    win = np.lib.stride_tricks.sliding_window_view(x, w.shape[2:], axis=sp)
    win = win[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in window_strides)]
    g = feature_group_count
    n, c = win.shape[:2]
    out_sp = win.shape[2:2 + nsp]
    win = win.reshape((n, g, c // g) + win.shape[2:])
    w = w.reshape((g, w.shape[0] // g) + w.shape[1:])
    o_l, k_l = "opqrst"[:nsp], "uvwxyz"[:nsp]
    res = np.einsum(f"ngi{o_l}{k_l},gji{k_l}->ngj{o_l}", win, w)
    res = res.reshape((n, -1) + out_sp)
    perm = [0] * res.ndim
    for i, d in enumerate(ospec):
        perm[d] = i
    return np.transpose(res, perm).astype(preferred_element_type or np.result_type(lhs, rhs))


def _lowest(dt):
    return -np.inf if dt.kind == "f" else (np.iinfo(dt).min if dt.kind in "iu" else False)


def _highest(dt):
    return np.inf if dt.kind == "f" else (np.iinfo(dt).max if dt.kind in "iu" else True)


_IMPLS.update({"reduce_window_sum": _reduce_window(np.sum, lambda dt: 0),
               "reduce_window_max": _reduce_window(np.max, _lowest),
               "reduce_window_min": _reduce_window(np.min, _highest)})


def _window_index(operand_shape, starts, slice_sizes, clamp):
    """Index arrays that read windows of `slice_sizes` at `starts` (shape batch + (ndim,))."""
    dims = np.asarray(operand_shape)
    sizes = np.asarray(slice_sizes)
    ok = np.all((starts >= 0) & (starts <= dims - sizes), axis=-1)
    if clamp:
        starts = np.clip(starts, 0, dims - sizes)
    batch = starts.shape[:-1]
    nd = len(operand_shape)
    index = []
    for d in range(nd):
        s = starts[..., d].reshape(batch + (1,) * nd)
        off = np.arange(slice_sizes[d]).reshape([1] * len(batch) + [-1 if k == d else 1 for k in range(nd)])
        index.append(np.clip(s + off, 0, max(operand_shape[d] - 1, 0)))
    return tuple(index), ok


def _full_starts(indices, start_index_map, ndim, operand_batching_dims, indices_batching_dims):
    """Each window's start in every operand dim (batch shape + (ndim,)): the index vector's
    entries, and along a batching dim the window's own position in that indices dim."""
    indices = np.asarray(indices)
    batch = indices.shape[:-1]
    starts = np.zeros(batch + (ndim,), np.int64)
    for k, d in enumerate(start_index_map):
        starts[..., d] = indices[..., k]
    for d, j in zip(operand_batching_dims, indices_batching_dims):
        starts[..., d] = np.arange(batch[j]).reshape([-1 if i == j else 1 for i in range(len(batch))])
    return starts


@_impl("gather")
def _gather(operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value=None, **_):
    dn = dimension_numbers
    operand = np.asarray(operand)
    starts = _full_starts(indices, dn.start_index_map, operand.ndim, dn.operand_batching_dims,
                          dn.start_indices_batching_dims)
    dropped = set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)
    clip = "CLIP" in str(mode) or "PROMISE" in str(mode)
    index, ok = _window_index(operand.shape, starts, slice_sizes, clamp=clip)
    win = operand[index]  # batch + slice_sizes
    nb = starts.ndim - 1
    if not clip:
        fill = fill_value if fill_value is not None else (np.nan if operand.dtype.kind in "fc" else 0)
        win = np.where(ok.reshape(ok.shape + (1,) * operand.ndim), win, np.asarray(fill).astype(operand.dtype))
    win = win.reshape(win.shape[:nb] + tuple(n for d, n in enumerate(slice_sizes) if d not in dropped))
    rank = win.ndim
    batch_pos = [p for p in range(rank) if p not in dn.offset_dims]
    perm = [0] * rank
    for i, p in enumerate(batch_pos):
        perm[p] = i
    for i, p in enumerate(dn.offset_dims):
        perm[p] = nb + i
    return np.transpose(win, perm)


def _scatter(combine):
    def run(operand, indices, updates, *, dimension_numbers, mode, **params):
        dn = dimension_numbers
        out = np.array(operand)
        updates = np.asarray(updates)
        starts = _full_starts(indices, dn.scatter_dims_to_operand_dims, out.ndim, dn.operand_batching_dims,
                              dn.scatter_indices_batching_dims)
        dropped = set(dn.inserted_window_dims) | set(dn.operand_batching_dims)
        win_dims = [d for d in range(out.ndim) if d not in dropped]
        sizes = [1] * out.ndim
        upd_win = [updates.shape[p] for p in dn.update_window_dims]
        for d, n in zip(win_dims, upd_win):
            sizes[d] = n
        index, ok = _window_index(out.shape, starts, sizes, clamp="CLIP" in str(mode))
        scatter_pos = [p for p in range(updates.ndim) if p not in dn.update_window_dims]
        u = np.transpose(updates, scatter_pos + list(dn.update_window_dims)).reshape(starts.shape[:-1] + tuple(sizes))
        keep = np.broadcast_to(ok.reshape(ok.shape + (1,) * out.ndim), u.shape)
        index = tuple(np.broadcast_to(i, u.shape)[keep] for i in index)
        if combine is None:
            out[index] = u[keep]
        else:
            combine.at(out, index, u[keep])
        return out
    return run


_IMPLS.update({"scatter": _scatter(None), "scatter-add": _scatter(np.add), "scatter_add": _scatter(np.add),
               "scatter-mul": _scatter(np.multiply), "scatter_mul": _scatter(np.multiply),
               "scatter-max": _scatter(np.maximum), "scatter_max": _scatter(np.maximum),
               "scatter-min": _scatter(np.minimum), "scatter_min": _scatter(np.minimum)})


# ---- randomness: key arrays are their raw uint32 data here; jax's own key functions are traced
# ---- and evaluated by this interpreter, down to the threefry hash below

def _rotl(x, r):
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


@_impl("threefry2x32")
def _threefry2x32(k1, k2, x1, x2, **_):
    shape = np.broadcast_shapes(np.shape(k1), np.shape(k2), np.shape(x1), np.shape(x2))
    k1, k2, x1, x2 = (np.broadcast_to(np.asarray(v, np.uint32), shape) for v in (k1, k2, x1, x2))
    ks = [k1, k2, k1 ^ k2 ^ np.uint32(0x1BD11BDA)]
    rots = [(13, 15, 26, 6), (17, 29, 16, 24)]
    with np.errstate(over="ignore"):
        x = [x1 + ks[0], x2 + ks[1]]
        for i in range(5):
            for r in rots[i % 2]:
                x[0] = x[0] + x[1]
                x[1] = _rotl(x[1], r) ^ x[0]
            x[0] = x[0] + ks[(i + 1) % 3]
            x[1] = x[1] + ks[(i + 2) % 3] + np.uint32(i + 1)
    return [x[0], x[1]]


@_impl("iota_2x32_shape")
def _iota_2x32(*, shape, **_):
    flat = np.arange(math.prod(shape), dtype=np.uint64).reshape(shape)
    return [(flat >> np.uint64(32)).astype(np.uint32), (flat & np.uint64(0xFFFFFFFF)).astype(np.uint32)]


def _key_prim(build):
    """A key primitive evaluated by tracing jax's implementation on raw key data."""
    def run(*args, _avals, **params):
        key = (build, tuple(params.items()), _avals)
        jaxpr = _KEY_TRACES.get(key)
        if jaxpr is None:
            jaxpr = _KEY_TRACES[key] = jax.make_jaxpr(build(_avals, **params))(*args)
        return eval_jaxpr(jaxpr, args)[0]
    run.needs_avals = True
    return run


_KEY_TRACES = {}


def _prng():
    return prng


_IMPLS["random_wrap"] = lambda x, **_: np.asarray(x)
_IMPLS["random_unwrap"] = lambda x, **_: np.asarray(x)
_IMPLS["random_bits"] = _key_prim(lambda avals, bit_width, shape: lambda k: _prng().random_bits_impl_base(
    avals[0].dtype._impl, k, len(avals[0].shape), bit_width=bit_width, shape=shape))
_IMPLS["random_split"] = _key_prim(lambda avals, shape: lambda k: _prng().random_split_impl_base(
    avals[0].dtype._impl, k, len(avals[0].shape), shape=shape))
_IMPLS["random_fold_in"] = _key_prim(lambda avals: lambda k, m: _prng().random_fold_in_impl_base(
    avals[0].dtype._impl, k, m, avals[0].shape))
_IMPLS["random_seed"] = _key_prim(lambda avals, impl: lambda s: _prng().random_seed_impl_base(s, impl=impl))


def _sub_jaxpr(params):
    for name in ("jaxpr", "call_jaxpr", "fun_jaxpr"):
        j = params.get(name)
        if j is not None:
            return j
    return None


def eval_jaxpr(closed, args):
    """Evaluate a ClosedJaxpr on numpy values; returns the list of outputs."""
    jaxpr = closed.jaxpr if hasattr(closed, "jaxpr") else closed
    consts = closed.consts if hasattr(closed, "consts") else ()
    env = {}

    def read(v):
        return v.val if isinstance(v, _jcore.Literal) else env[v]

    for v, c in zip(jaxpr.constvars, consts):
        env[v] = np.asarray(c)
    for v, a in zip(jaxpr.invars, args):
        env[v] = a
    for eqn in jaxpr.eqns:
        vals = [read(v) for v in eqn.invars]
        name = eqn.primitive.name
        fn = _IMPLS.get(name)
        if fn is not None:
            if getattr(fn, "needs_avals", False):
                out = fn(*vals, _avals=tuple(v.aval for v in eqn.invars), **eqn.params)
            else:
                out = fn(*vals, **eqn.params)
        elif name == "cond":
            out = eval_jaxpr(eqn.params["branches"][int(vals[0])], vals[1:])
        elif name == "while":
            p = eqn.params
            cc, bc = vals[:p["cond_nconsts"]], vals[p["cond_nconsts"]:p["cond_nconsts"] + p["body_nconsts"]]
            carry = vals[p["cond_nconsts"] + p["body_nconsts"]:]
            while bool(eval_jaxpr(p["cond_jaxpr"], cc + carry)[0]):
                carry = eval_jaxpr(p["body_jaxpr"], bc + carry)
            out = carry
        else:
            sub = _sub_jaxpr(eqn.params)  # jit, custom_jvp_call, custom_vjp_call, remat, ...
            if sub is None:
                raise HostEvalError(name)
            out = eval_jaxpr(sub, vals)
        if not eqn.primitive.multiple_results:
            out = [out]
        for v, o in zip(eqn.outvars, out):
            if not isinstance(v, _jcore.DropVar):
                env[v] = _as_aval(o, v.aval)
    return [read(v) for v in jaxpr.outvars]


def _as_aval(value, aval):
    dt = getattr(aval, "dtype", None)
    value = np.asarray(value)
    if isinstance(dt, np.dtype) and value.dtype != dt:
        value = value.astype(dt)
    return value


# ---- the worker's program runner

_state = {"jax_ok": True}
_op_traces = {}    # (op, static args, input kinds) -> (jaxpr, output tree)
_needs_xla = set()  # programs fresh workers compile: a primitive numpy lacks here, or a program that recurs
_seen = set()      # programs a fresh worker has met once (evaluated with numpy: no compile for a one-off)


def _kind(v):
    """What a lowering's trace depends on: shape and dtype, or a Python scalar's type (weakly typed)."""
    if v is None or isinstance(v, (bool, int, float, complex)):
        return type(v)
    v = np.asarray(v)
    return v.shape, v.dtype


def _run_op(op, static, args):
    """One op on numpy values: its lowering traced once per (op, static args, input kinds).
    Traces are per op, not per program: a fresh worker traces each kind of op once, however
    many programs (batch sizes, item counts) it meets."""
    key = (op, static, tuple(_kind(a) for a in args))
    entry = _op_traces.get(key)
    flat, tree = jax.tree_util.tree_flatten(args)  # None inputs have no leaves
    if entry is None:
        kw = dict(static)
        closed, out = jax.make_jaxpr(lambda *xs: op.lower(*jax.tree_util.tree_unflatten(tree, xs), **kw),
                                     return_shape=True)(*flat)
        entry = _op_traces[key] = (closed, jax.tree_util.tree_structure(out))
    closed, out_tree = entry
    return jax.tree_util.tree_unflatten(out_tree, eval_jaxpr(closed, flat))


def _run_program(prog, args):
    # the layout of Program.run: node results fill env from the front, leaves sit reversed at the back
    env = [None] * len(prog.code) + list(reversed(args))
    for i, (op, static, refs) in enumerate(prog.code):
        ins = [None if r is None else (env[r[0]] if r[1] is None else env[r[0]][r[1]]) for r in refs]
        env[i] = _run_op(op, static, ins)
    return [np.asarray(env[s] if idx is None else env[s][idx]) for s, idx in prog.outputs]


def _host_executable(prog, donate=()):
    def run(*leaves):
        return _run_on_host(prog, leaves)
    return run, None  # never a new compiled program: nothing to count or note


def _run_on_host(prog, leaves):
    """The outputs of `prog` on `leaves`: numpy op by op, or (fresh workers) XLA where that pays."""
    if prog not in _needs_xla and _state["jax_ok"]:
        # a fresh worker can use XLA: a program met again (the next batch of the same shapes) is worth
        # compiling, as one fused program runs a batch many times faster than numpy op by op
        if prog in _seen:
            _needs_xla.add(prog)
            _seen.discard(prog)
        else:
            if len(_seen) >= 1024:  # bounded: shapes that never repeat would otherwise pile up here
                _seen.clear()
            _seen.add(prog)
    if prog not in _needs_xla:
        args = [np.asarray(a) if isinstance(a, jax.Array) else a for a in leaves]
        try:
            with np.errstate(all="ignore"):
                return _run_program(prog, args)
        except HostEvalError as e:
            if not _state["jax_ok"]:
                raise RuntimeError(
                    f"jtorch cannot compute the op {e} inside a DataLoader worker forked after JAX started "
                    "(XLA does not survive fork). Pass multiprocessing_context='spawn' or 'forkserver' to "
                    "the DataLoader.") from None
            _needs_xla.add(prog)
    fn, _ = _ORIGINAL_EXECUTABLE(prog, ())
    return [np.asarray(v) for v in fn(*leaves)]


_ORIGINAL_EXECUTABLE = _program.executable


def _no_compile(*args, **kwargs):
    raise RuntimeError("JAX cannot compile in a DataLoader worker forked after JAX started (XLA does not "
                       "survive fork); jtorch ops run on numpy there. Pass multiprocessing_context='spawn' or "
                       "'forkserver' to the DataLoader to use JAX directly in workers.")


def install(jax_ok):
    """Route this worker process's syncs through numpy. `jax_ok`: whether JAX may still run here
    (false in a fork of a process whose JAX runtime started: any compile there would hang)."""
    # a forked worker inherits the parent's list of pending tensors: its syncs must not compute them
    modes.get().live.clear()
    _state["jax_ok"] = jax_ok
    _program.executable = _host_executable
    if hasattr(_program, "run_op_by_op"):  # the engine's uncompiled path for one-off programs: numpy too
        _program.run_op_by_op = _run_on_host
    creation.keep_on_host = True
    if not jax_ok:
        # any jax call that would lower or compile now raises instead of waiting forever; programs
        # the parent compiled are forgotten, so none runs on the parent's XLA client either
        jax.clear_caches()
        compiler.backend_compile_and_load = _no_compile
        mlir.lower_jaxpr_to_module = _no_compile
