"""torch.autocast on the op table: ops in torch's lists run with their float inputs cast.

The dispatcher calls `modes.get().autocast(op_name)` for every op while an autocast
region is active; it answers the dtype the op's floating inputs run in (the low
precision dtype, float32) or None (the op runs on its inputs as given, so ops outside
the lists follow type promotion, as in torch). The lists are torch's
(aten/src/ATen/autocast_mode.cpp) mapped onto jtorch's op names; ops jtorch lacks are
listed too, so they join when they appear.
"""
import functools
import warnings

import jax

from .. import _dtype
from .._engine import modes
from .._ops import registry
from .. import cuda

# Ops that run in the low precision dtype on every device type.
_LOWER = frozenset((
    "linear", "matmul", "mm", "bmm", "addmm", "addbmm", "baddbmm", "prelu", "_einsum",
    "_convolution", "_conv_transpose", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "_sdpa", "_mha", "_rnn", "_rnn_cell",
))
# CUDA also lowers matrix-vector products.
_LOWER_CUDA = _LOWER | {"mv", "addmv", "chain_matmul", "linalg_multi_dot"}

# Losses and linear algebra: float32 on CPU and CUDA.
_FP32_COMMON = frozenset((
    "_mse_loss", "_l1_loss", "_smooth_l1_loss", "_huber_loss", "_nll_loss", "_cross_entropy", "_kl_div",
    "_binary_cross_entropy_with_logits", "_hinge_embedding_loss", "_poisson_nll_loss", "_soft_margin_loss",
    "_margin_ranking_loss", "_cosine_embedding_loss", "_triplet_margin_loss", "_multi_margin_loss",
    "_ctc_loss", "_multilabel_margin_loss",
))
# torch's CPU float32 list (CPU keeps softmax, norms and pointwise math in the input dtype).
_FP32_CPU = _FP32_COMMON | {
    "prod", "trace", "_binary_cross_entropy", "_inv", "_cholesky", "_pinv", "_qr", "_svd", "_svdvals", "_eigh",
    "_solve", "_slogdet", "_matrix_rank", "_det", "_cdist", "_stft",
}
# torch's CUDA float32 list (binary_cross_entropy is banned under CUDA autocast, see below).
_FP32_CUDA = _FP32_COMMON | {
    "acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p", "reciprocal", "rsqrt",
    "sinh", "tan", "_pow", "pow", "softplus", "layer_norm", "_layer_norm", "group_norm", "_group_norm",
    "_vector_norm", "_vnorm", "_mnorm",
    "cosine_similarity", "logsumexp", "_interpolate", "_cdist", "_pdist", "_dist", "_renorm",
    # run in float32 unless a dtype argument is given (torch's fp32_set_opt_dtype)
    "sum", "prod", "cumsum", "cumprod", "softmax", "log_softmax",
}
_BANNED_CUDA = frozenset(("_binary_cross_entropy",))

_DEFAULT_DTYPE = {"cpu": _dtype.bfloat16, "cuda": _dtype.float16, "xla": _dtype.bfloat16, "tpu": _dtype.bfloat16}
_SUPPORTED = ("cpu", "cuda", "xla", "tpu", "mps", "xpu", "hpu", "mtia", "maia")

# Autocast state per device type: enabled flag and dtype (torch's thread-local state).
_enabled = {}
_dtypes = dict(_DEFAULT_DTYPE)
_cache_enabled = [True]
_nesting = [0]


def _backend_type():
    """The torch device type of jax's default backend (which device type's autocast applies)."""
    p = jax.default_backend()
    return "cuda" if p == "gpu" else ("xla" if p == "tpu" else p)


def _table(device_type, fast):
    """op name -> dtype for one device type's lists."""
    if device_type == "cuda":
        lower, fp32 = _LOWER_CUDA, _FP32_CUDA
    else:
        lower, fp32 = _LOWER, _FP32_CPU if device_type == "cpu" else _FP32_CUDA
    table = {n: _dtype.float32 for n in fp32}
    table.update({n: fast for n in lower})
    return table


def _banned(name):
    raise RuntimeError(
        "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
        "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
        "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
        "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
        "safe to autocast.")


def _install():
    """Point the dispatcher's hook at the active lists (or None when autocast is off)."""
    dev = _backend_type()
    if dev == "tpu":
        dev = "xla"
    if not _enabled.get(dev, False):
        modes.get().autocast = None
        return
    table = _table(dev, _dtypes[dev])
    get = table.get
    if dev == "cuda":
        def hook(name):
            if name in _BANNED_CUDA:
                _banned(name)
            return get(name)
        modes.get().autocast = hook
    else:
        modes.get().autocast = get


def is_autocast_available(device_type):
    return device_type in _SUPPORTED


def is_autocast_enabled(device_type=None):
    return _enabled.get("cuda" if device_type is None else device_type, False)


def get_autocast_dtype(device_type):
    return _dtypes.get(device_type, _dtype.bfloat16)


def set_autocast_enabled(device_type, enabled=None):
    if enabled is None:  # torch.set_autocast_enabled(enabled): the CUDA flag
        device_type, enabled = "cuda", device_type
    _enabled[device_type] = bool(enabled)
    _install()


def set_autocast_dtype(device_type, dtype):
    _dtypes[device_type] = dtype
    _install()


def is_autocast_cache_enabled():
    return _cache_enabled[0]


def set_autocast_cache_enabled(enabled):
    _cache_enabled[0] = bool(enabled)


def clear_autocast_cache():
    """Nothing to clear: casts are graph nodes that XLA deduplicates inside one program."""


def is_autocast_cpu_enabled():
    return is_autocast_enabled("cpu")


def get_autocast_cpu_dtype():
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype():
    return get_autocast_dtype("cuda")


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None).

    A context manager and decorator. Inside, ops on torch's low precision list (matmul,
    linear, convolutions, ...) run in `dtype`, ops on its float32 list (losses, and on
    CUDA softmax, norms, exp/log, ...) in float32, and every other op on its inputs as
    given. `cache_enabled` is accepted; casting a weight is a graph node that XLA computes
    once per program, so there is no cache to manage.
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type == "tpu":
            device_type = "xla"
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == "cuda":
                if not cuda.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in (_dtype.bfloat16, _dtype.float16):
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                              f"{name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        _enabled[self.device] = self._enabled
        _dtypes[self.device] = self.fast_dtype
        _nesting[0] += 1
        _cache_enabled[0] = self._cache_enabled
        _install()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _nesting[0] -= 1
        _enabled[self.device] = self.prev
        _dtypes[self.device] = self.prev_fastdtype
        _cache_enabled[0] = self.prev_cache_enabled
        _install()
        return False

    def __call__(self, func):
        if not callable(func):
            example = "\n".join(["For example:", "    with torch.autocast(device_type=...):",
                                  "        output = model(input)"])
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                            "Did you mean to use autocast as a context manager? " + example)

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """torch.amp.custom_fwd: run an autograd.Function's forward with autocast off (cast_inputs) or as is."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        if cast_inputs is None or not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        T = registry._Tensor
        args = [a.to(cast_inputs) if isinstance(a, T) and a.is_floating_point() else a for a in args]
        with autocast(device_type=device_type, enabled=False):
            return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """torch.amp.custom_bwd: backward runs under the forward's autocast state (here: as given)."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
