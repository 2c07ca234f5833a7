"""Conv1d/2d/3d, ConvTranspose1d/2d/3d and their Lazy variants (torch.nn.modules.conv)."""
import math

from ..._ops.creation import empty
from ...autograd.grad_mode import no_grad
from .. import functional as F, init
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"]


def _ntuple(n):
    def parse(x):
        if isinstance(x, (list, tuple)):
            return tuple(x)
        return (x,) * n
    return parse


_single, _pair, _triple = _ntuple(1), _ntuple(2), _ntuple(3)


_PADDING_STRINGS = {"same", "valid"}
_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _validate(in_channels, out_channels, groups, stride, padding, padding_mode):
    """torch's constructor checks, in torch's order and words."""
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    for label, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
        if channels % groups:
            raise ValueError(f"{label} must be divisible by groups")
    if isinstance(padding, str):
        if padding not in _PADDING_STRINGS:
            raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
        if padding == "same" and any(s != 1 for s in stride):
            raise ValueError("padding='same' is not supported for strided convolutions")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")


def _explicit_pads(padding, kernel_size, dilation):
    """The padding as F.pad amounts (last spatial dim first, before/after pairs) for non-"zeros" modes.

    "same" puts the odd extra element after, as torch does."""
    if padding == "valid":
        return [0] * (2 * len(kernel_size))
    if padding == "same":
        pads = []
        for d, k in zip(dilation[::-1], kernel_size[::-1]):
            reach = d * (k - 1)
            pads += [reach // 2, reach - reach // 2]
        return pads
    return [p for p in padding[::-1] for _ in "lr"]


class _ConvNd(Module):
    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding", "in_channels",
                     "out_channels", "kernel_size"]
    _unpickle_defaults = {"padding_mode": "zeros"}

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                 output_padding, groups, bias, padding_mode, device=None, dtype=None):
        super().__init__()
        _validate(in_channels, out_channels, groups, stride, padding, padding_mode)
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.transposed, self.output_padding = transposed, output_padding
        self.groups, self.padding_mode = groups, padding_mode
        self._reversed_padding_repeated_twice = _explicit_pads(padding, kernel_size, dilation)
        # transposed kernels are stored (in, out/groups, *k), regular ones (out, in/groups, *k)
        lead, per_group = (in_channels, out_channels) if transposed else (out_channels, in_channels)
        where = {"device": device, "dtype": dtype}
        self.weight = Parameter(empty((lead, per_group // groups, *kernel_size), **where))
        self.register_parameter("bias", Parameter(empty(out_channels, **where)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        # torch's default: kaiming-uniform weight with a=sqrt(5), bias uniform in +-1/sqrt(fan_in)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        fan_in = init._calculate_fan_in_and_fan_out(self.weight)[0] if self.bias is not None else 0
        if fan_in:
            limit = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -limit, limit)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        for name, neutral in (("padding", 0), ("dilation", 1), ("output_padding", 0)):
            value = getattr(self, name)
            if value != (neutral,) * len(value):
                text += f", {name}={value}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text if self.padding_mode == "zeros" else f"{text}, padding_mode={self.padding_mode}"


def _conv_class(nd, tuple_fn, fn):
    class ConvNd(_ConvNd):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                     bias=True, padding_mode="zeros", device=None, dtype=None):
            kernel_size_ = tuple_fn(kernel_size)
            stride_ = tuple_fn(stride)
            padding_ = padding if isinstance(padding, str) else tuple_fn(padding)
            dilation_ = tuple_fn(dilation)
            super().__init__(in_channels, out_channels, kernel_size_, stride_, padding_, dilation_, False,
                             tuple_fn(0), groups, bias, padding_mode, device, dtype)

        def _conv_forward(self, input, weight, bias):
            if self.padding_mode != "zeros":
                return fn(F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), weight, bias,
                          self.stride, tuple_fn(0), self.dilation, self.groups)
            return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

        def forward(self, input):
            return self._conv_forward(input, self.weight, self.bias)
    ConvNd.__name__ = ConvNd.__qualname__ = f"Conv{nd}d"
    return ConvNd


Conv1d = _conv_class(1, _single, F.conv1d)
Conv2d = _conv_class(2, _pair, F.conv2d)
Conv3d = _conv_class(3, _triple, F.conv3d)


class _ConvTransposeNd(_ConvNd):
    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation=None):
        if output_size is None:
            return self.output_padding
        has_batch_dim = input.dim() == num_spatial_dims + 2
        num_non_spatial_dims = 2 if has_batch_dim else 1
        output_size = list(output_size)
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must have "
                             f"{num_spatial_dims} or {num_non_spatial_dims + num_spatial_dims} elements (got "
                             f"{len(output_size)})")
        min_sizes, max_sizes = [], []
        for d in range(num_spatial_dims):
            dim_size = ((input.size(d + num_non_spatial_dims) - 1) * stride[d] - 2 * padding[d] +
                        (dilation[d] if dilation is not None else 1) * (kernel_size[d] - 1) + 1)
            min_sizes.append(dim_size)
            max_sizes.append(min_sizes[d] + stride[d] - 1)
        for i in range(len(output_size)):
            size, min_size, max_size = output_size[i], min_sizes[i], max_sizes[i]
            if size < min_size or size > max_size:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from "
                                 f"{min_sizes} to {max_sizes} (for an input of {input.size()[2:]})")
        return tuple(output_size[d] - min_sizes[d] for d in range(num_spatial_dims))


def _conv_transpose_class(nd, tuple_fn, fn):
    class ConvTransposeNd(_ConvTransposeNd):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                     bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
            if padding_mode != "zeros":
                raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
            super().__init__(in_channels, out_channels, tuple_fn(kernel_size), tuple_fn(stride), tuple_fn(padding),
                             tuple_fn(dilation), True, tuple_fn(output_padding), groups, bias, padding_mode, device,
                             dtype)

        def forward(self, input, output_size=None):
            output_padding = self._output_padding(input, output_size, self.stride, self.padding, self.kernel_size,
                                                  nd, self.dilation)
            return fn(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                      self.dilation)
    ConvTransposeNd.__name__ = ConvTransposeNd.__qualname__ = f"ConvTranspose{nd}d"
    return ConvTransposeNd


ConvTranspose1d = _conv_transpose_class(1, _single, F.conv_transpose1d)
ConvTranspose2d = _conv_transpose_class(2, _pair, F.conv_transpose2d)
ConvTranspose3d = _conv_transpose_class(3, _triple, F.conv_transpose3d)


class _LazyConvXdMixin(LazyModuleMixin):
    def _lazy_init(self, out_channels, bias, device, dtype):
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            with no_grad():
                if self.transposed:
                    self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
                else:
                    self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()

    def _get_in_channels(self, input):
        no_batch = len(self.kernel_size) + 1
        if input.dim() not in (no_batch, no_batch + 1):
            raise RuntimeError(f"Expected {no_batch}D (unbatched) or {no_batch + 1}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == no_batch + 1 else input.shape[0]


def _lazy_conv(base, nd):
    class LazyConvNd(_LazyConvXdMixin, base):
        cls_to_become = base

        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                     padding_mode="zeros", device=None, dtype=None):
            super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                             device=device, dtype=dtype)
            self._lazy_init(out_channels, bias, device, dtype)

    LazyConvNd.__name__ = LazyConvNd.__qualname__ = f"LazyConv{nd}d"
    LazyConvNd.__doc__ = f"nn.Conv{nd}d with in_channels inferred from input.shape[1]."
    return LazyConvNd


def _lazy_conv_transpose(base, nd):
    class LazyConvTransposeNd(_LazyConvXdMixin, base):
        cls_to_become = base

        def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                     dilation=1, padding_mode="zeros", device=None, dtype=None):
            super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                             padding_mode, device=device, dtype=dtype)
            self._lazy_init(out_channels, bias, device, dtype)

    LazyConvTransposeNd.__name__ = LazyConvTransposeNd.__qualname__ = f"LazyConvTranspose{nd}d"
    LazyConvTransposeNd.__doc__ = f"nn.ConvTranspose{nd}d with in_channels inferred from input.shape[1]."
    return LazyConvTransposeNd


LazyConv1d = _lazy_conv(Conv1d, 1)
LazyConv2d = _lazy_conv(Conv2d, 2)
LazyConv3d = _lazy_conv(Conv3d, 3)
LazyConvTranspose1d = _lazy_conv_transpose(ConvTranspose1d, 1)
LazyConvTranspose2d = _lazy_conv_transpose(ConvTranspose2d, 2)
LazyConvTranspose3d = _lazy_conv_transpose(ConvTranspose3d, 3)
