"""torch.fx.passes.shape_prop: run a GraphModule and record each node's output shape and dtype."""
from typing import NamedTuple

from ... import _strides as _memory_format
from ..._tensor import Tensor
from ..interpreter import Interpreter
from ..node import map_aggregate

__all__ = ["TensorMetadata", "ShapeProp"]


class TensorMetadata(NamedTuple):
    shape: object
    dtype: object
    requires_grad: bool
    stride: tuple
    memory_format: object
    is_quantized: bool
    qparams: dict


def _extract_tensor_metadata(result, include_contiguity=True):
    memory_format = None
    if include_contiguity:
        for fmt in (_memory_format.contiguous_format, _memory_format.channels_last,
                    _memory_format.channels_last_3d):
            if result.is_contiguous(memory_format=fmt):
                memory_format = fmt
                break
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, result.stride(), memory_format,
                          False, {})


class ShapeProp(Interpreter):
    """After `ShapeProp(gm).propagate(*inputs)`, every node producing tensors has
    `node.meta['tensor_meta']` (a TensorMetadata, or a structure of them) and `node.meta['type']`."""

    def __init__(self, gm, fake_mode=None):
        super().__init__(gm)
        self.fake_mode = fake_mode

    def run_node(self, n):
        result = super().run_node(n)
        found = []

        def meta(x):
            if isinstance(x, Tensor):
                found.append(True)
                return _extract_tensor_metadata(x)
            return x
        tm = map_aggregate(result, meta)
        if found:
            n.meta["tensor_meta"] = tm
        n.meta["type"] = type(result)
        return result

    def propagate(self, *args):
        return super().run(*args)
