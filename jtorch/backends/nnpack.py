"""torch.backends.nnpack: not used by jtorch (XLA picks CPU convolution code)."""
import contextlib

_enabled = [False]


def is_available():
    return False


def set_flags(_enabled_flag):
    old = _enabled[0]
    _enabled[0] = bool(_enabled_flag)
    return (old,)


@contextlib.contextmanager
def flags(enabled=False):
    old = set_flags(enabled)
    try:
        yield
    finally:
        set_flags(old[0])
