"""torch.backends.mkldnn: oneDNN is not used by jtorch (XLA compiles CPU code)."""
import contextlib

enabled = False
deterministic = False
allow_tf32 = False


def is_available():
    return False


@contextlib.contextmanager
def flags(enabled=False, deterministic=False, allow_tf32=True, fp32_precision="none"):
    yield
