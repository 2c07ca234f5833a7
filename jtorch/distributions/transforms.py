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

__all__ = [
    "AffineTransform",
    "ComposeTransform",
    "ExpTransform",
    "Transform",
    "identity_transform",
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
