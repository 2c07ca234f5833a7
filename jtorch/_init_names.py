"""Names torch's own __init__ defines (not ops): math constants, the symbolic number types, error classes,
warn-always, the device module lookup, and small predicates."""
import math

__all__ = ["pi", "e", "inf", "nan", "newaxis", "layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc",
           "sparse_bsr", "sparse_bsc", "jagged", "SymInt", "SymFloat", "SymBool", "OutOfMemoryError",
           "AcceleratorError", "set_warn_always", "is_warn_always_enabled", "get_device_module", "is_nonzero",
           "is_same_size", "is_signed", "is_inference", "frombuffer"]

pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
newaxis = None


class layout:  # noqa: N801 - torch's name
    """How a tensor's elements are stored. jtorch's tensors are all dense (torch.strided)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        raise TypeError("cannot pickle 'layout' object")


strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, jagged = (
    layout(n) for n in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "jagged"))


class SymInt:
    """torch's symbolic int (dynamo's traced sizes). jtorch's sizes are plain ints, so no value is one; the
    class exists for isinstance checks and annotations."""

    def __init__(self, node):
        self.node = node


class SymFloat:
    def __init__(self, node):
        self.node = node


class SymBool:
    def __init__(self, node):
        self.node = node


class OutOfMemoryError(RuntimeError):
    """Raised when the device runs out of memory (XLA's RESOURCE_EXHAUSTED)."""


class AcceleratorError(RuntimeError):
    """An error the accelerator runtime reported."""


_warn_always = [False]


def set_warn_always(b, /):
    """Warn every time (not only once) where torch warns once."""
    _warn_always[0] = bool(b)


def is_warn_always_enabled():
    return _warn_always[0]


def get_device_module(device=None):
    """The module for a device type: torch.cuda for 'cuda', torch.cpu for 'cpu', ..."""
    import importlib

    from ._device import device as _device, get_default_device
    if device is None:
        kind = get_default_device().type
    elif isinstance(device, _device):
        kind = device.type
    elif isinstance(device, str):
        kind = _device(device).type
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    try:
        return importlib.import_module(f"jtorch.{kind}")
    except ImportError:
        raise RuntimeError(f"Device '{kind}' does not have a corresponding module registered as 'torch.{kind}'.") \
            from None


def is_nonzero(input):
    """bool(input) for a one-element tensor; torch's errors for zero or several elements."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other):
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input):
    return input.dtype.is_signed


def is_inference(input):
    """Whether the tensor was made under inference_mode (jtorch does not mark tensors: always False)."""
    return False


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor of `dtype` read from an object exposing the buffer protocol (copied: jax owns its memory)."""
    import numpy as np

    from ._dtype import to_dtype
    from ._ops.creation import from_numpy
    d = to_dtype(dtype)
    raw = memoryview(buffer).cast("B")
    if offset < 0 or offset > len(raw):
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
                         f"({len(raw)} bytes) minus 1.")
    if count == 0 or (count < 0 and (len(raw) - offset) % d.itemsize):
        if count == 0:
            raise ValueError("both buffer length (" + f"{len(raw)}) and count ({count}) must not be 0")
        raise ValueError(f"buffer length ({len(raw) - offset} bytes) after offset ({offset} bytes) must be a "
                         f"multiple of element size ({d.itemsize})")
    arr = np.frombuffer(raw, dtype=d.np, count=count, offset=offset).copy()
    t = from_numpy(arr)
    return t.requires_grad_(True) if requires_grad else t
