"""Identity, Linear, Bilinear, LazyLinear (torch.nn.modules.linear)."""
import math

from ..._ops.creation import empty
from ...autograd.grad_mode import no_grad
from .. import functional as F, init
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


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


class NonDynamicallyQuantizableLinear(Linear):
    """The Linear MultiheadAttention uses for out_proj; torch keeps it apart only so its quantization passes
    leave it alone, and pickles and state_dicts name it by this path."""


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


class LazyLinear(LazyModuleMixin, Linear):
    """nn.Linear with in_features inferred from input.shape[-1]."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]  # the last dim of the first input
                shapes = {"weight": (self.out_features, self.in_features), "bias": (self.out_features,)}
                for name, shape in shapes.items():
                    if getattr(self, name) is not None:
                        getattr(self, name).materialize(shape)
                self.reset_parameters()
        if self.in_features == 0:  # loaded from a state_dict: the weight knows it
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]
