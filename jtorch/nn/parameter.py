"""Parameter, Buffer and UninitializedParameter markers (torch.nn.parameter)."""
import sys

from .._engine.graph import Lazy
from .._ops import registry
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


class UninitializedTensorMixin:
    """A parameter or buffer of a lazy module whose shape is not known yet (a 0-element
    placeholder that remembers dtype, device and requires_grad until `materialize`)."""

    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        from .._ops.creation import empty
        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self.data = empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. "
            "This error usually happens in `load_state_dict` when trying to load "
            "an uninitialized parameter into an initialized one. "
            "Call `forward` to initialize the parameters before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. "
            "Call `forward` to initialize the parameters before calling "
            "`module.share_memory()`.")

    def to(self, *args, **kwargs):
        """dtype and device moves stay uninitialized (Module.to/.double()/.cuda() before the first forward)."""
        from .._ops.creation import _parse_to
        device, dtype = _parse_to(args, dict(kwargs))
        return self._uninitialized_like(self.device if device is None else device,
                                        self.dtype if dtype is None else dtype)

    def detach(self):
        return self

    def _fresh_lazy(self):
        # only ops (the dispatcher) are refused; metadata and autograd flags keep working
        frame = sys._getframe(1)
        if frame.f_code is _DISPATCH_CODE:
            name = frame.f_locals["opdef"].name
            raise ValueError(
                f"Attempted to use an uninitialized parameter in {name}. "
                "This error happens when you are using a `LazyModule` or "
                f"explicitly manipulating `torch.nn.parameter.{type(self).__name__}` "
                "objects. When using LazyModules Call `forward` with a dummy batch "
                "to initialize the parameters before calling torch functions")
        return Tensor._fresh_lazy(self)

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self._uninitialized_like(self.device, self.dtype)
        return memo[id(self)]


def is_lazy(param):
    """Whether `param` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is inferred later (lazy modules); becomes a Parameter on materialize()."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .._ops.creation import empty
        t = _share(cls, empty(0, device=device, dtype=dtype))
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def _uninitialized_like(self, device, dtype):
        return UninitializedParameter(self.requires_grad, device, dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is inferred later (lazy modules); becomes a Tensor on materialize()."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from .._ops.creation import empty
        t = _share(cls, empty(0, device=device, dtype=dtype))
        if requires_grad:
            t.requires_grad_(True)
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def _uninitialized_like(self, device, dtype):
        return UninitializedBuffer(self.requires_grad, device, dtype, getattr(self, "persistent", True))


_DISPATCH_CODE = registry.dispatch.__code__
