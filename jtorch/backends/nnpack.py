"""torch.backends.nnpack: not used by jtorch (XLA picks CPU convolution code)."""
import contextlib

_state = [False]


def is_available():
    return False


def set_flags(_enabled):  # noqa: F811 - torch's parameter name
    old = _state[0]
    _state[0] = bool(_enabled)
    return (old,)


@contextlib.contextmanager
def flags(enabled=False):
    old = set_flags(enabled)
    try:
        yield
    finally:
        set_flags(old[0])
