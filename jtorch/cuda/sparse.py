"""torch.cuda.sparse: the legacy sparse CUDA tensor types (none without a GPU, as in torch)."""
from ._legacy import TENSOR_TYPES as _TYPES

__all__ = ["BFloat16Tensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "HalfTensor", "IntTensor",
           "LongTensor", "ShortTensor"]


def _sparse(name):
    base = _TYPES[name]
    return type(name, (base,), {"__module__": "torch.cuda.sparse", "__qualname__": name, "is_sparse": True})


BFloat16Tensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor = (
    _sparse(n) for n in __all__)
