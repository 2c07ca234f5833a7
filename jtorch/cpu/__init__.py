"""torch.cpu: the CPU device module (amp, is_available, device_count, synchronize)."""
from . import amp as amp  # noqa: F401


def is_available():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def synchronize(device=None):
    """CPU work is already complete when a value is read; nothing to wait for."""
