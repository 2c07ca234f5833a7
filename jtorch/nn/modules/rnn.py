"""RNN, LSTM, GRU and their cells (torch.nn.modules.rnn).

A layer call is ONE op (`jtorch._ops.rnn._rnn`) whose lowering scans over time with
jax.lax.scan, for all layers and directions together. Parameter names, shapes and the
uniform(-1/sqrt(hidden), 1/sqrt(hidden)) init follow torch, so state_dicts interchange.
"""
import math
import numbers
import warnings



from ... import _dtype
from ..._ops import rnn as _R
from ..._ops.creation import empty, tensor
from ..._ops.random import default_generator
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter
from ..utils.rnn import PackedSequence, _packed_to_padded, _padded_to_packed_data
from .module import Module

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _validate(mode, hidden_size, num_layers, dropout, proj_size):
    """torch's RNN constructor checks, in torch's order and words."""
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1:
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                         "element being zeroed")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    # evaluated one at a time: a later comparison may not even be valid when an earlier one fails
    size_rules = ((lambda: hidden_size <= 0, "hidden_size must be greater than zero"),
                  (lambda: num_layers <= 0, "num_layers must be greater than zero"),
                  (lambda: proj_size < 0, "proj_size should be a positive integer or zero to disable projections"),
                  (lambda: proj_size >= hidden_size, "proj_size has to be smaller than hidden_size"))
    for violated, message in size_rules:
        if violated():
            raise ValueError(message)
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                      f"expects num_layers greater than 1, but got dropout={dropout} and "
                      f"num_layers={num_layers}")
    if mode not in _GATES:
        raise ValueError("Unrecognized RNN mode: " + mode)


def _uniform_reset(module):
    """torch's recurrent init: every parameter drawn from U(-k, k) with k = 1/sqrt(hidden_size)."""
    k = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    with no_grad():
        for p in module.parameters():
            p.uniform_(-k, k)


def _direction_params(layer, suffix, rows, width_in, width_out, bias, proj_size, hidden_size):
    """(name, shape) of one layer-direction's parameters, in torch's registration order."""
    tag = f"_l{layer}{suffix}"
    params = [("weight_ih" + tag, (rows, width_in)), ("weight_hh" + tag, (rows, width_out))]
    if bias:
        params += [("bias_ih" + tag, (rows,)), ("bias_hh" + tag, (rows,))]
    if proj_size > 0:
        params.append(("weight_hr" + tag, (proj_size, hidden_size)))
    return params


class RNNBase(Module):
    """Shared machinery of RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        rate = float(dropout)  # converted before validation, so a non-number fails here as in torch
        _validate(mode, hidden_size, num_layers, dropout, proj_size)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = rate, bidirectional, proj_size
        rows = _GATES[mode] * hidden_size
        width_out = proj_size if proj_size > 0 else hidden_size  # what each direction emits per step
        suffixes = ("", "_reverse") if bidirectional else ("",)
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            width_in = input_size if layer == 0 else width_out * len(suffixes)
            for suffix in suffixes:
                params = _direction_params(layer, suffix, rows, width_in, width_out, bias, proj_size, hidden_size)
                for name, shape in params:
                    setattr(self, name, Parameter(empty(shape, dtype=dtype, device=device)))
                names = [name for name, _ in params]
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self):
        pass

    def reset_parameters(self):
        _uniform_reset(self)

    def extra_repr(self):
        optional = (("proj_size", self.proj_size != 0), ("num_layers", self.num_layers != 1),
                    ("bias", self.bias is not True), ("batch_first", self.batch_first is not False),
                    ("dropout", self.dropout != 0), ("bidirectional", self.bidirectional is not False))
        extras = [f"{name}={getattr(self, name)}" for name, shown in optional if shown]
        return ", ".join([f"{self.input_size}, {self.hidden_size}"] + extras)

    def _name(self):
        return {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)

    def _check_hidden(self, hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != tuple(expected):
            raise RuntimeError(msg.format(list(expected), list(hx.shape)))

    def _run(self, input, hx, cx):
        """Common forward: returns (output, h_n, c_n) in the caller's layout."""
        D = 2 if self.bidirectional else 1
        h_out = self.proj_size if self.proj_size > 0 else self.hidden_size
        packed = isinstance(input, PackedSequence)
        lengths = None
        if packed:
            x, lens = _packed_to_padded(input)
            lengths = tensor(lens, dtype=_dtype.int64)
            sorted_indices = input.sorted_indices
            batched = True
        else:
            if input.dim() not in (2, 3):
                raise ValueError(f"{self._name()}: Expected input to be 2D or 3D, got {input.dim()}D tensor instead")
            batched = input.dim() == 3
            x = input if batched else input.unsqueeze(1)
            if batched and self.batch_first:
                x = x.transpose(0, 1)
            sorted_indices = None
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{x.shape[-1]}")
        B = x.shape[1]
        if not batched:
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
            if cx is not None:
                cx = cx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3 and not packed:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if sorted_indices is not None:
            hx = None if hx is None else hx[:, sorted_indices]
            cx = None if cx is None else cx[:, sorted_indices]
        if hx is not None:
            self._check_hidden(hx, (self.num_layers * D, B, h_out))
        if cx is not None:
            self._check_hidden(cx, (self.num_layers * D, B, self.hidden_size), "Expected hidden[1] size {}, got {}")
        p = self.dropout if self.training else 0.0
        rng = default_generator._key_leaf() if p > 0 and self.num_layers > 1 else None
        out, h_n, c_n = _R._rnn([x, hx, cx, lengths, rng] + self._flat_weights, mode=self.mode,
                                num_layers=self.num_layers, bidirectional=bool(self.bidirectional),
                                has_bias=bool(self.bias), proj_size=int(self.proj_size),
                                hidden_size=int(self.hidden_size), dropout=float(p))
        if packed:
            out = PackedSequence(_padded_to_packed_data(out, input.batch_sizes), input.batch_sizes,
                                 input.sorted_indices, input.unsorted_indices)
            if input.unsorted_indices is not None:
                h_n = h_n[:, input.unsorted_indices]
                c_n = c_n[:, input.unsorted_indices]
        elif not batched:
            out, h_n, c_n = out.squeeze(1), h_n.squeeze(1), c_n.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        return out, h_n, c_n


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    Shape: input (L, N, H_in) ((N, L, H_in) with batch_first, (L, H_in) unbatched, or a
    PackedSequence); returns output (L, N, D * H_out) and h_n (D * num_layers, N, H_out).
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:  # nonlinearity is RNN's fourth positional argument
            nonlinearity, args = args[3], args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        self.nonlinearity = nonlinearity
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        out, h_n, _ = self._run(input, hx, None)
        return out, h_n


class LSTM(RNNBase):
    """Long short-term memory; returns output, (h_n, c_n). `proj_size` adds torch's projection."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        h0 = c0 = None
        if hx is not None:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise RuntimeError("LSTM: Expected hx to be a tuple of (h_0, c_0)")
            h0, c0 = hx
        out, h_n, c_n = self._run(input, h0, c0)
        return out, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit; returns output, h_n."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        out, h_n, _ = self._run(input, hx, None)
        return out, h_n


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        rows = num_chunks * hidden_size  # the gates stacked along dim 0
        where = {"dtype": dtype, "device": device}
        for name, width in (("weight_ih", input_size), ("weight_hh", hidden_size)):
            setattr(self, name, Parameter(empty((rows, width), **where)))
        for name in ("bias_ih", "bias_hh"):
            self.register_parameter(name, Parameter(empty((rows,), **where)) if bias else None)
        self.reset_parameters()

    def extra_repr(self):
        own = self.__dict__  # only the plain attributes count (a subclass may hold them elsewhere)
        text = f"{self.input_size}, {self.hidden_size}"
        if "bias" in own and own["bias"] is not True:
            text += f", bias={own['bias']}"
        if "nonlinearity" in own and own["nonlinearity"] != "tanh":
            text += f", nonlinearity={own['nonlinearity']}"
        return text

    def reset_parameters(self):
        _uniform_reset(self)

    def _cell(self, mode, input, hx, cx):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            hx = None if hx is None else hx.unsqueeze(0)
            cx = None if cx is None else cx.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        out = _R._rnn_cell(input, hx, cx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, mode=mode)
        if not batched:
            out = tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)
        return out


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        return self._cell(mode, input, hx, None)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        h, c = (None, None) if hx is None else hx
        return self._cell("LSTM", input, h, c)


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._cell("GRU", input, hx, None)



