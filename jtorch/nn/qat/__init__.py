"""torch.nn.qat: importable, with no layers (jtorch has no quantized tensors); see jtorch/nn/_quantized_stub.py."""
from .._quantized_stub import refuse

__all__ = []
__getattr__ = refuse("torch.nn.qat")
