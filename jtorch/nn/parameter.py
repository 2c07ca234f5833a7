"""Parameter, Buffer and UninitializedParameter markers (torch.nn.parameter)."""
from .._engine.graph import Lazy
from .._tensor import Tensor


def _share(cls, data):
    """A new handle of type `cls` on the same value as `data` (no copy; its own autograd flags)."""
    lz = data._fresh_lazy()
    t = cls._from_lazy(Lazy(lz.shape, lz.dtype, value=lz.value, node=lz.node, index=lz.index))
    return t


class Parameter(Tensor):
    """A Tensor that is a module parameter: registered on assignment, requires_grad by default."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._ops.creation import empty
            data = empty(0)
        t = _share(cls, data)
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        from .._ops.creation import _rebuild
        import numpy as np
        return (_rebuild, (type(self), np.asarray(self._value("pickle")), self.requires_grad))


class Buffer(Tensor):
    """torch.nn.Buffer: assigning one to a Module attribute registers it as a buffer."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from .._ops.creation import empty
            data = empty(0)
        t = _share(Tensor, data)
        t.persistent = persistent
        t._is_buffer = True
        return t


def is_lazy(param):
    return False
