"""as_strided, the `*_copy` forms of the view ops and the `*_scatter` ops that write a view's elements.

torch's `x_copy(...)` is `x(...).clone()`: the view's values in a fresh tensor. `x_scatter(input, src, ...)` is
the inverse: a copy of `input` with the elements the view would select replaced by `src`.

resize_ and set_ (which change what a tensor holds) live here too.

as_strided reads the storage of its input's base: jtorch's bases are row-major jax arrays, so a size/stride/offset
triple picks flat positions of the base, which is the gather below (a view: writes reach the base).
"""
import builtins

import jax.numpy as jnp
import numpy as np

from . import registry
from .registry import op, public
import warnings
from .._strides import contiguous_strides


def _strided_positions(size, stride, offset):
    pos = np.full(tuple(size), offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return pos


@op(view=True, method=False, function=False, grad_name="AsStridedBackward0")
def _as_strided(input, *, size, stride, storage_offset):
    return input.reshape(-1)[_strided_positions(size, stride, storage_offset)]


def _check_strided(input, size, stride, storage_offset):
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if builtins.any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    if builtins.any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    if storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    base = input if input._base is None else input._base
    if builtins.all(size):
        need = storage_offset + 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
        have = base.numel()
        if need > have:
            item = input.element_size()
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                               f"{storage_offset}, and itemsize {item} requiring a storage size of {need * item} are "
                               f"out of bounds for storage of size {have * item}")
    return base, size, stride


@public()
def as_strided(input, size, stride, storage_offset=None):
    """A view of the storage under `input` with the given sizes, strides and offset (in elements)."""
    if storage_offset is None:
        storage_offset = input.storage_offset()
    base, size, stride = _check_strided(input, size, stride, int(storage_offset))
    return _as_strided(base, size=size, stride=stride, storage_offset=int(storage_offset))


@public(function=False)
def as_strided_(self, size, stride, storage_offset=None):
    if self._base is not None:
        raise RuntimeError("jtorch cannot restride a view in place (it shares no storage); use as_strided()")
    out = as_strided(self, size, stride, storage_offset).clone()
    self._rebind(out._lazy, self._fresh_lazy())
    return self


# -- *_copy: the view, as a new tensor ---------------------------------------------------------

def _copy_of(view_name, name=None, method=False):
    name = name or view_name + "_copy"

    def fn(input, *args, out=None, **kwargs):
        view = registry.FUNCTIONS.get(view_name) or registry.METHODS[view_name]
        result = view(input, *args, **kwargs)
        result = tuple(r.clone() for r in result) if isinstance(result, (tuple, list)) else result.clone()
        if out is None:
            return result
        from .elementwise import _write_out
        return _write_out(out, result)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: the values torch.{view_name} would view, copied into a new tensor."
    return public(name, method=method)(fn)


for _view in ("as_strided", "diagonal", "expand", "permute", "select", "squeeze", "t", "transpose", "unbind",
              "unsqueeze", "view_as_real", "view_as_complex", "split", "split_with_sizes"):
    _copy_of(_view)
del _view


@public(method=False)
def alias_copy(input, *, out=None):
    result = input.clone()
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public(method=False)
def detach_copy(input, *, out=None):
    result = input.detach().clone()
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public(method=False)
def view_copy(input, size, *, out=None):
    result = input.view(size) if not isinstance(size, type(input.dtype)) else input.view(dtype=size)
    result = result.clone()
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public(method=False)
def slice_copy(input, dim=0, start=None, end=None, step=1, *, out=None):
    result = _slice_view(input, dim, start, end, step).clone()
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public(method=False)
def unfold_copy(input, dimension, size, step, *, out=None):
    result = input.unfold(dimension, size, step).clone()
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


def _slice_view(input, dim, start, end, step):
    if input.dim() == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    index = [slice(None)] * input.dim()
    index[dim] = slice(start, end, step)
    return input[tuple(index)]


# -- *_scatter: a copy with the view's elements replaced ---------------------------------------

def _scatter_into(input, src, view):
    """`input` with `view(input)`'s elements set from src (src must have the view's shape)."""
    out = input.clone()
    target = view(out)
    if tuple(target.shape) != tuple(src.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(target.shape)}")
    target.copy_(src)
    return out


@public()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    return _scatter_into(input, src, lambda t: t.diagonal(offset, dim1, dim2))


@public()
def select_scatter(input, src, dim, index):
    return _scatter_into(input, src, lambda t: t.select(dim, index))


@public()
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    return _scatter_into(input, src, lambda t: _slice_view(t, dim, start, end, step))


@public()
def as_strided_scatter(input, src, size, stride, storage_offset=None):
    return _scatter_into(input, src, lambda t: as_strided(t, size, stride, storage_offset))


@public()
def slice_inverse(input, src, dim=0, start=None, end=None, step=1):
    """The inverse of `slice`: the storage under `input` (a slice) viewed with `src`'s sizes and strides."""
    return as_strided(input, tuple(src.shape), src.stride(), src.storage_offset())


def _unsafe(name):
    def fn(*args, **kwargs):
        return registry.FUNCTIONS[name](*args, **kwargs)
    fn.__name__ = fn.__qualname__ = "unsafe_" + name
    fn.__doc__ = f"torch.unsafe_{name}: {name} without torch's view-aliasing checks (the same result here)."
    return public("unsafe_" + name)(fn)


for _name in ("split", "chunk", "split_with_sizes"):
    _unsafe(_name)
del _name


# -- resize_ and set_: a tensor takes another shape or another tensor's values -----------------

def _sizes(sizes):
    shape = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else tuple(sizes)
    shape = tuple(int(n) for n in shape)
    if builtins.any(n < 0 for n in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {builtins.min(shape)}: {list(shape)}")
    return shape


@public(function=False)
def resize_(self, *sizes, memory_format=None):
    """Give self the shape `sizes`, keeping its leading elements in row-major order; elements beyond the old ones
    are uninitialised in torch (zeros here)."""
    from .creation import zeros
    from .movement import cat
    shape = _sizes(sizes)
    lz = self._fresh_lazy()
    if shape == tuple(lz.shape):
        return self
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if self._base is not None:
        raise RuntimeError("jtorch cannot resize a view (it shares no storage to grow into); resize a .clone()")
    flat = self.detach().reshape(-1)
    want = int(np.prod(shape, dtype=np.int64))
    if want <= flat.numel():
        flat = flat[:want]
    else:
        flat = cat((flat, zeros(want - flat.numel(), dtype=self.dtype, device=self.device)))
    self._rebind(flat.reshape(shape)._fresh_lazy(), lz)
    return self


@public(function=False)
def resize_as_(self, the_template, *, memory_format=None):
    return resize_(self, tuple(the_template.shape))


@public(function=False)
def resize(self, *sizes):
    warnings.warn("non-inplace resize is deprecated", stacklevel=2)
    return resize_(self.detach().clone(), *sizes)


@public(function=False)
def resize_as(self, tensor):
    warnings.warn("non-inplace resize_as is deprecated", stacklevel=2)
    return resize_(self.detach().clone(), tuple(tensor.shape))


def _c_type(dt):
    """The C++ element type name torch's set_ error uses."""
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
            "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}.get(dt.name, dt.name)


@public(function=False)
def set_(self, source=None, storage_offset=0, size=None, stride=None):
    """Make self hold `source` (a tensor). torch then shares source's storage; jtorch values are immutable, so
    self takes source's current values (and autograd history) and later in-place writes to one do not reach the
    other."""
    from .creation import empty
    if source is None:
        value = empty(0, dtype=self.dtype, device=self.device)
    elif hasattr(source, "_lazy"):
        if source.dtype is not self.dtype:
            raise RuntimeError(f"Could not set tensor of type {_c_type(source.dtype)} to a tensor of type "
                               f"{_c_type(self.dtype)}")
        if size is not None:
            source = as_strided(source, size, contiguous_strides(tuple(size)) if stride is None else stride,
                                storage_offset)
        value = source
    else:
        raise TypeError("jtorch: Tensor.set_ takes a Tensor (jtorch tensors have no storages to share)")
    lz = self._fresh_lazy()
    if self._base is not None:
        if tuple(value.shape) != tuple(lz.shape):
            raise RuntimeError("jtorch cannot set_ a view to a value of another shape")
        return self._assign(value, "set_")
    if lz.requires_grad and lz.grad_fn is None and value._fresh_lazy().grad_fn is not None:
        raise RuntimeError("set_ on a leaf that requires grad would make it a non-leaf; use .data = ...")
    self._rebind(value._fresh_lazy(), lz)
    return self
