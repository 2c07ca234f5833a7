"""torch.cuda.profiler: start/stop the CUDA profiler (jax.profiler traces jtorch's programs instead)."""
import contextlib

from ._legacy import check_error as check_error, cudart as cudart  # noqa: F401
from ._lazy import require_cuda

__all__ = ["init", "start", "stop", "profile"]

DEFAULT_FLAGS = ["gpustarttimestamp", "gpuendtimestamp", "gridsize3d", "threadblocksize", "streamid",
                 "enableonstart 0", "conckerneltrace"]


def init(output_file, flags=None, output_mode="key_value"):
    require_cuda()


def start():
    require_cuda()


def stop():
    require_cuda()


@contextlib.contextmanager
def profile():
    start()
    try:
        yield
    finally:
        stop()
