"""What torch.cuda answers on a build without CUDA, in torch's words (one home for the message)."""

NOT_COMPILED = "Torch not compiled with CUDA enabled"


def require_cuda():
    """torch's check before a call that needs a CUDA device: here, one needs JAX's GPU backend."""
    from . import is_available
    if not is_available():
        raise AssertionError(NOT_COMPILED)
