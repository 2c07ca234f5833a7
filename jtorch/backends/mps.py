"""torch.backends.mps: JAX has no Metal backend, so MPS is never available (the queries that need
it raise torch's error for a build without MPS)."""


def is_available():
    return False


def is_built():
    return False


def _no_mps():
    raise RuntimeError("Cannot execute isOnMacOSorNewer() without MPS backend.")


def is_macos_or_newer(major, minor):
    _no_mps()


def is_macos13_or_newer(minor=0):
    _no_mps()


def get_name():
    raise AttributeError("module 'torch._C' has no attribute '_mps_get_name'")


def get_core_count():
    raise AttributeError("module 'torch._C' has no attribute '_mps_get_core_count'")
