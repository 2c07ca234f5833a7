"""In-place rebinding: what `x.add_(y)`, `x[0] = 1`, `out=` and `x.data = ...` do to a tensor.

A tensor's value is immutable (a jax array or a pending node); an in-place op computes the
new value out of place and rebinds the tensor to it, checking torch's rules first (a leaf
that requires grad, overlapping memory, a result dtype that cannot be cast). Writing to a
view writes through to its base: the base is rebound to the scatter of the new values.
"""
from .. import _dtype, _strides
from .._device import META
from .._engine import modes
from .._tensor import Tensor, _no_data, _type_name
from .creation import tensor
from .indexing import _view_write
from .movement import broadcast_to

# in-place ops torch allows on a view whose elements share memory (an expand()): the rest raise
_OVERLAP_OK = frozenset(("fill_", "zero_", "index_put_", "out"))


def assign(self, result, opname="copy_"):
    """Rebind self to `result` (an in-place op); writes through to the base of a view."""
    lz = self._fresh_lazy()
    if modes.get().grad_enabled and lz.requires_grad and lz.grad_fn is None and self._base is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if self._base is not None and opname not in _OVERLAP_OK and _strides.has_internal_overlap(self):
        raise RuntimeError(_strides.OVERLAP_ERROR)
    if lz.value is META:  # a meta tensor stays one: there are no values to write
        result = Tensor._from_value(META, lz.dtype, lz.shape)
    elif not isinstance(result, Tensor):
        result = tensor(result, dtype=self.dtype)
    elif result._lazy.value is META:
        raise _no_data(opname)
    rl = result._fresh_lazy()
    if rl.shape != lz.shape:
        try:
            result = broadcast_to(result, lz.shape)
        except RuntimeError:
            raise RuntimeError(f"output with shape {list(lz.shape)} doesn't match the broadcast shape "
                               f"{list(rl.shape)}") from None
    if result.dtype is not self.dtype:
        if _dtype._category(result.dtype) > _dtype._category(self.dtype) and opname != "copy_":
            raise RuntimeError(f"result type {_type_name(result.dtype)} can't be cast to the desired "
                               f"output type {_type_name(self.dtype)}")
        result = result.to(self.dtype)
    new = result._lazy
    base = self._base
    if base is not None:
        bl = base._fresh_lazy()
        if modes.get().grad_enabled and bl.requires_grad and bl.grad_fn is None and new.requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        written = _view_write(base, result, self._view[0])
        base._rebind(written._lazy, bl)
        self._rebind(new, lz)
        self._view = (self._view[0], base._version)
    else:
        self._rebind(new, lz)
    return self


Tensor._assign = assign
