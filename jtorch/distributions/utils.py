"""Small helpers shared by the distributions: parameter broadcasting, probs <-> logits,
cached properties and packing of triangular matrices."""
from __future__ import annotations

from typing import Final

import jtorch as torch
from jtorch import Tensor

__all__ = [
    "broadcast_all",
    "logits_to_probs",
    "clamp_probs",
    "probs_to_logits",
    "lazy_property",
    "tril_matrix_to_vec",
    "vec_to_tril_matrix",
]

# the torch.types aliases the annotations use
Number = int | float | bool
_Number = (int, float, bool)
_size = tuple

euler_constant: Final[float] = 0.57721566490153286060  # Euler-Mascheroni gamma


def is_tensor_like(v) -> bool:
    return isinstance(v, Tensor)


def broadcast_all(*values):
    """The values as tensors of one common shape; plain numbers take the dtype and device of the
    first tensor among them (the default dtype when there is none)."""
    tensors = [v for v in values if is_tensor_like(v)]
    if len(tensors) + sum(isinstance(v, _Number) for v in values) != len(values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if len(tensors) < len(values):
        like = ({"dtype": tensors[0].dtype, "device": tensors[0].device} if tensors
                else {"dtype": torch.get_default_dtype()})
        values = tuple(v if is_tensor_like(v) else torch.tensor(v, **like) for v in values)
    return torch.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device) -> Tensor:
    return torch.randn(shape, dtype=dtype, device=device)


def _sum_rightmost(value, dim: int):
    """value summed over its last `dim` dimensions (numbers and dim == 0 pass through)."""
    if dim == 0:
        return value
    return value.flatten(-dim).sum(-1) if dim > 1 else value.sum(-1)


def _probs_or_logits(probs, logits):
    """(name, value) of the one parameter given; both or neither is an error."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    return ("probs", probs) if logits is None else ("logits", logits)


class _GivenParameter:
    """For distributions taking probs or logits: `_given` names the one passed in, and the
    parameter-shaped helpers read it."""

    @property
    def _param(self):
        return getattr(self, self._given)

    @property
    def param_shape(self):
        return self._param.size()

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    return torch.sigmoid(logits) if is_binary else torch.softmax(logits, dim=-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """probs kept one machine epsilon inside (0, 1), so that their logs stay finite."""
    tiny = torch.finfo(probs.dtype).eps
    return probs.clamp(min=tiny, max=1 - tiny)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    p = clamp_probs(probs)
    # binary: log-odds log(p / (1 - p)); categorical: log p (softmax undoes it up to a constant)
    return torch.log(p) - torch.log1p(-p) if is_binary else torch.log(p)


class lazy_property(property):
    """A read-only attribute computed on first use and then kept in the instance's __dict__.
    Assigning the attribute (as a constructor does for the parameter it was given) stores the
    value directly; `name in obj.__dict__` then tells which parameters were given or computed."""

    def __init__(self, wrapped) -> None:
        super().__init__(wrapped, doc=wrapped.__doc__)
        self.wrapped = wrapped
        self._key = wrapped.__name__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        store = obj.__dict__
        if self._key not in store:
            with torch.enable_grad():  # a derived parameter keeps its gradient path
                store[self._key] = self.wrapped(obj)
        return store[self._key]

    def __set__(self, obj, value) -> None:
        obj.__dict__[self._key] = value

    def __delete__(self, obj) -> None:
        obj.__dict__.pop(self._key, None)


def _band(n: int, diag: int) -> Tensor:
    """Boolean (n, n) mask of the entries (i, j) with j - i <= diag."""
    idx = torch.arange(n)
    return (idx[None, :] - idx[:, None]) <= diag


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    n = mat.shape[-1]
    if not -n <= diag < n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _band(n, diag)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    length = vec.shape[-1]
    # smallest n whose band below `diag` holds `length` entries (row i holds clamp(i + diag + 1, 0, n))
    n, held = 0, 0
    while held < length:
        n += 1
        held = sum(min(max(i + diag + 1, 0), n) for i in range(n))
    if held != length:
        raise ValueError(f"The size of last dimension is {length} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    out = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    out[..., _band(n, diag)] = vec
    return out


class _BinaryGivenParameter(_GivenParameter):
    """A two-outcome `_GivenParameter`: whichever of probs and logits was not given is derived from the
    other (sigmoid / log-odds) on first use."""

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)
