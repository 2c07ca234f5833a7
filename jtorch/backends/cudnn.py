"""torch.backends.cudnn flags (recorded; XLA picks convolution algorithms itself)."""
benchmark = False
deterministic = False
enabled = True
allow_tf32 = True


def is_available():
    from .. import cuda
    return cuda.is_available()
