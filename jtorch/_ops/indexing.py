"""Indexing: __getitem__ / __setitem__, gather/scatter, index_*, masked_*, take, put, nonzero.

Torch's indexing rule (which differs from numpy's when ints and index tensors mix): ints,
slices, None and Ellipsis are applied first (basic indexing, a view); the index tensors
then index the remaining dims with numpy's placement rule for advanced indices.
"""
import builtins
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _device, _dtype, _strides
from .._shape import wrap_dim as _wrap
from .._engine import modes
from . import _checks, creation as _creation, registry
from .registry import op, public
from .._tensor import Tensor
from .._engine.graph import Lazy


def _tensor_cls():
    return Tensor


def _is_int(i):
    T = _tensor_cls()
    return isinstance(i, (int, np.integer)) or (hasattr(i, "__index__") and not isinstance(i, (T, slice)))


def _parse(x, index):
    """Split an index into a hashable spec and the index tensors it uses.

    spec entries: ("i", k) int, ("s", start, stop, step) slice, ("n",) None, ("e", span)
    Ellipsis, ("t", k) the k-th index tensor. Bool masks become integer index tensors (a
    sync, as in torch: the result's shape depends on the data).
    """
    T = _tensor_cls()
    if not isinstance(index, tuple):
        index = (index,)
    spec, tensors = [], []
    n_real = 0
    for i in index:
        if isinstance(i, T) and i.dtype.name in ("bool", "uint8"):
            n_real += i.dim()
        elif not (i is None or i is Ellipsis or isinstance(i, bool)):
            n_real += 1
    if n_real > x.dim():
        raise IndexError(f"too many indices for tensor of dimension {x.dim()}")
    if builtins.sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    dim = 0
    for i in index:
        if i is None:
            spec.append(("n",))
        elif i is Ellipsis:
            span = x.dim() - n_real
            spec.append(("e", span))
            dim += span
        elif isinstance(i, bool) or (isinstance(i, T) and i.dtype.name == "bool" and i.dim() == 0):
            spec.append(("n",) if bool(i) else ("z",))  # x[False]: a new axis of size 0
        elif isinstance(i, float):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid indices (got float)")
        elif _is_int(i):
            i = int(i)
            size = x.shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            spec.append(("i", i % size))
            dim += 1
        elif isinstance(i, slice):
            start, stop, step = (None if v is None else int(v) for v in (i.start, i.stop, i.step))
            if step is not None and step <= 0:
                raise ValueError("step must be greater than zero")
            spec.append(("s", start, stop, step))
            dim += 1
        else:
            if not isinstance(i, T):
                i = _as_index_tensor(i)
            if i.dtype.name in ("bool", "uint8"):
                for k in range(i.dim()):
                    if i.shape[k] != x.shape[dim + k]:
                        raise IndexError(f"The shape of the mask {list(i.shape)} at index {k} does not match the "
                                         f"shape of the indexed tensor {list(x.shape)} at index {dim + k}")
                for idx in nonzero(i, as_tuple=True):
                    spec.append(("t", len(tensors)))
                    tensors.append(idx)
                dim += i.dim()
                continue
            if i.dtype.is_floating_point or i.dtype.is_complex:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            _check_bounds(i, x.shape[dim], dim)
            spec.append(("t", len(tensors)))
            tensors.append(i)
            dim += 1
    return tuple(spec), tensors


def _as_index_tensor(i):
    from .creation import tensor
    arr = np.asarray(i)
    if arr.dtype == object or arr.dtype.kind not in "biu":
        if arr.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                         f"valid indices (got {type(i).__name__})")
    return tensor(arr if arr.dtype == np.bool_ else arr.astype(np.int64))


def _check_bounds(idx, size, dim):
    """Out-of-range tensor indices raise like torch when the index is already concrete."""
    lz = idx._lazy
    if lz.value is None or lz.value is _device.META or idx.numel() == 0 or isinstance(lz.value, jax.core.Tracer):
        return  # pending, meta or traced: no values to check
    arr = np.asarray(lz.value)
    bad = (arr >= size) | (arr < -size)
    if bad.any():
        # torch names dimension 0 here whatever the indexed dim (the index tensor's own dim)
        raise IndexError(f"index {int(arr[bad].flat[0])} is out of bounds for dimension 0 with size {size}")


def _apply(x, spec, arrays):
    """x[index] with torch's rule: basic indices first, then the index tensors."""
    basic, dyn, adv, empty, out_dim = [], [], [], [], 0
    for e in spec:
        kind = e[0]
        if kind == "i":
            basic.append(e[1])
        elif kind == "z":
            basic.append(None)
            empty.append(out_dim)
            out_dim += 1
        elif kind == "s":
            basic.append(slice(e[1], e[2], e[3]))
            out_dim += 1
        elif kind == "n":
            basic.append(None)
            out_dim += 1
        elif kind == "e":
            basic.append(Ellipsis)
            out_dim += e[1]
        else:
            a = arrays[e[1]]
            basic.append(slice(None))
            (dyn if a.ndim == 0 else adv).append([out_dim, a])
            out_dim += 1
    y = x[tuple(basic)]
    for pos in empty:
        y = lax.slice_in_dim(y, 0, 0, axis=pos)
    for pos, a in reversed(dyn):  # a 0-d index tensor selects like an int
        n = y.shape[pos]
        y = lax.dynamic_index_in_dim(y, jnp.where(a < 0, a + n, a), axis=pos, keepdims=False)
        for entry in adv:
            if entry[0] > pos:
                entry[0] -= 1
    if adv:
        idx = [slice(None)] * y.ndim
        for pos, a in adv:
            idx[pos] = a
        y = y[tuple(idx)]
    return y


def _numpy_compatible(spec, arrays):
    """True when numpy's indexing rule gives torch's result (so `.at[...]` can be used directly)."""
    has_t = builtins.any(e[0] == "t" for e in spec)
    if builtins.any(e[0] == "z" for e in spec):
        return False
    if not has_t:
        return True
    # ints and 0-d index tensors only disagree with numpy's placement next to index tensors of dim >= 1
    scalar = builtins.any(e[0] == "i" or (e[0] == "t" and arrays[e[1]].ndim == 0) for e in spec)
    return not (scalar and builtins.any(e[0] == "t" and arrays[e[1]].ndim > 0 for e in spec))


def _build(spec, arrays):
    out = []
    for e in spec:
        kind = e[0]
        out.append(e[1] if kind == "i" else slice(e[1], e[2], e[3]) if kind == "s" else None if kind == "n"
                   else Ellipsis if kind == "e" else arrays[e[1]])
    return tuple(out)


def _fit(value, shape):
    """torch drops leading size-1 dims of a value that has more dims than its target."""
    while value.ndim > len(shape) and value.shape[0] == 1:
        value = value[0]
    try:
        return jnp.broadcast_to(value, shape)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(shape)}") from None


@op(view=True, method=False, function=False, grad_name="SliceBackward0")
def _index_basic(input, *, spec):
    return _apply(input, spec, ())


# torch names the backward after the last indexing step applied (x[0] -> SelectBackward0)
_BASIC = {"i": _index_basic, "s": _index_basic,
          "n": op("_index_unsqueeze", view=True, method=False, function=False,
                  grad_name="UnsqueezeBackward0")(_index_basic.op.fn),
          "e": op("_index_alias", view=True, method=False, function=False,
                  grad_name="AliasBackward0")(_index_basic.op.fn)}
_BASIC["i"] = op("_index_select_view", view=True, method=False, function=False,
                 grad_name="SelectBackward0")(_index_basic.op.fn)


def _basic_op(spec):
    last = "e"
    for e in spec:
        if e[0] in "in" or (e[0] == "s" and e[1:] != (None, None, None)):
            last = e[0]
        elif e[0] == "s" and last == "e":
            last = "s"
    return _BASIC.get(last, _index_basic)


@op(list_input="arrays", method=False, function=False, grad_name="IndexBackward0")
def _index_adv(*arrays, spec):
    return _apply(arrays[0], spec, arrays[1:])


@op(list_input="arrays", method=False, function=False, grad_name="IndexPutBackward0")
def _index_put(*arrays, spec, accumulate):
    input, value, indices = arrays[0], arrays[1].astype(arrays[0].dtype), arrays[2:]
    if _numpy_compatible(spec, indices):
        idx = _build(spec, indices)
        ref = input.at[idx]
        value = _fit(value, input[idx].shape)
        return ref.add(value) if accumulate else ref.set(value)
    pos = _apply(jnp.arange(input.size).reshape(input.shape), spec, indices)
    ref = input.reshape(-1).at[pos.reshape(-1)]
    value = _fit(value, pos.shape).reshape(-1)
    return (ref.add(value) if accumulate else ref.set(value)).reshape(input.shape)


@public("__getitem__", function=False)
def getitem(self, key, /):
    index = key
    spec, tensors = _parse(self, index)
    if not tensors:
        lz = self._fresh_lazy()
        if (lz.value is not None and lz.value is not _device.META and not lz.requires_grad
                and not modes.get().tracing
                and not isinstance(lz.value, jax.core.Tracer) and not _creation.keep_on_host):
            return _basic_now(self, lz, spec)
        return _basic_op(spec)(self, spec=spec)
    return _index_adv([self] + tensors, spec=spec)


@functools.partial(jax.jit, static_argnames=("spec",))
def _apply_jit(x, ints, spec):
    return _apply(x, spec, ints)


@functools.partial(jax.jit, static_argnames=("spec", "dims", "sizes"))
def _apply_sliced_jit(x, ints, starts, spec, dims, sizes):
    for d, s, n in zip(dims, starts, sizes):
        x = jax.lax.dynamic_slice_in_dim(x, s, n, axis=d)
    return _apply(x, spec, ints)


def _runtime_starts(spec, shape):
    """(spec, dims, starts, sizes): the step-1 slices of a basic index become (dim, start, length)
    with the start a runtime argument, and full slices in the spec."""
    if any(e[0] not in "isne" for e in spec):
        return spec, (), [], ()
    out, dims, starts, sizes, d = [], [], [], [], 0
    for e in spec:
        if e[0] == "s" and e[3] in (None, 1) and (e[1], e[2]) != (None, None):
            start, stop, _ = slice(e[1], e[2]).indices(shape[d])
            dims.append(d)
            starts.append(np.asarray(start, np.int64))
            sizes.append(max(stop - start, 0))
            out.append(("s", None, None, None))
        else:
            out.append(e)
        d += e[1] if e[0] == "e" else 0 if e[0] == "n" else 1
    return tuple(out), tuple(dims), starts, tuple(sizes)


def _basic_now(self, lz, spec):
    """x[i] on a concrete tensor runs at once, with the ints as runtime arguments.

    `for i in range(n): x[i].item()` then compiles one program, not one per i; the
    result is still a view of x.
    """
    ints, dyn = [], []
    plain, dims, starts, sizes = _runtime_starts(spec, lz.shape)
    for e in plain:
        if e[0] == "i":
            dyn.append(("t", len(ints)))
            ints.append(np.asarray(e[1], np.int64))
        else:
            dyn.append(e)
    if dims:  # x[:, t:t + 1] in a loop over t: one program per slice length, not one per t
        value = _apply_sliced_jit(lz.value, ints, starts, tuple(dyn), dims, sizes)
    else:
        value = _apply_jit(lz.value, ints, tuple(dyn))
    out = _tensor_cls()._from_value(value, lz.dtype)
    out._make_view(self, (_basic_op(spec).op, (("spec", spec),), None))
    return out


@public("__setitem__", function=False)
def setitem(self, key, value, /):
    index = key
    T = _tensor_cls()
    if (isinstance(index, T) and index.dtype.name == "bool" and index.shape == self.shape
            and (not isinstance(value, T) or value.numel() == 1)):
        # x[mask] = v needs no sync: a where() over the whole tensor
        value = value.reshape(()) if isinstance(value, T) else value
        self._assign(_masked_fill(self, index, value), "index_put_")
        return
    spec, tensors = _parse(self, index)
    if not tensors and self._base is not None:  # torch copies into the view x[index], so it may not overlap
        shape, strides, offset = _strides.layout(self)
        sub_shape, sub_strides, _ = _strides.basic_index(list(shape), list(strides), offset, spec)
        if _strides.overlaps(sub_shape, sub_strides):
            raise RuntimeError(_strides.OVERLAP_ERROR)
        if _strides.overlaps(shape, strides):  # write only the selected elements: others alias them
            getitem(self, index)._assign(value, "copy_")
            return
    if not isinstance(value, T):
        from .creation import tensor
        value = tensor(value, dtype=self.dtype)
    elif tensors:
        _put_dtypes_match(self, value)
    # ints become 0-d index inputs: `buf[i] = v` in a loop compiles once, not once per i
    dyn = []
    for e in spec:
        if e[0] == "i":
            dyn.append(("t", len(tensors)))
            tensors = tensors + [e[1]]
        else:
            dyn.append(e)
    self._assign(_index_put([self, value] + tensors, spec=tuple(dyn), accumulate=False), "index_put_")


def _index_tuple(input, indices):
    spec, tensors = _parse(input, tuple(indices))
    return spec, tensors


def _put_dtypes_match(dest, source):
    """torch's advanced-index writes never cast the values (slicing writes, copy_, do)."""
    if source.dtype is not dest.dtype:
        raise RuntimeError("Index put requires the source and destination dtypes match, got "
                           f"{_dtype.scalar_name(dest.dtype)} for the destination and "
                           f"{_dtype.scalar_name(source.dtype)} for the source.")


@public()
def index_put(input, indices, values, accumulate=False):
    _put_dtypes_match(input, values)
    spec, tensors = _index_tuple(input, indices)
    return _index_put([input, values] + tensors, spec=spec, accumulate=bool(accumulate))


@public(function=False)
def index_put_(self, indices, values, accumulate=False):
    return self._assign(index_put(self, indices, values, accumulate), "index_put_")


# -- writes through views ------------------------------------------------------------------

@op(tensors=("base", "value"), method=False, function=False, grad_name="CopySlices")
def _view_scatter(base, value, *, chain):
    """Write `value` into the elements of `base` that the view `chain` selects.

    Common chains are written directly (p.data.add_(...), a reshape or transpose, one
    slice); any other chain is applied to an iota of base's flat positions, which yields,
    for every element of the view, where it lives in base.
    """
    value = value.astype(base.dtype)
    from .movement import _alias, _permute, _select, _slice, _view
    steps = [st for st in chain if st[0].fn is not _alias.op.fn]
    if builtins.all(st[0].fn in (_view.op.fn, _permute.op.fn) for st in steps):
        shapes = [base.shape]
        for op_, static, _ in steps:
            kw = dict(static)
            shapes.append(kw["shape"] if "shape" in kw else tuple(shapes[-1][d] for d in kw["dims"]))
        v = jnp.broadcast_to(value, shapes[-1])
        for (op_, static, _), shape in zip(reversed(steps), reversed(shapes[:-1])):
            kw = dict(static)
            v = v.reshape(shape) if "shape" in kw else jnp.transpose(v, np.argsort(kw["dims"]))
        return v
    fns = (_index_basic.op.fn, _slice.op.fn, _select.op.fn)
    if len(steps) == 1 and steps[0][0].fn in fns and (
            steps[0][0].fn is not fns[0] or _numpy_compatible(dict(steps[0][1])["spec"], ())):
        op_, static, _ = steps[0]
        kw = dict(static)
        if op_.fn is fns[0]:
            idx = _build(kw["spec"], ())
        elif op_.fn is fns[1]:
            idx = (slice(None),) * kw["dim"] + (slice(kw["start"], kw["stop"], kw["step"]),)
        else:
            idx = (slice(None),) * kw["dim"] + (kw["index"],)
        return base.at[idx].set(jnp.broadcast_to(value, base[idx].shape))
    pos = jnp.arange(base.size).reshape(base.shape)
    for op_, static, index in chain:
        pos = op_.lower(pos, **dict(static))
        if index is not None:
            pos = pos[index]
    value = jnp.broadcast_to(value, pos.shape)
    return base.reshape(-1).at[pos.reshape(-1)].set(value.reshape(-1)).reshape(base.shape)


def _view_write(base, value, chain):
    if base._lazy.grad_fn is None:
        with modes.grad_disabled():  # a leaf written through a view stays a leaf (p.data.add_(...))
            return _view_scatter(base, value, chain=chain)
    if not chain[0][0].differentiable:
        # through detach() or .data autograd never sees the write, as in torch: the base takes the
        # new values but keeps its gradient path and its grad_fn
        with modes.grad_disabled():
            written = _view_scatter(base, value, chain=chain)
        out = _values_of(written, base)
        out._lazy.grad_fn = base._lazy.grad_fn
        return out
    return _view_scatter(base, value, chain=chain)


@jax.custom_jvp
def _values_of_lower(value, like):
    return value


@_values_of_lower.defjvp
def _values_of_jvp(primals, tangents):
    return primals[0], tangents[1]


@op(tensors=("value", "like"), method=False, function=False)
def _values_of(value, like):
    """`value`'s numbers with `like`'s derivative (identity): a write autograd must not see."""
    return _values_of_lower(value, like)


# -- gather / scatter ----------------------------------------------------------------------

def _grid(index, dim):
    """Full index tuple for element-wise scatter/gather along `dim`."""
    idx = list(jnp.indices(index.shape, sparse=True))
    idx[dim] = index
    return tuple(idx)


def _check_index(name, input, dim, index, src=None):
    if index.dim() != input.dim() and not (index.dim() <= 1 and input.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           + ("input tensor" if name == "gather" else "self tensor"))
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    for k in range(index.dim()):
        if k != dim and index.shape[k] > (input.shape[k] if input.dim() else 1):
            raise RuntimeError(f"Size does not match at dimension {k} expected index {list(index.shape)} to be no "
                               f"larger than self {list(input.shape)} apart from dimension {dim}")
        if src is not None and index.shape[k] > (src.shape[k] if src.dim() else 1):
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} "
                               f"apart from dimension {dim} and to be no larger size than src {list(src.shape)}")


@op(tensors=("input", "index"), method=False, function=False, grad_name="GatherBackward0")
def _gather(input, index, *, dim):
    if input.ndim == 0:
        return input.reshape(1)[index]
    return input[_grid(index, dim)]


@public()
def gather(input, dim, index, *, sparse_grad=False, out=None):
    d = _wrap(dim, input.dim())
    _check_index("gather", input, d, index)
    _checks.index_in_bounds(index, d, input.shape[d] if input.dim() else 1)
    if index.dim() == 0 and input.dim() == 0:
        return _gather(input, index.reshape(1), dim=0).reshape(())
    return _gather(input, index, dim=d)


_SCATTER_REDUCES = ("sum", "prod", "mean", "amax", "amin")


@op(tensors=("input", "index", "src"), method=False, function=False, grad_name="ScatterBackward0")
def _scatter(input, index, src, *, dim, reduce, include_self):
    squeeze = input.ndim == 0
    if squeeze:
        input, index, src = input.reshape(1), index.reshape(1), src.reshape(-1)
    if src.ndim == 0:
        src = jnp.broadcast_to(src, index.shape)
    else:
        src = src[tuple(slice(0, s) for s in index.shape)]
    src = src.astype(input.dtype)
    idx = _grid(index, dim)
    if reduce is None:
        out = input.at[idx].set(src)
    elif reduce in ("sum", "mean"):
        base = input if include_self else input.at[idx].set(0)
        out = base.at[idx].add(src)
        if reduce == "mean":
            count = jnp.zeros(input.shape, input.dtype).at[idx].add(1)
            count = count + 1 if include_self else jnp.maximum(count, 1)
            out = out // count if jnp.issubdtype(input.dtype, jnp.integer) else out / count
    elif reduce == "prod":
        # dense product per target (jax cannot differentiate a multiplying scatter with duplicates)
        n = input.shape[dim]
        hot = index[..., None] == jnp.arange(n)
        prod = jnp.moveaxis(jnp.prod(jnp.where(hot, src[..., None], 1), axis=dim), -1, dim)
        touched = jnp.moveaxis(jnp.any(hot, axis=dim), -1, dim)
        pad = [(0, input.shape[k] - prod.shape[k]) for k in range(input.ndim)]
        prod = jnp.pad(prod, pad, constant_values=1)
        touched = jnp.pad(touched, pad)
        out = input * prod if include_self else jnp.where(touched, prod, input)
    else:
        op_ = "max" if reduce == "amax" else "min"
        if include_self:
            out = getattr(input.at[idx], op_)(src)
        else:
            fill = jnp.finfo(input.dtype).min if op_ == "max" else jnp.finfo(input.dtype).max
            if not jnp.issubdtype(input.dtype, jnp.floating):
                fill = jnp.iinfo(input.dtype).min if op_ == "max" else jnp.iinfo(input.dtype).max
            touched = jnp.zeros(input.shape, bool).at[idx].set(True)
            out = getattr(jnp.where(touched, fill, input).at[idx], op_)(src)
    return out.reshape(()) if squeeze else out


def _scatter_call(name, input, dim, index, src, reduce, include_self=True):
    T = _tensor_cls()
    d = _wrap(dim, input.dim())
    if isinstance(src, T) and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_index(name, input, d, index, src if isinstance(src, T) and src.dim() else None)
    _checks.index_in_bounds(index, d, input.shape[d] if input.dim() else 1)
    return _scatter(input, index, src, dim=d, reduce=reduce, include_self=include_self)


@public()
def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    if src is None:
        src = value
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    T = _tensor_cls()
    if isinstance(src, T) and src.dim() == 0 and src.numel() == 1 and index.dim() > 0:
        src = src.reshape(())
    return _scatter_call("scatter", input, dim, index, src, {"add": "sum", "multiply": "prod"}.get(reduce))


@public()
def scatter_add(input, dim, index, src):
    return _scatter_call("scatter_add", input, dim, index, src, "sum")


@public()
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    if reduce not in _SCATTER_REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return _scatter_call("scatter_reduce", input, dim, index, src, reduce, bool(include_self))


@public()
def index_select(input, dim, index):
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    d = _wrap(dim, input.dim())
    _checks.index_in_range(index, input.shape[d] if input.dim() else 1, _checks.out_of_range_in_self)
    return _index_select(input, index.reshape(-1), dim=d)


@op(tensors=("input", "index"), method=False, function=False, grad_name="IndexSelectBackward0")
def _index_select(input, index, *, dim):
    if input.ndim == 0:
        return input.reshape(1)[index].reshape(())
    return jnp.take(input, index, axis=dim, mode="clip")


_INDEX_DTYPES = {"index_add": (("int32", "int64"), RuntimeError,
                                "index_add_(): Expected dtype int32/int64 for index but got: {}"),
                  "index_copy": (("int64",), RuntimeError, "index_copy_(): Expected a long tensor for index, but got {}"),
                  "index_fill": (("int64",), IndexError, "index_fill_(): Expected dtype int64 for index.")}


def _index_along(input, dim, index, name):
    allowed, kind, message = _INDEX_DTYPES[name]
    if index.dtype.name not in allowed:  # a bool or float index is torch's error, not a mask or a cast
        raise kind(message.format(_dtype.scalar_name(index.dtype)))
    d = _wrap(dim, input.dim())
    if index.dim() > 1:
        raise IndexError("index_add_(): Index is supposed to be a vector")
    size = input.shape[d] if input.dim() else 1
    # torch's words differ by op (and, for index_add, by the input's rank)
    if name == "index_add" and input.dim() <= 1:
        _checks.index_in_range(index, size, _checks.out_of_range_in_self)
    else:
        kind, prefix = (RuntimeError, "") if name == "index_add" else (
            IndexError, "index_copy_(): " if name == "index_copy" else "")
        _checks.index_in_range(index, size, lambda bad: _checks.out_of_bounds(bad, d, size, kind, prefix))
    return d


@op(tensors=("input", "index", "source", "alpha"), method=False, function=False, grad_name="IndexAddBackward0")
def _index_add(input, index, source, alpha, *, dim, mode):
    idx = (slice(None),) * dim + (index,)
    source = source.astype(input.dtype)
    if mode == "add":
        return input.at[idx].add(source * alpha.astype(input.dtype) if alpha is not None else source)
    if mode == "copy":
        return input.at[idx].set(source)
    return input.at[idx].set(jnp.broadcast_to(source, input[idx].shape))


@public()
def index_add(input, dim, index, source, *, alpha=1):
    d = _index_along(input, dim, index, "index_add")
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_add_(): self ({_dtype.scalar_name(input.dtype)}) and source "
                           f"({_dtype.scalar_name(source.dtype)}) must have the same scalar type")
    return _index_add(input, index.reshape(-1), source, alpha, dim=d, mode="add")


@public()
def index_copy(input, dim, index, source):
    d = _index_along(input, dim, index, "index_copy")
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_dtype.scalar_name(input.dtype)} and (source) {_dtype.scalar_name(source.dtype)}")
    return _index_add(input, index.reshape(-1), source, None, dim=d, mode="copy")


@public()
def index_fill(input, dim, index, value):
    d = _index_along(input, dim, index, "index_fill")
    T = _tensor_cls()
    if isinstance(value, T) and value.dim() != 0:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    return _index_add(input, index.reshape(-1), value, None, dim=d, mode="fill")


# -- masks ---------------------------------------------------------------------------------

@op(tensors=("input", "mask", "value"), method=False, function=False, grad_name="MaskedFillBackward0")
def _masked_fill(input, mask, value):
    return jnp.where(mask, value.astype(input.dtype), input)


def _check_mask(name, mask):
    if mask.dtype.name != "bool":
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {mask.dtype.name}"
                           .replace("float32", "float"))


@public()
def masked_fill(input, mask, value):
    T = _tensor_cls()
    _check_mask("masked_fill_", mask)
    if isinstance(value, T) and value.dim() != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    return _masked_fill(input, mask, value)


@public(function=False)
def masked_fill_(self, mask, value):
    from .movement import broadcast_shapes
    if tuple(broadcast_shapes(self.shape, mask.shape)) != tuple(self.shape):
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(broadcast_shapes(self.shape, mask.shape))}")
    return self._assign(masked_fill(self, mask, value), "masked_fill_")


@public()
def masked_select(input, mask):
    if mask.dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    from .movement import broadcast_tensors
    x, m = broadcast_tensors(input, mask)
    idx = nonzero(m.reshape(-1), as_tuple=True)[0]
    return _index_adv([x.reshape(-1), idx], spec=(("t", 0),))


@op(tensors=("input", "mask", "source"), method=False, function=False, grad_name="MaskedScatterBackward0")
def _masked_scatter(input, mask, source):
    mask = jnp.broadcast_to(mask, input.shape)
    pos = jnp.cumsum(mask.reshape(-1)) - 1
    src = source.reshape(-1).astype(input.dtype)
    taken = src[jnp.clip(pos, 0, builtins.max(src.size - 1, 0))].reshape(input.shape)
    return jnp.where(mask, taken, input)


@public()
def masked_scatter(input, mask, source):
    _check_mask("masked_scatter_", mask)
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_dtype.scalar_name(input.dtype)} and {_dtype.scalar_name(source.dtype)}")
    return _masked_scatter(input, mask, source)


# -- flat indexing -------------------------------------------------------------------------

@public()
def take(input, index):
    n = input.numel()
    _checks.index_in_range(index, n, lambda bad: _checks.take_out_of_range(bad, n), negatives_ok=True)
    return _take(input, index)


@op(tensors=("input", "index"), method=False, function=False, grad_name="TakeBackward0")
def _take(input, index):
    flat = input.reshape(-1)
    return flat[jnp.where(index < 0, index + flat.size, index)]


@op(tensors=("input", "indices"), method=False, function=False, grad_name="TakeAlongDimBackward0")
def _take_along_dim(input, indices, *, dim):
    shape = list(jnp.broadcast_shapes(input.shape[:dim] + (1,) + input.shape[dim + 1:],
                                      indices.shape[:dim] + (1,) + indices.shape[dim + 1:]))
    x = jnp.broadcast_to(input, tuple(shape[:dim]) + (input.shape[dim],) + tuple(shape[dim + 1:]))
    i = jnp.broadcast_to(indices, tuple(shape[:dim]) + (indices.shape[dim],) + tuple(shape[dim + 1:]))
    return jnp.take_along_axis(x, i, axis=dim)


@public()
def take_along_dim(input, indices, dim=None):
    if dim is None:
        return _take_along_dim(input.reshape(-1), indices.reshape(-1), dim=0)
    if input.dim() != indices.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.dim()} dimensions for input, and {indices.dim()} dimensions for indices")
    return _take_along_dim(input, indices, dim=_wrap(dim, input.dim()))


@op(tensors=("input", "index", "source"), method=False, function=False, grad_name="PutBackward0")
def _put(input, index, source, *, accumulate):
    flat = input.reshape(-1)
    index = jnp.where(index < 0, index + flat.size, index).reshape(-1)
    ref = flat.at[index]
    source = source.reshape(-1).astype(input.dtype)
    return (ref.add(source) if accumulate else ref.set(source)).reshape(input.shape)


@public()
def put(input, index, source, accumulate=False):
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_dtype.scalar_name(input.dtype)} and source.dtype = {_dtype.scalar_name(source.dtype)}")
    return _put(input, index, source, accumulate=bool(accumulate))


# -- in-place forms ------------------------------------------------------------------------

def _inplace(name, fn):
    def method(self, *args, **kwargs):
        return self._assign(fn(self, *args, **kwargs), name)
    method.__name__ = method.__qualname__ = name
    public(name, function=False)(method)
    return method


scatter_ = _inplace("scatter_", scatter)
scatter_add_ = _inplace("scatter_add_", scatter_add)
scatter_reduce_ = _inplace("scatter_reduce_", scatter_reduce)
index_add_ = _inplace("index_add_", index_add)
index_copy_ = _inplace("index_copy_", index_copy)
index_fill_ = _inplace("index_fill_", index_fill)
masked_scatter_ = _inplace("masked_scatter_", masked_scatter)
put_ = _inplace("put_", put)


# -- data-dependent shapes (sync) ------------------------------------------------------------

@public()
def nonzero(input, *, out=None, as_tuple=False):
    from .creation import tensor
    arr = np.asarray(input._value("nonzero"))
    if as_tuple:
        if arr.ndim == 0:
            arr = arr.reshape(1)
        return tuple(tensor(i.astype(np.int64)) for i in np.nonzero(arr))
    return tensor(np.argwhere(arr).astype(np.int64).reshape(-1, arr.ndim))


@public()
def argwhere(input):
    return nonzero(input)
