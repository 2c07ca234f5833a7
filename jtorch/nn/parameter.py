"""Parameter, Buffer and UninitializedParameter markers (torch.nn.parameter)."""
import jax
import jax.numpy as jnp

from .. import _dtype
from .._device import jax_device
from .._engine.graph import Lazy
from .._shape import wrap_dim as _wrap_dim
from .._tensor import Size, Tensor
from .._ops.creation import _rebuild
import numpy as np
from .._ops.creation import empty
from .._ops.creation import _parse_to


def _share(cls, data):
    """A new handle of type `cls` on the same value as `data` (no copy; its own autograd flags)."""
    lz = data._fresh_lazy()
    t = cls._from_lazy(Lazy(lz.shape, lz.dtype, value=lz.value, node=lz.node, index=lz.index))
    return t


class Parameter(Tensor):
    """A Tensor that is a module parameter: registered on assignment, requires_grad by default."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
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
        return (_rebuild, (type(self), np.asarray(self._value("pickle")), self.requires_grad))


class Buffer(Tensor):
    """torch.nn.Buffer: assigning one to a Module attribute registers it as a buffer."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = empty(0)
        t = _share(Tensor, data)
        t.persistent = persistent
        t._is_buffer = True
        return t


def _use_error(kind):
    return ValueError("Attempted to use an uninitialized parameter in an operation. This error happens when you "
                      f"are using a `LazyModule` or explicitly manipulating `torch.nn.parameter.{kind}` objects. "
                      "When using LazyModules Call `forward` with a dummy batch to initialize the parameters before "
                      "calling torch functions")


class _UninitializedLazy(Lazy):
    """The value of an uninitialized tensor: dtype, device and autograd flags, but no shape to compute with.
    Every op reads its inputs' shapes (the dispatcher infers the output from them), so any op on one raises
    torch's ValueError, while the metadata torch allows (dtype, device, requires_grad, ...) keeps working."""

    __slots__ = ("kind",)

    def __init__(self, kind, dtype, value):
        super().__init__((0,), dtype, value=value)
        self.kind = kind

    @property
    def shape(self):
        raise _use_error(self.kind)

    @shape.setter
    def shape(self, shape):
        pass  # always the placeholder's (0,), which only size() reports


def _placeholder(cls, requires_grad, device, dtype):
    # a concrete 0-element value (no program to run), on `device` or uncommitted like a default tensor
    dt = _dtype.to_dtype(dtype or _dtype.get_default_dtype())
    value = jnp.zeros((0,), dt.np)
    if device is not None:
        value = jax.device_put(value, jax_device(device))
    t = cls._from_lazy(_UninitializedLazy(cls.__name__, dt, value))
    if requires_grad:
        t.requires_grad_(True)
    return t


class UninitializedTensorMixin:
    """A parameter or buffer of a lazy module whose shape is not known yet (a 0-element
    placeholder that remembers dtype, device and requires_grad until `materialize`)."""

    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self.data = empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def to(self, *args, **kwargs):
        """dtype and device moves stay uninitialized (Module.to/.double()/.cuda() before the first forward)."""
        device, dtype = _parse_to(args, dict(kwargs))
        return self._uninitialized_like(self.device if device is None else device,
                                        self.dtype if dtype is None else dtype)

    def detach(self):
        return self

    def size(self, dim=None):  # allowed by torch: the placeholder's 0 elements
        return Size((0,)) if dim is None else Size((0,))[_wrap_dim(dim, 1)]

    def _value(self, reason="value"):
        raise _use_error(type(self).__name__)

    @Tensor.data.setter
    def data(self, value):
        if not is_lazy(value):  # materialize
            return Tensor.data.fset(self, value)
        # a dtype or device move before materializing (Module.to): still a placeholder
        self._rebind(_UninitializedLazy(type(self).__name__, value.dtype, value._lazy.value), self._lazy)

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
        return _placeholder(cls, requires_grad, device, dtype)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def _uninitialized_like(self, device, dtype):
        return UninitializedParameter(self.requires_grad, device, dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is inferred later (lazy modules); becomes a Tensor on materialize()."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = _placeholder(cls, requires_grad, device, dtype)
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def _uninitialized_like(self, device, dtype):
        return UninitializedBuffer(self.requires_grad, device, dtype, getattr(self, "persistent", True))

