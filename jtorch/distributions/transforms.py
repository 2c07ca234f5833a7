"""Transforms: invertible maps y = f(x) with log|det df/dx| (torch.distributions.transforms).

A Transform says what it maps (`domain` -> `codomain`), how (`_call`, `_inverse`), how it
stretches volume (`log_abs_det_jacobian`) and how it changes shapes. `inv` is the same map run
backwards; with cache_size=1 a transform remembers its last (x, y) pair, so that inverting a
value it produced returns the exact input.
"""
from __future__ import annotations

import math

import jtorch as torch
from jtorch import Tensor
from . import constraints
from .utils import _Number, _sum_rightmost
from .utils import broadcast_all
from .utils import vec_to_tril_matrix
from .utils import tril_matrix_to_vec

__all__ = [
    "AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform", "CorrCholeskyTransform",
    "CumulativeDistributionTransform", "ExpTransform", "IndependentTransform", "LowerCholeskyTransform",
    "PositiveDefiniteTransform", "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftplusTransform",
    "TanhTransform", "SoftmaxTransform", "StackTransform", "StickBreakingTransform", "Transform", "identity_transform",
]


class Transform:
    domain: constraints.Constraint  # declared by each transform
    codomain: constraints.Constraint
    bijective = False

    def __init__(self, cache_size: int = 0) -> None:
        if cache_size not in (0, 1):
            raise ValueError("cache_size must be 0 or 1")
        self._cache_size = cache_size
        self._inv: Transform | None = None
        if cache_size:
            self._cached_x_y = (None, None)
        super().__init__()

    def __getstate__(self):
        # the inverse points back at us; it is rebuilt on demand after unpickling
        return {**self.__dict__, "_inv": None}

    @property
    def event_dim(self) -> int:
        if self.domain.event_dim != self.codomain.event_dim:
            raise ValueError("Please use either .domain.event_dim or .codomain.event_dim")
        return self.domain.event_dim

    @property
    def inv(self) -> Transform:
        if self._inv is None:
            self._inv = _InverseTransform(self)
        return self._inv

    @property
    def sign(self) -> int:
        raise NotImplementedError

    def with_cache(self, cache_size=1):
        if cache_size == self._cache_size:
            return self
        if type(self).__init__ is not Transform.__init__:
            raise NotImplementedError(f"{type(self)}.with_cache is not implemented")
        return type(self)(cache_size=cache_size)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return not self == other

    def __call__(self, x):
        if not self._cache_size:
            return self._call(x)
        seen_x, seen_y = self._cached_x_y
        if x is not seen_x:
            seen_x, seen_y = x, self._call(x)
            self._cached_x_y = (seen_x, seen_y)
        return seen_y

    def _inv_call(self, y):
        if not self._cache_size:
            return self._inverse(y)
        seen_x, seen_y = self._cached_x_y
        if y is not seen_y:
            seen_x, seen_y = self._inverse(y), y
            self._cached_x_y = (seen_x, seen_y)
        return seen_x

    def _call(self, x):
        raise NotImplementedError

    def _inverse(self, y):
        raise NotImplementedError

    def log_abs_det_jacobian(self, x, y):
        raise NotImplementedError

    def forward_shape(self, shape):
        return shape

    def inverse_shape(self, shape):
        return shape

    def __repr__(self):
        return f"{type(self).__name__}()"


class _InverseTransform(Transform):
    """The inverse of a transform, sharing its cache; everything defers to the original."""

    def __init__(self, transform: Transform) -> None:
        super().__init__(cache_size=transform._cache_size)
        self._inv = transform

    @constraints.dependent_property(is_discrete=False)
    def domain(self):
        return self._inv.codomain

    @constraints.dependent_property(is_discrete=False)
    def codomain(self):
        return self._inv.domain

    bijective = property(lambda self: self._inv.bijective)
    sign = property(lambda self: self._inv.sign)
    inv = property(lambda self: self._inv)

    def with_cache(self, cache_size=1):
        return self._inv.with_cache(cache_size).inv

    def __eq__(self, other):
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    def __call__(self, x):
        return self._inv._inv_call(x)

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape):
        return self._inv.inverse_shape(shape)

    def inverse_shape(self, shape):
        return self._inv.forward_shape(shape)

    def __repr__(self):
        return f"{type(self).__name__}({self._inv!r})"


def _widened(constraint, event_dim):
    """constraint, with extra rightmost dimensions folded into its events to reach event_dim."""
    extra = event_dim - constraint.event_dim
    if extra < 0:
        raise AssertionError(f"event_dim {event_dim} must be >= {constraint.event_dim}")
    return constraints.independent(constraint, extra) if extra else constraint


class ComposeTransform(Transform):
    """parts applied left to right; an empty list is the identity."""

    def __init__(self, parts: list[Transform], cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.parts = [p.with_cache(cache_size) for p in parts] if cache_size else parts

    def __eq__(self, other):
        return isinstance(other, ComposeTransform) and self.parts == other.parts

    def _input_event_dim(self):
        # walk backwards from the output: each part needs at least its own domain's event dims
        need = self.parts[-1].codomain.event_dim
        for p in reversed(self.parts):
            need = max(need - p.codomain.event_dim + p.domain.event_dim, p.domain.event_dim)
        return need

    def _output_event_dim(self):
        have = self.parts[0].domain.event_dim
        for p in self.parts:
            have = max(have - p.domain.event_dim + p.codomain.event_dim, p.codomain.event_dim)
        return have

    @constraints.dependent_property(is_discrete=False)
    def domain(self):
        # the empty composition is the identity on the reals
        return _widened(self.parts[0].domain, self._input_event_dim()) if self.parts else constraints.real

    @constraints.dependent_property(is_discrete=False)
    def codomain(self):
        return _widened(self.parts[-1].codomain, self._output_event_dim()) if self.parts else constraints.real

    @property
    def bijective(self) -> bool:
        return all(p.bijective for p in self.parts)

    @property
    def sign(self):
        out = 1
        for p in self.parts:
            out = out * p.sign
        return out

    @property
    def inv(self) -> Transform:
        if self._inv is None:
            back = ComposeTransform([p.inv for p in self.parts[::-1]])
            back._inv, self._inv = self, back
        return self._inv

    def with_cache(self, cache_size=1):
        return self if cache_size == self._cache_size else ComposeTransform(self.parts, cache_size=cache_size)

    def __call__(self, x):
        for p in self.parts:
            x = p(x)
        return x

    def log_abs_det_jacobian(self, x, y):
        if len(self.parts) == 0:
            return torch.zeros_like(x)
        # the intermediate values (free when the parts cache them), ending at the given y
        points = [x]
        for p in self.parts[:-1]:
            points.append(p(points[-1]))
        points.append(y)
        total, dims = 0, self.domain.event_dim
        for p, a, b in zip(self.parts, points, points[1:]):
            # each part's term is per its own event; sum the rest of the composite event
            total = total + _sum_rightmost(p.log_abs_det_jacobian(a, b), dims - p.domain.event_dim)
            dims += p.codomain.event_dim - p.domain.event_dim
        return total

    def forward_shape(self, shape):
        for p in self.parts:
            shape = p.forward_shape(shape)
        return shape

    def inverse_shape(self, shape):
        for p in self.parts[::-1]:
            shape = p.inverse_shape(shape)
        return shape

    def __repr__(self):
        inner = ",\n    ".join(repr(p) for p in self.parts)
        return f"{type(self).__name__}(\n    {inner}\n)"


identity_transform = ComposeTransform([])


class ExpTransform(Transform):
    """y = exp(x)."""

    bijective, sign = True, 1
    domain, codomain = constraints.real, constraints.positive

    def _inverse(self, y):
        return torch.log(y)

    def _call(self, x):
        return torch.exp(x)

    def log_abs_det_jacobian(self, x, y):
        return x  # d exp(x) / dx = exp(x)

    def __eq__(self, other):
        return isinstance(other, ExpTransform)


class AffineTransform(Transform):
    """y = loc + scale * x, elementwise; `event_dim` dimensions form one event."""

    bijective = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, event_dim: int = 0,
                 cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.loc, self.scale, self._event_dim = loc, scale, event_dim

    @property
    def event_dim(self) -> int:
        return self._event_dim

    def _reals(self):
        return constraints.independent(constraints.real, self._event_dim) if self._event_dim else constraints.real

    @constraints.dependent_property(is_discrete=False)
    def domain(self):
        return self._reals()

    @constraints.dependent_property(is_discrete=False)
    def codomain(self):
        return self._reals()

    def with_cache(self, cache_size=1):
        if cache_size == self._cache_size:
            return self
        return AffineTransform(self.loc, self.scale, self._event_dim, cache_size=cache_size)

    def __eq__(self, other):
        if not isinstance(other, AffineTransform):
            return False

        def same(a, b):
            if isinstance(a, _Number) and isinstance(b, _Number):
                return a == b
            return bool((a == b).all().item())

        return same(self.loc, other.loc) and same(self.scale, other.scale)

    @property
    def sign(self):
        s = self.scale
        if isinstance(s, _Number):
            return (s > 0) - (s < 0)
        return s.sign()

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def _call(self, x):
        return x * self.scale + self.loc

    def log_abs_det_jacobian(self, x, y):
        s = self.scale
        per_entry = (torch.full_like(x, math.log(abs(s))) if isinstance(s, _Number)
                     else torch.abs(s).log())
        batch = x.shape[:x.dim() - self._event_dim]
        # torch sums over the event dimensions the scale itself has (a broadcast scale counts once)
        return _sum_rightmost(per_entry, min(self._event_dim, per_entry.dim())).expand(batch)

    def _broadcast(self, shape):
        return torch.broadcast_shapes(shape, getattr(self.loc, "shape", ()), getattr(self.scale, "shape", ()))

    def forward_shape(self, shape):
        return self._broadcast(shape)

    def inverse_shape(self, shape):
        return self._broadcast(shape)


# -- elementwise maps --------------------------------------------------------------------------

class _SameKind:
    """Transforms without parameters are equal when they are of the same class."""

    def __eq__(self, other):
        return type(other) is type(self)

    __hash__ = object.__hash__


class SigmoidTransform(_SameKind, Transform):
    """y = 1 / (1 + exp(-x)), kept strictly inside (0, 1)."""

    bijective, sign = True, 1
    domain, codomain = constraints.real, constraints.unit_interval

    def _call(self, x):
        fi = torch.finfo(x.dtype)
        return torch.clamp(torch.sigmoid(x), min=fi.tiny, max=1.0 - fi.eps)

    def _inverse(self, y):
        fi = torch.finfo(y.dtype)
        y = y.clamp(min=fi.tiny, max=1.0 - fi.eps)
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x, y):
        # log sigma'(x) = log sigma(x) + log sigma(-x)
        return -torch.nn.functional.softplus(-x) - torch.nn.functional.softplus(x)


class TanhTransform(_SameKind, Transform):
    """y = tanh(x)."""

    bijective, sign = True, 1
    domain, codomain = constraints.real, constraints.interval(-1.0, 1.0)

    def _call(self, x):
        return torch.tanh(x)

    def _inverse(self, y):
        return 0.5 * (y.log1p() - (-y).log1p())  # atanh

    def log_abs_det_jacobian(self, x, y):
        # log(1 - tanh(x)^2), written without cancellation for large |x|
        return 2.0 * (math.log(2.0) - x - torch.nn.functional.softplus(-2.0 * x))


class SoftplusTransform(_SameKind, Transform):
    """y = log(1 + exp(x))."""

    bijective, sign = True, 1
    domain, codomain = constraints.real, constraints.positive

    def _call(self, x):
        return torch.nn.functional.softplus(x)

    def _inverse(self, y):
        return y + torch.log(-torch.expm1(-y))

    def log_abs_det_jacobian(self, x, y):
        return -torch.nn.functional.softplus(-x)


class AbsTransform(_SameKind, Transform):
    """y = |x| (not injective: the inverse gives the non-negative preimage)."""

    domain, codomain = constraints.real, constraints.positive

    def _call(self, x):
        return x.abs()

    def _inverse(self, y):
        return y


class PowerTransform(Transform):
    """y = x ** exponent on the positive reals."""

    bijective = True
    domain, codomain = constraints.positive, constraints.positive

    def __init__(self, exponent, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        (self.exponent,) = _broadcast(exponent)

    def with_cache(self, cache_size=1):
        return self if cache_size == self._cache_size else PowerTransform(self.exponent, cache_size=cache_size)

    @property
    def sign(self):
        return self.exponent.sign()

    def __eq__(self, other):
        return isinstance(other, PowerTransform) and bool(self.exponent.eq(other.exponent).all().item())

    def _call(self, x):
        return torch.pow(x, self.exponent)

    def _inverse(self, y):
        return torch.pow(y, self.exponent.reciprocal())

    def log_abs_det_jacobian(self, x, y):
        # d(x^a)/dx = a x^(a-1) = a y / x
        return torch.log(torch.abs(self.exponent * y / x))

    def forward_shape(self, shape):
        return torch.broadcast_shapes(shape, tuple(self.exponent.shape))

    inverse_shape = forward_shape


def _broadcast(*values):
    return broadcast_all(*values)


class SoftmaxTransform(_SameKind, Transform):
    """y = softmax(x) over the last dimension (not injective: the inverse is log y)."""

    domain, codomain = constraints.real_vector, constraints.simplex

    def _call(self, x):
        e = (x - x.max(-1, keepdim=True)[0]).exp()
        return e / e.sum(-1, keepdim=True)

    def _inverse(self, y):
        return y.log()

    def forward_shape(self, shape):
        _dims_at_least(shape, 1)
        return shape

    inverse_shape = forward_shape


def _dims_at_least(shape, n):
    if len(shape) < n:
        raise ValueError("Too few dimensions on input")


# -- maps between structured spaces ---------------------------------------------------------------

class StickBreakingTransform(_SameKind, Transform):
    """R^(K-1) -> the K-simplex: each coordinate takes a sigmoid share of what is left."""

    bijective = True
    domain, codomain = constraints.real_vector, constraints.simplex

    @staticmethod
    def _offset(n, like):
        # shift so that x = 0 maps onto the uniform point of the simplex
        return (n + 1 - torch.ones_like(like).cumsum(-1)).log()

    def _call(self, x):
        z = torch.sigmoid(x - self._offset(x.shape[-1], x))
        left = (1 - z).cumprod(-1)
        ones = torch.ones_like(z[..., :1])
        return torch.cat([z, ones], -1) * torch.cat([ones, left], -1)

    def _inverse(self, y):
        head = y[..., :-1]
        rest = (1 - head.cumsum(-1)).clamp(min=torch.finfo(y.dtype).tiny)
        return head.log() - rest.log() + self._offset(head.shape[-1], head)

    def log_abs_det_jacobian(self, x, y):
        z = x - self._offset(x.shape[-1], x)
        return (-z + torch.nn.functional.logsigmoid(z) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape):
        _dims_at_least(shape, 1)
        return torch.Size(tuple(shape[:-1]) + (shape[-1] + 1,))

    def inverse_shape(self, shape):
        _dims_at_least(shape, 1)
        return torch.Size(tuple(shape[:-1]) + (shape[-1] - 1,))


class LowerCholeskyTransform(_SameKind, Transform):
    """Any square matrix -> a lower-triangular one with a positive diagonal (exp on the diagonal)."""

    domain, codomain = constraints.independent(constraints.real, 2), constraints.lower_cholesky

    def _call(self, x):
        return torch.diag_embed(torch.diagonal(x, dim1=-2, dim2=-1).exp()) + torch.tril(x, -1)

    def _inverse(self, y):
        return torch.diag_embed(torch.diagonal(y, dim1=-2, dim2=-1).log()) + torch.tril(y, -1)


class PositiveDefiniteTransform(_SameKind, Transform):
    """Any square matrix -> L L^T with L its LowerCholeskyTransform."""

    domain, codomain = constraints.independent(constraints.real, 2), constraints.positive_definite

    def _call(self, x):
        L = LowerCholeskyTransform()(x)
        return L @ L.mT

    def _inverse(self, y):
        return LowerCholeskyTransform().inv(torch.linalg.cholesky(y))


class CorrCholeskyTransform(_SameKind, Transform):
    """R^(D(D-1)/2) -> Cholesky factors of D x D correlation matrices: tanh to (-1, 1), then each row
    is stick-broken so that it has unit norm."""

    bijective = True
    domain, codomain = constraints.real_vector, constraints.corr_cholesky

    def _call(self, x):
        eps = torch.finfo(x.dtype).eps
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        left = (1 - r * r).sqrt().cumprod(-1)  # the norm each row has left after its first entries
        eye = torch.eye(r.shape[-1], dtype=r.dtype, device=r.device)
        ones = torch.ones_like(left[..., :1])
        return (r + eye) * torch.cat([ones, left[..., :-1]], -1)

    def _inverse(self, y):
        left = 1 - (y * y).cumsum(-1)
        shifted = torch.cat([torch.ones_like(left[..., :1]), left[..., :-1]], -1)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(shifted, diag=-1).sqrt()
        return 0.5 * (t.log1p() - (-t).log1p())

    def log_abs_det_jacobian(self, x, y, intermediates=None):
        left = tril_matrix_to_vec(1 - (y * y).cumsum(-1), diag=-2)
        stick = 0.5 * left.log().sum(-1)
        tanh = -2 * (x + torch.nn.functional.softplus(-2 * x) - math.log(2.0)).sum(-1)
        return stick + tanh

    def forward_shape(self, shape):
        _dims_at_least(shape, 1)
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return torch.Size(tuple(shape[:-1]) + (d, d))

    def inverse_shape(self, shape):
        _dims_at_least(shape, 2)
        d = shape[-1]
        if shape[-2] != d:
            raise ValueError("Input is not square")
        return torch.Size(tuple(shape[:-2]) + (d * (d - 1) // 2,))


class ReshapeTransform(Transform):
    """Reshapes the rightmost in_shape dimensions to out_shape (same number of elements)."""

    bijective = True

    def __init__(self, in_shape, out_shape, cache_size: int = 0) -> None:
        self.in_shape, self.out_shape = torch.Size(in_shape), torch.Size(out_shape)
        if math.prod(self.in_shape) != math.prod(self.out_shape):
            raise ValueError("in_shape, out_shape have different numbers of elements")
        super().__init__(cache_size=cache_size)

    domain = constraints.dependent_property(lambda self: constraints.independent(constraints.real,
                                                                                 len(self.in_shape)))
    codomain = constraints.dependent_property(lambda self: constraints.independent(constraints.real,
                                                                                   len(self.out_shape)))

    def with_cache(self, cache_size=1):
        if cache_size == self._cache_size:
            return self
        return ReshapeTransform(self.in_shape, self.out_shape, cache_size=cache_size)

    def _call(self, x):
        lead = x.shape[:x.dim() - len(self.in_shape)]
        return x.reshape(tuple(lead) + tuple(self.out_shape))

    def _inverse(self, y):
        lead = y.shape[:y.dim() - len(self.out_shape)]
        return y.reshape(tuple(lead) + tuple(self.in_shape))

    def log_abs_det_jacobian(self, x, y):
        return x.new_zeros(tuple(x.shape[:x.dim() - len(self.in_shape)]))

    @staticmethod
    def _swap(shape, have, want):
        _dims_at_least(shape, len(have))
        cut = len(shape) - len(have)
        if tuple(shape[cut:]) != tuple(have):
            raise ValueError(f"Shape mismatch: expected {tuple(shape[cut:])} but got {have}")
        return torch.Size(tuple(shape[:cut]) + tuple(want))

    def forward_shape(self, shape):
        return self._swap(shape, self.in_shape, self.out_shape)

    def inverse_shape(self, shape):
        return self._swap(shape, self.out_shape, self.in_shape)


class IndependentTransform(Transform):
    """base_transform with reinterpreted_batch_ndims more rightmost dimensions in each event."""

    def __init__(self, base_transform: Transform, reinterpreted_batch_ndims: int, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.base_transform, self.reinterpreted_batch_ndims = base_transform.with_cache(cache_size), \
            reinterpreted_batch_ndims

    def with_cache(self, cache_size=1):
        if cache_size == self._cache_size:
            return self
        return IndependentTransform(self.base_transform, self.reinterpreted_batch_ndims, cache_size=cache_size)

    @constraints.dependent_property(is_discrete=False)
    def domain(self):
        return constraints.independent(self.base_transform.domain, self.reinterpreted_batch_ndims)

    @constraints.dependent_property(is_discrete=False)
    def codomain(self):
        return constraints.independent(self.base_transform.codomain, self.reinterpreted_batch_ndims)

    bijective = property(lambda self: self.base_transform.bijective)
    sign = property(lambda self: self.base_transform.sign)

    def _call(self, x):
        _dims_at_least(x.shape, self.domain.event_dim)
        return self.base_transform(x)

    def _inverse(self, y):
        _dims_at_least(y.shape, self.codomain.event_dim)
        return self.base_transform.inv(y)

    def log_abs_det_jacobian(self, x, y):
        return _sum_rightmost(self.base_transform.log_abs_det_jacobian(x, y), self.reinterpreted_batch_ndims)

    def __repr__(self):
        return f"{type(self).__name__}({self.base_transform!r}, {self.reinterpreted_batch_ndims})"

    forward_shape = property(lambda self: self.base_transform.forward_shape)
    inverse_shape = property(lambda self: self.base_transform.inverse_shape)


class CatTransform(Transform):
    """Applies tseq[i] to consecutive slices (of lengths[i]) along dim, as torch.cat joins them."""

    def __init__(self, tseq, dim: int = 0, lengths=None, cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError
        super().__init__(cache_size=cache_size)
        self.transforms = [t.with_cache(cache_size) for t in tseq] if cache_size else list(tseq)
        self.lengths = [1] * len(self.transforms) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.transforms):
            raise AssertionError
        self.dim = dim

    @property
    def event_dim(self) -> int:
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        return sum(self.lengths)

    def with_cache(self, cache_size=1):
        if cache_size == self._cache_size:
            return self
        return CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    def _pieces(self, x):
        if not -x.dim() <= self.dim < x.dim():
            raise AssertionError
        if x.size(self.dim) != self.length:
            raise AssertionError
        start = 0
        for t, n in zip(self.transforms, self.lengths):
            yield t, x.narrow(self.dim, start, n), start, n
            start += n

    def _call(self, x):
        return torch.cat([t(piece) for t, piece, _, _ in self._pieces(x)], dim=self.dim)

    def _inverse(self, y):
        return torch.cat([t.inv(piece) for t, piece, _, _ in self._pieces(y)], dim=self.dim)

    def log_abs_det_jacobian(self, x, y):
        terms = []
        for t, xs, start, n in self._pieces(x):
            term = t.log_abs_det_jacobian(xs, y.narrow(self.dim, start, n))
            if t.event_dim < self.event_dim:
                term = _sum_rightmost(term, self.event_dim - t.event_dim)
            terms.append(term)
        # dim inside the event: the terms are already summed over it
        where = (self.dim - x.dim() if self.dim >= 0 else self.dim) + self.event_dim
        return torch.cat(terms, dim=where) if where < 0 else sum(terms)

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self):
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @constraints.dependent_property
    def codomain(self):
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)


class StackTransform(Transform):
    """Applies tseq[i] to x.select(dim, i) and stacks the results along dim."""

    def __init__(self, tseq, dim: int = 0, cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError
        super().__init__(cache_size=cache_size)
        self.transforms = [t.with_cache(cache_size) for t in tseq] if cache_size else list(tseq)
        self.dim = dim

    def with_cache(self, cache_size=1):
        return self if cache_size == self._cache_size else StackTransform(self.transforms, self.dim, cache_size)

    def _slices(self, z):
        return [z.select(self.dim, i) for i in range(z.size(self.dim))]

    def _map(self, z, inverse):
        if not -z.dim() <= self.dim < z.dim():
            raise AssertionError
        if z.size(self.dim) != len(self.transforms):
            raise AssertionError
        return torch.stack([(t.inv if inverse else t)(v) for t, v in zip(self.transforms, self._slices(z))],
                           dim=self.dim)

    def _call(self, x):
        return self._map(x, False)

    def _inverse(self, y):
        return self._map(y, True)

    def log_abs_det_jacobian(self, x, y):
        return torch.stack([t.log_abs_det_jacobian(a, b) for t, a, b in
                            zip(self.transforms, self._slices(x), self._slices(y))], dim=self.dim)

    bijective = property(lambda self: all(t.bijective for t in self.transforms))
    domain = constraints.dependent_property(
        lambda self: constraints.stack([t.domain for t in self.transforms], self.dim))
    codomain = constraints.dependent_property(
        lambda self: constraints.stack([t.codomain for t in self.transforms], self.dim))


class CumulativeDistributionTransform(Transform):
    """y = distribution.cdf(x): the distribution's support onto the unit interval."""

    bijective, sign = True, 1
    codomain = constraints.unit_interval

    def __init__(self, distribution, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    domain = property(lambda self: self.distribution.support)

    def _call(self, x):
        return self.distribution.cdf(x)

    def log_abs_det_jacobian(self, x, y):
        # dF/dx is the density
        return self.distribution.log_prob(x)

    def _inverse(self, y):
        return self.distribution.icdf(y)

    def with_cache(self, cache_size=1):
        if cache_size == self._cache_size:
            return self
        return CumulativeDistributionTransform(self.distribution, cache_size=cache_size)
