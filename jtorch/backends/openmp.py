"""torch.backends.openmp: XLA runs its own CPU thread pool."""


def is_available():
    return False
