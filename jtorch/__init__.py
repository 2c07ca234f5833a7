"""jtorch: the PyTorch API on JAX.

jtorch turns on JAX's 64-bit mode (torch's int64 and float64 need it) and full-precision
float32 matmuls (torch's default; no TF32). jtorch itself never creates 64-bit floats
unless asked; other JAX code in the same process sees jnp.array(1.0) as float64 from then
on, and its float32 matmuls at full precision. It also keeps slow-to-compile programs in
JAX's persistent compilation cache (below).
"""
import typing as _typing

import jax as _jax
import os

_jax.config.update("jax_enable_x64", True)
# torch computes float32 matmuls in full float32 unless told otherwise
# (torch.set_float32_matmul_precision('high') turns TF32 back on, here as there)
_jax.config.update("jax_default_matmul_precision", "highest")


def _persistent_compilation_cache():
    """Keep programs that took over a second to compile on disk, as torch.compile's inductor does, so the
    next run of a script loads them instead of compiling again. JTORCH_CACHE_DIR picks the folder ("" turns
    it off); a cache folder set for JAX itself (JAX_COMPILATION_CACHE_DIR) wins.

    With filelock installed JAX evicts least recently used entries, reading the `-atime` file it writes
    beside each `-cache` entry; a single entry without one (written with eviction off, or by a process
    killed between JAX's two writes) makes every later eviction scan, hence every cache write of every
    process, fail with FileNotFoundError. So processes without filelock keep to a subfolder of their own,
    and each process with it first drops such entries, under JAX's lock."""
    if _jax.config.jax_compilation_cache_dir is not None:
        return
    path = os.environ.get("JTORCH_CACHE_DIR")
    if path is None:
        home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = os.path.join(home, "jtorch", "xla")
    if not path:
        return
    try:
        import filelock
    except ImportError:
        filelock = None
        path = os.path.join(path, "unbounded")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:  # a read-only home: compile every run, as before
        return
    _jax.config.update("jax_compilation_cache_dir", path)
    if filelock is None:
        return
    _jax.config.update("jax_compilation_cache_max_size", 2 << 30)
    try:
        with filelock.FileLock(os.path.join(path, ".lockfile"), timeout=2):  # the lock JAX takes for the folder
            names = set(os.listdir(path))
            for name in names:
                if name.endswith("-cache") and name[:-len("cache")] + "atime" not in names:
                    os.remove(os.path.join(path, name))
    except OSError:  # lock busy (filelock.Timeout is a TimeoutError) or folder read-only: JAX reports the rest
        pass


_persistent_compilation_cache()

from . import _ops as _ops  # noqa: E402  registers every op
from ._config import (  # noqa: E402
    BFloat16Tensor as BFloat16Tensor, BoolTensor as BoolTensor, ByteTensor as ByteTensor, CharTensor as CharTensor,
    DoubleTensor as DoubleTensor, FloatTensor as FloatTensor, HalfTensor as HalfTensor, IntTensor as IntTensor,
    LongTensor as LongTensor, ShortTensor as ShortTensor,
    are_deterministic_algorithms_enabled as are_deterministic_algorithms_enabled,
    get_float32_matmul_precision as get_float32_matmul_precision, get_num_interop_threads as get_num_interop_threads,
    get_num_threads as get_num_threads, is_complex as is_complex, is_floating_point as is_floating_point,
    is_storage as is_storage, is_tensor as is_tensor, numel as numel,
    set_float32_matmul_precision as set_float32_matmul_precision,
    set_num_interop_threads as set_num_interop_threads, set_num_threads as set_num_threads, typename as typename,
    use_deterministic_algorithms as use_deterministic_algorithms,
    get_deterministic_debug_mode as get_deterministic_debug_mode,
    set_deterministic_debug_mode as set_deterministic_debug_mode,
    is_deterministic_algorithms_warn_only_enabled as is_deterministic_algorithms_warn_only_enabled,
)
from ._device import (  # noqa: E402
    device as device, get_default_device as get_default_device, set_default_device as set_default_device,
)
from ._dtype import (  # noqa: E402
    bfloat16 as bfloat16, bool as bool, cdouble as cdouble, cfloat as cfloat, complex64 as complex64,
    complex128 as complex128, double as double, dtype as dtype, finfo as finfo, float as float,
    float16 as float16, float32 as float32, float64 as float64, get_default_dtype as get_default_dtype,
    half as half, iinfo as iinfo, int as int, int8 as int8, int16 as int16, int32 as int32, int64 as int64,
    long as long, promote_types as promote_types, set_default_dtype as set_default_dtype, short as short,
    uint8 as uint8, uint16 as uint16, uint32 as uint32, uint64 as uint64, float8_e4m3fn as float8_e4m3fn,
    float8_e4m3fnuz as float8_e4m3fnuz, float8_e5m2 as float8_e5m2, float8_e5m2fnuz as float8_e5m2fnuz,
    float8_e8m0fnu as float8_e8m0fnu,
)
from ._dtype import (  # noqa: E402  (named for torch's API; jtorch cannot hold tensors of these)
    bit as bit, bits1x8 as bits1x8, bits2x4 as bits2x4, bits4x2 as bits4x2, bits8 as bits8, bits16 as bits16,
    chalf as chalf, complex32 as complex32, float4_e2m1fn_x2 as float4_e2m1fn_x2, int1 as int1, int2 as int2,
    int3 as int3, int4 as int4, int5 as int5, int6 as int6, int7 as int7, qint8 as qint8, qint32 as qint32,
    quint2x4 as quint2x4, quint4x2 as quint4x2, quint8 as quint8, uint1 as uint1, uint2 as uint2, uint3 as uint3,
    uint4 as uint4, uint5 as uint5, uint6 as uint6, uint7 as uint7,
)
from ._ops.creation import (  # noqa: E402
    arange as arange, as_tensor as as_tensor, asarray as asarray, empty as empty, empty_like as empty_like,
    eye as eye, from_numpy as from_numpy, full as full, full_like as full_like, linspace as linspace,
    logspace as logspace, ones as ones, ones_like as ones_like, tensor as tensor, zeros as zeros,
    zeros_like as zeros_like,
)
from ._ops.random import Generator as Generator, default_generator as default_generator  # noqa: E402
from ._strides import (  # noqa: E402
    channels_last as channels_last, channels_last_3d as channels_last_3d, contiguous_format as contiguous_format,
    memory_format as memory_format, preserve_format as preserve_format,
)
from ._tensor import Size as Size, Tensor as Tensor  # noqa: E402
from ._tensor_str import set_printoptions as set_printoptions  # noqa: E402
from .autograd.grad_mode import (  # noqa: E402
    enable_grad as enable_grad, inference_mode as inference_mode, is_grad_enabled as is_grad_enabled,
    is_inference_mode_enabled as is_inference_mode_enabled, no_grad as no_grad, set_grad_enabled as set_grad_enabled,
)
from . import autograd as autograd, backends as backends, cuda as cuda, debug as debug  # noqa: E402
from ._compile import compile as compile  # noqa: E402
from . import nn as nn, optim as optim, utils as utils  # noqa: E402
from . import jit as jit, onnx as onnx, serialization as serialization  # noqa: E402
from . import amp as amp, cpu as cpu, distributed as distributed  # noqa: E402
from . import fft as fft, linalg as linalg, random as random, return_types as return_types  # noqa: E402
from . import distributions as distributions, func as func, special as special, testing as testing  # noqa: E402
# torch.autograd.functional is built on torch.func, a layer above autograd: imported here, it joins autograd's namespace
from .autograd import functional as _autograd_functional  # noqa: E402,F401
from . import _dynamo as _dynamo, compiler as compiler, types as types, version as version  # noqa: E402
from . import accelerator as accelerator, fx as fx, hub as hub, library as library, profiler as profiler  # noqa: E402,E501
from . import _C as _C, export as export, overrides as overrides  # noqa: E402
from ._C import DisableTorchFunction as DisableTorchFunction, DisableTorchFunctionSubclass as DisableTorchFunctionSubclass  # noqa: E402,E501
from .storage import UntypedStorage as UntypedStorage  # noqa: E402
from ._init_names import (  # noqa: E402
    AcceleratorError as AcceleratorError, OutOfMemoryError as OutOfMemoryError, SymBool as SymBool,
    SymFloat as SymFloat, SymInt as SymInt, e as e, frombuffer as frombuffer, get_device_module as get_device_module,
    inf as inf, is_inference as is_inference, is_nonzero as is_nonzero, is_same_size as is_same_size,
    is_signed as is_signed, is_warn_always_enabled as is_warn_always_enabled, nan as nan, newaxis as newaxis,
    pi as pi, set_warn_always as set_warn_always, jagged as jagged, layout as layout, sparse_bsc as sparse_bsc,
    sparse_bsr as sparse_bsr, sparse_coo as sparse_coo, sparse_csc as sparse_csc, sparse_csr as sparse_csr,
    strided as strided, sym_float as sym_float, sym_int as sym_int, sym_max as sym_max, sym_min as sym_min,
    sym_not as sym_not, sym_sqrt as sym_sqrt, sym_sum as sym_sum, sym_ite as sym_ite, sym_fresh_size as sym_fresh_size,
    sym_constrain_range as sym_constrain_range, sym_constrain_range_for_size as sym_constrain_range_for_size,
    has_lapack as has_lapack, has_mkl as has_mkl, has_openmp as has_openmp, has_spectral as has_spectral,
    get_device as get_device, is_distributed as is_distributed,
    init_num_threads as init_num_threads, set_flush_denormal as set_flush_denormal,
    is_vulkan_available as is_vulkan_available, set_default_tensor_type as set_default_tensor_type,
    set_autocast_cpu_enabled as set_autocast_cpu_enabled, set_autocast_cpu_dtype as set_autocast_cpu_dtype,
    set_autocast_gpu_dtype as set_autocast_gpu_dtype, get_autocast_ipu_dtype as get_autocast_ipu_dtype,
    set_autocast_ipu_dtype as set_autocast_ipu_dtype, is_autocast_ipu_enabled as is_autocast_ipu_enabled,
    set_autocast_ipu_enabled as set_autocast_ipu_enabled, get_autocast_xla_dtype as get_autocast_xla_dtype,
    set_autocast_xla_dtype as set_autocast_xla_dtype, is_autocast_xla_enabled as is_autocast_xla_enabled,
    set_autocast_xla_enabled as set_autocast_xla_enabled, autocast_increment_nesting as autocast_increment_nesting,
    autocast_decrement_nesting as autocast_decrement_nesting, thread_safe_generator as thread_safe_generator,
)
from .autograd.anomaly_mode import (  # noqa: E402
    is_anomaly_check_nan_enabled as is_anomaly_check_nan_enabled, is_anomaly_enabled as is_anomaly_enabled,
    set_anomaly_enabled as set_anomaly_enabled,
)
from . import _torch_unsupported  # noqa: E402
# TorchScript classes, typed storages, quantized/sparse/vendor-kernel functions: present, refusing with the reason
globals().update({_n: getattr(_torch_unsupported, _n) for _n in _torch_unsupported.__all__})
from .amp import GradScaler as GradScaler  # noqa: E402 - torch.GradScaler is torch.amp.GradScaler
from ._aten_losses import (  # noqa: E402 - torch.kl_div(input, target, reduction=0): aten's integer reduction
    binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
    cosine_embedding_loss as cosine_embedding_loss, ctc_loss as ctc_loss, hinge_embedding_loss as hinge_embedding_loss,
    kl_div as kl_div, margin_ranking_loss as margin_ranking_loss, poisson_nll_loss as poisson_nll_loss,
    triplet_margin_loss as triplet_margin_loss,
)
from .library import ops as ops  # noqa: E402
from .func import vmap as vmap  # noqa: E402 - torch.vmap is torch.func.vmap
from .amp import autocast as autocast  # noqa: E402
from .amp.autocast_mode import (  # noqa: E402
    clear_autocast_cache as clear_autocast_cache, get_autocast_cpu_dtype as get_autocast_cpu_dtype,
    get_autocast_dtype as get_autocast_dtype, get_autocast_gpu_dtype as get_autocast_gpu_dtype,
    is_autocast_cache_enabled as is_autocast_cache_enabled, is_autocast_cpu_enabled as is_autocast_cpu_enabled,
    is_autocast_enabled as is_autocast_enabled, set_autocast_cache_enabled as set_autocast_cache_enabled,
    set_autocast_dtype as set_autocast_dtype, set_autocast_enabled as set_autocast_enabled,
)
from .serialization import load as load, save as save  # noqa: E402
from .utils.dlpack import from_dlpack as from_dlpack  # noqa: E402
from . import interop as interop  # noqa: E402 - modules as JAX functions, JAX functions as ops

# Every op in the table is a jtorch.<name> function (the table is the one definition).
globals().update({_n: _f for _n, _f in _ops.registry.FUNCTIONS.items() if not _n.startswith("_")})
if _typing.TYPE_CHECKING:  # the same functions, spelled out for checkers (tools/gen_stubs.py writes the stub)
    from ._op_functions import *  # noqa: F403

from .version import __version__ as __version__  # noqa: E402  the torch API version, then jtorch's


def __getattr__(name):
    raise _ops.registry.missing("torch", name)
