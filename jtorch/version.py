"""torch.version: the torch release jtorch follows, and which accelerator toolkits back it.

cuda and hip answer what this process can actually use: a CUDA version string only when JAX has a CUDA GPU
(libraries take `torch.version.cuda is not None` to mean "CUDA kernels work here").
"""
from . import cuda as _cuda_mod
__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

__version__ = "2.13.0+jtorch.0.1.0"
debug = False
git_version = "jtorch"
hip = None
rocm = None
xpu = None


def _cuda():
    if not _cuda_mod.is_available():
        return None
    try:
        from jax._src.lib import cuda_versions  # reports the CUDA runtime jaxlib's plugin loaded
        v = cuda_versions.cuda_runtime_get_version()
        return f"{v // 1000}.{v % 1000 // 10}"
    except Exception:  # a plugin without the version query: CUDA works, its exact version is unknown
        return "12.0"


def __getattr__(name):
    if name == "cuda":  # asked lazily: finding the GPU starts JAX's backends
        return _cuda()
    raise AttributeError(f"module 'torch.version' has no attribute '{name}'")
