"""torch.nn.grad: the gradients of a convolution with respect to its input and its weight.

A convolution is linear in each of them, so each is the vector-Jacobian product of the convolution itself,
taken with jtorch's autograd (one compiled program)."""
from .. import autograd
from .._ops.creation import zeros
from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]


def _vjp(conv, wrt, input, weight, grad_output, stride, padding, dilation, groups):
    with autograd.enable_grad():
        out = conv(input, weight, None, stride, padding, dilation, groups)
        return autograd.grad(out, wrt, grad_output)[0]


def _input_grad(conv):
    def grad_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
        x = zeros(tuple(input_size), dtype=grad_output.dtype, device=grad_output.device, requires_grad=True)
        return _vjp(conv, x, x, weight.detach(), grad_output, stride, padding, dilation, groups)
    return grad_input


def _weight_grad(conv):
    def grad_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
        w = zeros(tuple(weight_size), dtype=grad_output.dtype, device=grad_output.device, requires_grad=True)
        return _vjp(conv, w, input.detach(), w, grad_output, stride, padding, dilation, groups)
    return grad_weight


conv1d_input, conv1d_weight = _input_grad(F.conv1d), _weight_grad(F.conv1d)
conv2d_input, conv2d_weight = _input_grad(F.conv2d), _weight_grad(F.conv2d)
conv3d_input, conv3d_weight = _input_grad(F.conv3d), _weight_grad(F.conv3d)
for _nd in (1, 2, 3):
    for _kind in ("input", "weight"):
        _fn = globals()[f"conv{_nd}d_{_kind}"]
        _fn.__name__ = _fn.__qualname__ = f"conv{_nd}d_{_kind}"
        _fn.__doc__ = f"The gradient of conv{_nd}d with respect to its {_kind}."
