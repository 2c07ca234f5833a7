"""Names torch's own __init__ defines (not ops): math constants, the symbolic number types, error classes,
warn-always, the device module lookup, and small predicates."""
import math

from ._dtype import bfloat16 as _bfloat16, float16 as _float16
import importlib
from ._device import device as _device, get_default_device
import numpy as np
from ._dtype import from_tensor_type_name, to_dtype
from ._ops.creation import from_numpy
import warnings
from ._config import DoubleTensor, FloatTensor, HalfTensor, BFloat16Tensor
from ._dtype import bfloat16, float16, float32, float64, set_default_dtype
from .amp import autocast_mode

__all__ = ["pi", "e", "inf", "nan", "newaxis", "layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc",
           "sparse_bsr", "sparse_bsc", "jagged", "SymInt", "SymFloat", "SymBool", "OutOfMemoryError",
           "AcceleratorError", "set_warn_always", "is_warn_always_enabled", "get_device_module", "is_nonzero",
           "is_same_size", "is_signed", "is_inference", "frombuffer", "sym_float", "sym_int", "sym_max", "sym_min",
           "sym_not", "sym_sqrt", "sym_sum", "sym_ite", "sym_fresh_size", "sym_constrain_range",
           "sym_constrain_range_for_size", "has_lapack", "has_mkl", "has_openmp", "has_spectral",
           "get_device",
           "is_distributed", "init_num_threads", "set_flush_denormal", "is_vulkan_available",
           "set_default_tensor_type", "set_autocast_cpu_enabled", "set_autocast_cpu_dtype", "set_autocast_gpu_dtype",
           "get_autocast_ipu_dtype", "set_autocast_ipu_dtype", "is_autocast_ipu_enabled", "set_autocast_ipu_enabled",
           "get_autocast_xla_dtype", "set_autocast_xla_dtype", "is_autocast_xla_enabled", "set_autocast_xla_enabled",
           "autocast_increment_nesting", "autocast_decrement_nesting", "thread_safe_generator"]

pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
newaxis = None


class layout:  # noqa: N801 - torch's name
    """How a tensor's elements are stored. jtorch's tensors are all dense (torch.strided)."""

    __slots__ = ("name",)

    def __init__(self):
        raise TypeError("cannot create 'torch.layout' instances")

    @classmethod
    def _named(cls, name):
        made = object.__new__(cls)
        made.name = name
        return made

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        raise TypeError("cannot pickle 'layout' object")


strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, jagged = (
    layout._named(n) for n in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "jagged"))


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


# -- symbolic-number helpers: jtorch's sizes are plain Python numbers, so these are their plain meanings ----

def sym_float(a):
    return float(a)


def sym_int(a):
    """int(a), rounding toward zero as torch does for floats."""
    if isinstance(a, float):
        return int(math.trunc(a))
    return int(a)


def sym_max(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return float(max(a, b))  # torch: a float operand makes the result a float
    return max(a, b)


def sym_min(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return float(min(a, b))
    return min(a, b)


def sym_not(a):
    return not a


def sym_sqrt(a):
    return math.sqrt(a)


def sym_sum(*args):
    """The sum of a sequence of numbers (torch passes one iterable)."""
    items = args[0] if len(args) == 1 else args
    total = 0
    for x in items:
        total = total + x
    return total


def sym_ite(b, t, f):
    return t if b else f


def sym_fresh_size(expr):
    return expr


def sym_constrain_range(size, *, min=None, max=None):  # noqa: A002 - torch's keywords
    """A size bound for the compiler's symbolic shapes: nothing to record where sizes are concrete."""


def sym_constrain_range_for_size(size, *, min=None, max=None):  # noqa: A002
    """As sym_constrain_range."""


# -- build facts torch reports ---------------------------------------------------------------------------
has_lapack = True     # factorisations run (XLA's own, or LAPACK on CPU)
has_spectral = True   # FFTs run
has_mkl = False       # jtorch calls no MKL
has_openmp = False    # nor OpenMP


def get_device(input):
    """The CUDA index of a tensor's device, -1 for CPU."""
    return input.get_device()


def is_distributed(input):
    return False  # no tensor is a distributed (sharded) tensor here


def init_num_threads():
    """torch sets up its intra-op thread pool; XLA manages its own threads."""


def set_flush_denormal(mode):
    """torch flips the CPU's flush-to-zero bits; XLA's CPU code already flushes denormals, so report that it is
    supported and leave it as is."""
    return True


def is_vulkan_available():
    return False


def set_default_tensor_type(t, /):
    """Deprecated in torch: sets the default float dtype from a tensor type (torch.DoubleTensor or its name)."""

    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    classes = {FloatTensor: float32, DoubleTensor: float64, HalfTensor: float16, BFloat16Tensor: bfloat16}
    if isinstance(t, str):  # the legacy type names, one table in _dtype ('torch.cuda.X' names the same dtype)
        try:
            dt = from_tensor_type_name(t.replace("torch.cuda.", "torch.", 1))
        except KeyError:
            dt = None
        if dt is not None and not dt.is_floating_point:
            raise TypeError("only floating-point types are supported as the default type")
    else:
        dt = classes.get(t)
    if dt is None:
        raise TypeError(f"invalid type: '{t}'" if isinstance(t, str) else "only floating-point types are supported "
                        "as the default type")
    set_default_dtype(dt)


# -- the per-device autocast getters and setters torch kept as deprecated spellings -------------------------

def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def _amp():
    return autocast_mode


def set_autocast_cpu_enabled(enabled):
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    _amp().set_autocast_enabled("cpu", enabled)


def set_autocast_cpu_dtype(dtype):
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    _amp().set_autocast_dtype("cpu", dtype)


def set_autocast_gpu_dtype(dtype):
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    _amp().set_autocast_dtype("cuda", dtype)


def _other_device(kind, default):
    """Getters and setters for a device type jtorch never runs (ipu, xla): the flags are kept, as torch keeps
    them, and no op is ever cast for them."""
    state = {"enabled": False, "dtype": default}

    def is_enabled():
        _deprecated(f"is_autocast_{kind}_enabled()", f"is_autocast_enabled('{kind}')")
        return state["enabled"]

    def set_enabled(enabled):
        _deprecated(f"set_autocast_{kind}_enabled(enabled)", f"set_autocast_enabled('{kind}', enabled)")
        state["enabled"] = bool(enabled)

    def get_dtype():
        _deprecated(f"get_autocast_{kind}_dtype()", f"get_autocast_dtype('{kind}')")
        return state["dtype"]

    def set_dtype(dtype):
        _deprecated(f"set_autocast_{kind}_dtype(dtype)", f"set_autocast_dtype('{kind}', dtype)")
        state["dtype"] = dtype

    for fn, name in ((is_enabled, f"is_autocast_{kind}_enabled"), (set_enabled, f"set_autocast_{kind}_enabled"),
                     (get_dtype, f"get_autocast_{kind}_dtype"), (set_dtype, f"set_autocast_{kind}_dtype")):
        fn.__name__ = fn.__qualname__ = name
    return is_enabled, set_enabled, get_dtype, set_dtype


is_autocast_ipu_enabled, set_autocast_ipu_enabled, get_autocast_ipu_dtype, set_autocast_ipu_dtype = \
    _other_device("ipu", _float16)
is_autocast_xla_enabled, set_autocast_xla_enabled, get_autocast_xla_dtype, set_autocast_xla_dtype = \
    _other_device("xla", _bfloat16)

_nesting = [0]


def autocast_increment_nesting():
    _nesting[0] += 1
    return _nesting[0]


def autocast_decrement_nesting():
    _nesting[0] -= 1
    return _nesting[0]


def thread_safe_generator():
    """The generator a DataLoader worker thread should use: None means the default one, as in torch outside a
    thread worker."""
    return None
