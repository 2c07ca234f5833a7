"""torch.backends.cudnn flags (recorded; XLA picks convolution algorithms itself)."""
from .. import cuda
benchmark = False
deterministic = False
enabled = True
allow_tf32 = True


def is_available():
    return cuda.is_available()


def version():
    """cuDNN's version number where CUDA works (jaxlib's CUDA plugin carries cuDNN), else None."""
    if not is_available():
        return None
    try:
        from jax._src.lib import cuda_versions
        return int(cuda_versions.cudnn_get_version())
    except Exception:
        return None


def is_acceptable(tensor):
    return is_available()


class flags:  # noqa: N801 - torch's name
    """Context manager setting the cuDNN switches for its block (recorded; XLA picks its algorithms)."""

    def __init__(self, enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
                 fp32_precision="none", depthwise_kernel="auto"):
        self.want = {"enabled": enabled, "benchmark": benchmark, "deterministic": deterministic,
                     "allow_tf32": allow_tf32}

    def __enter__(self):
        g = globals()
        self.saved = {k: g[k] for k in self.want}
        g.update(self.want)
        return self

    def __exit__(self, *exc):
        globals().update(self.saved)
        return False
