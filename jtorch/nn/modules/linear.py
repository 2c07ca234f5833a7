"""Identity, Linear, Bilinear, LazyLinear-free."""
import math

from ..._ops.creation import empty
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear"]


class Identity(Module):
    """Returns its input; accepts and ignores any constructor arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


def _fresh(shape, device, dtype):
    """An uninitialised parameter (reset_parameters fills it)."""
    return Parameter(empty(shape, device=device, dtype=dtype))


class Linear(Module):
    """y = x W^T + b."""

    __constants__ = ["in_features", "out_features"]

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = _fresh((out_features, in_features), device, dtype)
        self.register_parameter("bias", _fresh(out_features, device, dtype) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        # torch's default: kaiming-uniform weight with a=sqrt(5), bias uniform in +-1/sqrt(fan_in)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is None:
            return
        fan_in = init._calculate_fan_in_and_fan_out(self.weight)[0]
        limit = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(self.bias, -limit, limit)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """y = x1^T A x2 + b."""

    __constants__ = ["in1_features", "in2_features", "out_features"]

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = _fresh((out_features, in1_features, in2_features), device, dtype)
        self.register_parameter("bias", _fresh(out_features, device, dtype) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        limit = 1 / math.sqrt(self.weight.size(1))  # 1/sqrt(in1_features), for weight and bias alike
        for param in (self.weight, self.bias):
            if param is not None:
                init.uniform_(param, -limit, limit)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
