"""The rest of torch.cuda's surface: typed tensor and storage classes, error types, NVML queries and
handles that only a CUDA build has. Without a GPU each does what torch does without CUDA."""
from .._dtype import bfloat16, bool as _bool, complex64, complex128, float16, float32, float64, int8, int16, int32, \
    int64, uint8
from ._lazy import NOT_COMPILED, require_cuda
from .._tensor import Tensor
from .._ops.creation import empty, tensor


class _TypedTensorMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == "cuda"


class _CudaTypedTensor(metaclass=_TypedTensorMeta):
    """torch.cuda.FloatTensor(...) and friends: a tensor of that dtype on the GPU."""

    dtype = None

    def __new__(cls, *args, **kwargs):
        from . import is_available
        if not is_available():
            raise TypeError(f"type torch.cuda.{cls.__name__} not available. Torch not compiled with CUDA enabled.")
        if len(args) == 1 and not isinstance(args[0], int):
            data = args[0]
            if isinstance(data, Tensor):
                return data.to(device="cuda", dtype=cls.dtype)
            return tensor(data, dtype=cls.dtype, device="cuda")
        return empty(*args, dtype=cls.dtype, device="cuda")


class _CudaStorage:
    dtype = None

    def __new__(cls, *args, wrap_storage=None, dtype=None, device=None, _internal=False):
        require_cuda()
        raise NotImplementedError(f"jtorch has no typed storages yet (torch.cuda.{cls.__name__})")


def _typed(name, dtype, base):
    return type(name, (base,), {"dtype": dtype, "__module__": "torch.cuda", "__qualname__": name})


_DTYPES = {"Double": float64, "Float": float32, "Half": float16, "BFloat16": bfloat16, "Long": int64, "Int": int32,
           "Short": int16, "Char": int8, "Byte": uint8, "Bool": _bool}
TENSOR_TYPES = {f"{k}Tensor": _typed(f"{k}Tensor", v, _CudaTypedTensor) for k, v in _DTYPES.items()}
STORAGE_TYPES = {f"{k}Storage": _typed(f"{k}Storage", v, _CudaStorage) for k, v in
                 {**_DTYPES, "ComplexFloat": complex64, "ComplexDouble": complex128}.items()}


class CudaError(RuntimeError):
    def __init__(self, code):
        super().__init__(f"CUDA error {code}")


class DeferredCudaCallError(Exception):
    pass


class cudaStatus:
    SUCCESS = 0
    ERROR_NOT_READY = 34


def check_error(res):
    if res != cudaStatus.SUCCESS:
        raise CudaError(res)


class device_of:
    """Context manager: the current device is that of `obj` (jtorch places by explicit device only)."""

    def __init__(self, obj):
        self.idx = obj.get_device() if getattr(obj, "is_cuda", False) else -1

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def get_stream_from_external(data_ptr, device=None):
    require_cuda()
    raise NotImplementedError("jtorch: XLA manages its own CUDA streams; an external stream cannot be adopted")


def can_device_access_peer(device, peer_device):
    require_cuda()
    return True


_sync_debug = [0]


def set_sync_debug_mode(debug_mode):
    require_cuda()
    modes = {"default": 0, "warn": 1, "error": 2}
    _sync_debug[0] = modes[debug_mode] if isinstance(debug_mode, str) else int(debug_mode)


def get_sync_debug_mode():
    require_cuda()
    return _sync_debug[0]


def _nvml(device=None):
    raise ModuleNotFoundError("nvidia-ml-py does not seem to be installed or it can't be imported.")


def clock_rate(device=None):
    return _nvml(device)


def memory_usage(device=None):
    return _nvml(device)


def utilization(device=None):
    return _nvml(device)


def temperature(device=None):
    return _nvml(device)


def power_draw(device=None):
    return _nvml(device)


def device_memory_used(device=None):
    return _nvml(device)


def ipc_collect():
    require_cuda()


def cudart():
    require_cuda()
    raise NotImplementedError("jtorch: the CUDA runtime is XLA's and is not exposed")


def current_blas_handle():
    require_cuda()
    raise NotImplementedError("jtorch: cuBLAS handles belong to XLA and are not exposed")


def current_solver_handle():
    require_cuda()
    raise NotImplementedError("jtorch: cuSOLVER handles belong to XLA and are not exposed")


class GreenContext:
    """torch's SM-partitioned CUDA contexts: not available through XLA."""

    @staticmethod
    def create(*args, **kwargs):
        require_cuda()
        raise NotImplementedError("jtorch: green contexts are not available through XLA")


_ = NOT_COMPILED
