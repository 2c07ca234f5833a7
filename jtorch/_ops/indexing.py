"""Indexing: __getitem__ (basic indexing is a view), __setitem__, and writes through views."""
import jax.numpy as jnp
import numpy as np

from .registry import op, public


def _tensor_cls():
    from .._tensor import Tensor
    return Tensor


def _parse(x, index):
    """Split an index into a hashable spec and the tensors it uses.

    spec entries: ("i", k) int, ("s", start, stop, step) slice, ("n",) None, ("e",) Ellipsis,
    ("t", k) k-th index tensor. Bool masks are turned into integer indices (a sync, as in
    torch, since the result's shape depends on the data).
    """
    T = _tensor_cls()
    if not isinstance(index, tuple):
        index = (index,)
    spec, tensors = [], []
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis and not isinstance(i, bool)
                 and not (isinstance(i, T) and i.dtype.name == "bool"))
    n_real += sum(i.dim() for i in index if isinstance(i, T) and i.dtype.name == "bool")
    if n_real > x.dim():
        raise IndexError(f"too many indices for tensor of dimension {x.dim()}")
    dim = 0
    for pos, i in enumerate(index):
        if i is None:
            spec.append(("n",))
        elif i is Ellipsis:
            spec.append(("e",))
            dim += x.dim() - n_real
        elif isinstance(i, bool):
            spec.append(("n",))
            if not i:
                raise NotImplementedError("jtorch has no lowering for indexing with False yet")
        elif isinstance(i, (int, np.integer)) or (hasattr(i, "__index__") and not isinstance(i, (T, slice))):
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
            if i.dtype.name == "bool":
                for k, idx in enumerate(i.nonzero().unbind(1)):
                    spec.append(("t", len(tensors)))
                    tensors.append(idx)
                dim += i.dim()
                continue
            if i.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            _check_bounds(i, x.shape[dim], dim)
            spec.append(("t", len(tensors)))
            tensors.append(i)
            dim += 1
    return tuple(spec), tensors


def _as_index_tensor(i):
    from .creation import tensor
    arr = np.asarray(i)
    if arr.dtype == object:
        raise IndexError(f"invalid index of type {type(i).__name__}")
    return tensor(arr if arr.dtype == np.bool_ else arr.astype(np.int64))


def _check_bounds(idx, size, dim):
    """Out-of-range tensor indices raise like torch when the index is already concrete."""
    lz = idx._lazy
    if lz.value is None or idx.numel() == 0:
        return
    arr = np.asarray(lz.value)
    bad = (arr >= size) | (arr < -size)
    if bad.any():
        raise IndexError(f"index {int(arr[bad].flat[0])} is out of bounds for dimension {dim} with size {size}")


def _build(spec, arrays):
    out = []
    for e in spec:
        kind = e[0]
        if kind == "i":
            out.append(e[1])
        elif kind == "s":
            out.append(slice(e[1], e[2], e[3]))
        elif kind == "n":
            out.append(None)
        elif kind == "e":
            out.append(Ellipsis)
        else:
            out.append(arrays[e[1]])
    return tuple(out)


@op(view=True, method=False, function=False, grad_name="SliceBackward0")
def _index_basic(input, *, spec):
    return input[_build(spec, ())]


@op(list_input="arrays", method=False, function=False, grad_name="IndexBackward0")
def _index_adv(*arrays, spec):
    return arrays[0][_build(spec, arrays[1:])]


@op(list_input="arrays", method=False, function=False, grad_name="IndexPutBackward0")
def _index_put(*arrays, spec, accumulate):
    input, value, indices = arrays[0], arrays[1], arrays[2:]
    ref = input.at[_build(spec, indices)]
    value = value.astype(input.dtype)
    return ref.add(value) if accumulate else ref.set(value)


@public("__getitem__", function=False)
def getitem(self, index):
    spec, tensors = _parse(self, index)
    if not tensors:
        return _index_basic(self, spec=spec)
    return _index_adv([self] + tensors, spec=spec)


@public("__setitem__", function=False)
def setitem(self, index, value):
    spec, tensors = _parse(self, index)
    T = _tensor_cls()
    if not isinstance(value, T):
        from .creation import tensor
        value = tensor(value, dtype=self.dtype)
    self._assign(_index_put([self, value] + tensors, spec=spec, accumulate=False), "index_put_")


@public()
def index_put(input, indices, values, accumulate=False):
    spec = tuple(("t", k) for k in range(len(indices)))
    return _index_put([input, values] + list(indices), spec=spec, accumulate=accumulate)


@public(function=False)
def index_put_(self, indices, values, accumulate=False):
    return self._assign(index_put(self, indices, values, accumulate), "index_put_")


@op(tensors=("base", "value"), method=False, function=False, grad_name="CopySlices")
def _view_scatter(base, value, *, chain):
    """Write `value` into the elements of `base` that the view `chain` selects.

    The chain is applied to an iota of base's flat positions, which yields, for every
    element of the view, where it lives in base; XLA folds the iota chain to constants.
    """
    pos = jnp.arange(base.size).reshape(base.shape)
    for op_, static, index in chain:
        pos = op_.lower(pos, **dict(static))
        if index is not None:
            pos = pos[index]
    value = jnp.broadcast_to(value.astype(base.dtype), pos.shape)
    return base.reshape(-1).at[pos.reshape(-1)].set(value.reshape(-1)).reshape(base.shape)


def _view_write(base, value, chain):
    from ..autograd.grad_mode import no_grad
    if base._lazy.grad_fn is None:
        with no_grad():  # a leaf written through a view stays a leaf (p.data.add_(...))
            return _view_scatter(base, value, chain=chain)
    return _view_scatter(base, value, chain=chain)
