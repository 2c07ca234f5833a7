"""torch.backends.cuda flags (recorded)."""
import types
from .. import cuda as _cuda

matmul = types.SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True)


# -- scaled_dot_product_attention kernels: jtorch has one lowering (XLA fuses it), so picking kernels only
# changes speed in torch; the switches are recorded and answer what was set
_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True, "fp16_bf16_reduction_math": False}


def is_built():
    """Whether CUDA works in this jtorch: JAX has a CUDA GPU backend."""
    return _cuda.is_available()


def enable_flash_sdp(enabled):
    _sdp["flash"] = bool(enabled)


def flash_sdp_enabled():
    return _sdp["flash"]


def enable_mem_efficient_sdp(enabled):
    _sdp["mem_efficient"] = bool(enabled)


def mem_efficient_sdp_enabled():
    return _sdp["mem_efficient"]


def enable_math_sdp(enabled):
    _sdp["math"] = bool(enabled)


def math_sdp_enabled():
    return _sdp["math"]


def enable_cudnn_sdp(enabled):
    _sdp["cudnn"] = bool(enabled)


def cudnn_sdp_enabled():
    return _sdp["cudnn"]


def allow_fp16_bf16_reduction_math_sdp(enabled):
    _sdp["fp16_bf16_reduction_math"] = bool(enabled)


def fp16_bf16_reduction_math_sdp_allowed():
    return _sdp["fp16_bf16_reduction_math"]


class SDPAParams:
    """The arguments torch checks kernel eligibility on."""

    def __init__(self, query, key, value, attn_mask, dropout, is_causal, enable_gqa=False):
        self.query, self.key, self.value, self.attn_mask = query, key, value, attn_mask
        self.dropout, self.is_causal, self.enable_gqa = dropout, is_causal, enable_gqa


def can_use_flash_attention(params, debug=False):
    """torch's FlashAttention kernel never runs here (XLA lowers attention itself)."""
    return False


def can_use_efficient_attention(params, debug=False):
    return False


def can_use_cudnn_attention(params, debug=False):
    return False


def is_flash_attention_available():
    return False


def is_ck_sdpa_available():
    return False


class sdp_kernel:  # noqa: N801 - torch's (deprecated) name
    """Context manager setting the four kernel switches for its block."""

    def __init__(self, enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
        self.want = {"flash": enable_flash, "math": enable_math, "mem_efficient": enable_mem_efficient,
                     "cudnn": enable_cudnn}

    def __enter__(self):
        self.saved = dict(_sdp)
        _sdp.update(self.want)
        return self

    def __exit__(self, *exc):
        _sdp.clear()
        _sdp.update(self.saved)
        return False


_libraries = {"linalg": "default", "blas": "cublas", "rocm_fa": "default"}


def preferred_linalg_library(backend=None):
    """XLA chooses its solvers; the preference is recorded and read back."""
    if backend is not None:
        _libraries["linalg"] = str(backend).lower()
    return _libraries["linalg"]


def preferred_blas_library(backend=None):
    if backend is not None:
        _libraries["blas"] = str(backend).lower()
    return _libraries["blas"]


def preferred_rocm_fa_library(backend=None):
    if backend is not None:
        _libraries["rocm_fa"] = str(backend).lower()
    return _libraries["rocm_fa"]


def cublas_workspace_size(size=None):
    """XLA sizes its own cuBLAS workspaces; nothing is reserved by this switch."""
    return 0


def cublaslt_workspace_size(size=None):
    return 0


def blas_workspace_size(size=None, backend=None):
    return 0


class cuFFTPlanCache:  # noqa: N801
    """XLA plans its FFTs; the cache is empty and its limit recorded."""

    def __init__(self, device_index):
        self.device_index = device_index
        self.max_size = 4096

    @property
    def size(self):
        return 0

    def clear(self):
        pass


class cuFFTPlanCacheManager:  # noqa: N801
    def __init__(self):
        self.caches = {}

    def __getitem__(self, device):
        index = getattr(device, "index", device) or 0
        return self.caches.setdefault(index, cuFFTPlanCache(index))

    def __getattr__(self, name):
        return getattr(self[0], name)


class cuFFTPlanCacheAttrContextProp:  # noqa: N801
    def __init__(self, getter, setter):
        self.getter, self.setter = getter, setter


class cuBLASModule:  # noqa: N801
    """torch.backends.cuda.matmul's class."""


cufft_plan_cache = cuFFTPlanCacheManager()
