"""torch.utils.dlpack: exchange tensors with other array libraries through DLPack, without copies.

A jtorch tensor's value is a jax array, so exporting hands out that array's own DLPack
capsule and importing wraps the buffer jax.dlpack makes of the producer's memory. JAX can
only import compact (row-major or transposed) buffers on a device it has: anything else
raises an error naming the tensor's dtype, shape and device instead of copying it somewhere.
"""
import ctypes
import enum

import jax
from .._ops.creation import _from_jax_array
from .._tensor import Tensor

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]


class DLDeviceType(enum.IntEnum):
    """The DLPack device codes (torch.utils.dlpack.DLDeviceType)."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


def to_dlpack(tensor):
    """A DLPack capsule over the tensor's buffer (consumed once, by one from_dlpack)."""
    return tensor.__dlpack__()


# -- reading a capsule (for its device, dtype and layout) ------------------------------------

class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", _DLDevice), ("ndim", ctypes.c_int32),
                ("dtype", _DLDataType), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)), ("byte_offset", ctypes.c_uint64)]


class _DLManagedTensorVersioned(ctypes.Structure):  # DLPack >= 1.0: a version and flags come first
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32), ("manager_ctx", ctypes.c_void_p),
                ("deleter", ctypes.c_void_p), ("flags", ctypes.c_uint64), ("dl_tensor", _DLTensor)]


class _DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", _DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", ctypes.c_void_p)]


_CODES = {0: "int", 1: "uint", 2: "float", 4: "bfloat", 5: "complex", 6: "bool"}


def _capsule_tensor(capsule):
    """The DLTensor an unconsumed capsule holds, or None (consumed, or not a DLPack capsule)."""
    api = ctypes.pythonapi
    api.PyCapsule_GetName.restype = ctypes.c_char_p
    api.PyCapsule_GetName.argtypes = [ctypes.py_object]
    api.PyCapsule_GetPointer.restype = ctypes.c_void_p
    api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    api.PyCapsule_IsValid.restype = ctypes.c_int
    api.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]
    for name, struct in ((b"dltensor_versioned", _DLManagedTensorVersioned), (b"dltensor", _DLManagedTensor)):
        if api.PyCapsule_IsValid(capsule, name):
            return struct.from_address(api.PyCapsule_GetPointer(capsule, name)).dl_tensor
    return None


def _describe(dl):
    shape = [dl.shape[i] for i in range(dl.ndim)]
    kind = _CODES.get(dl.dtype.code, f"code{dl.dtype.code}")
    dtype = "bool" if kind == "bool" else f"{kind}{dl.dtype.bits}" + (f"x{dl.dtype.lanes}" if dl.dtype.lanes != 1
                                                                       else "")
    return shape, dtype, _device_name(dl.device.device_type, dl.device.device_id)


def _device_name(kind, index):
    try:
        kind = DLDeviceType(kind).name
    except ValueError:
        kind = f"device type {kind}"
    return f"{kind}:{index}"


def _compact(shape, strides):
    """Whether the strides (in elements) describe a dense buffer in some dimension order (what jax imports)."""
    expected = 1
    for size, stride in sorted(((s, st) for s, st in zip(shape, strides) if s != 1), key=lambda x: x[1]):
        if stride != expected:
            return False
        expected *= size
    return True


class _Capsule:
    """A bare capsule dressed as a DLPack producer (jax.dlpack takes producers only)."""

    def __init__(self, capsule, device):
        self._capsule, self._device = capsule, device

    def __dlpack__(self, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return self._device


# -- importing -------------------------------------------------------------------------------

def from_dlpack(ext_tensor, *, device=None, copy=None):
    """torch.from_dlpack: a tensor sharing the memory of `ext_tensor` (an object with __dlpack__, such as
    a jax or numpy array or a torch tensor, or a DLPack capsule).

    `device` (optional) asks for the tensor on that device: a move to another device is a copy, which
    copy=False forbids, as in torch. jtorch tensors are immutable values underneath, so in-place ops on
    the result rebind it and never write into the producer's memory.
    """
    if isinstance(ext_tensor, Tensor):
        ext_tensor = ext_tensor.__jax_array__()
    if isinstance(ext_tensor, jax.Array):
        return _from_jax_array(ext_tensor, device=device, copy=bool(copy))
    if hasattr(ext_tensor, "__dlpack__"):
        what = f"{type(ext_tensor).__name__} of dtype {getattr(ext_tensor, 'dtype', '?')}, shape " \
               f"{list(getattr(ext_tensor, 'shape', []))}"
        dev = ext_tensor.__dlpack_device__()
        where = _device_name(*dev)
        layout = _strides_of(ext_tensor)
        producer = ext_tensor
    elif type(ext_tensor).__name__ == "PyCapsule":
        dl = _capsule_tensor(ext_tensor)
        if dl is None:
            raise RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor capsules can be "
                               "consumed only once, so you might have already constructed a tensor from it once.")
        shape, dtype, where = _describe(dl)
        what = f"DLPack capsule of dtype {dtype}, shape {shape}"
        dev = (dl.device.device_type, dl.device.device_id)
        layout = (shape, None if not dl.strides else [dl.strides[i] for i in range(dl.ndim)])
        producer = _Capsule(ext_tensor, dev)
    else:
        raise TypeError(f"from_dlpack expects an object with __dlpack__ or a DLPack capsule, got "
                        f"{type(ext_tensor).__name__}")
    jdev = _jax_device_for(dev, what, where)
    if layout is not None and layout[1] is not None and not _compact(*layout):
        raise RuntimeError(f"from_dlpack: the {what} on {where} is not contiguous (strides {list(layout[1])}) and "
                           "JAX imports only dense buffers; make it contiguous first (.contiguous(), "
                           "np.ascontiguousarray)")
    try:
        arr = jax.dlpack.from_dlpack(producer, device=jdev, copy=copy)
    except (TypeError, ValueError, RuntimeError, jax.errors.JaxRuntimeError) as e:
        raise RuntimeError(f"from_dlpack: JAX cannot import the {what} on {where}: {e}") from None
    return _from_jax_array(arr, device=device, copy=False)


def _strides_of(obj):
    """(shape, strides in elements) of a numpy-like producer, or None when it does not say."""
    strides, shape = getattr(obj, "strides", None), getattr(obj, "shape", None)
    if strides is None or shape is None or callable(strides):
        return None
    itemsize = getattr(getattr(obj, "dtype", None), "itemsize", None)
    if not itemsize:
        return None
    return tuple(shape), tuple(s // itemsize for s in strides)


_PLATFORMS = {1: "cpu", 3: "cpu", 2: "gpu", 13: "gpu", 10: "gpu"}


def _jax_device_for(dl_device, what, where):
    """The jax device that holds a DLPack device's memory, or torch-style error naming it."""
    kind, index = int(dl_device[0]), int(dl_device[1])
    platform = _PLATFORMS.get(kind)
    devices = []
    if platform is not None:
        try:
            devices = jax.devices(platform)
        except RuntimeError:
            devices = []
    if platform == "cpu" and devices:
        return devices[0]
    for d in devices:
        if getattr(d, "local_hardware_id", d.id) == index or d.id == index:
            return d
    have = sorted({str(d) for d in jax.devices()})
    raise RuntimeError(f"from_dlpack: the {what} lives on {where}, a device JAX does not have here "
                       f"(JAX sees {', '.join(have)}); move it to one of those first")
