"""Constraints: the sets a distribution's parameters and values live in (torch.distributions.constraints).

A constraint answers `check(value)`: a boolean tensor, one entry per event (an event being the
last `event_dim` dimensions). The singletons and factories at the bottom are the public names;
the private class names are torch's, because `repr` prints them without the underscore.
"""
from __future__ import annotations

import jtorch as torch

__all__ = [  # noqa: RUF022 (grouped by kind)
    "Constraint", "MixtureSameFamilyConstraint", "dependent", "dependent_property", "is_dependent",
    "independent", "cat", "stack", "boolean", "one_hot", "real", "real_vector", "simplex", "multinomial",
    "greater_than", "greater_than_eq", "less_than", "interval", "half_open_interval", "integer_interval",
    "positive", "nonnegative", "unit_interval", "nonnegative_integer", "positive_integer",
    "lower_triangular", "lower_cholesky", "corr_cholesky", "square", "symmetric",
    "positive_semidefinite", "positive_definite",
]


class Constraint:
    """A set of values. `is_discrete`: whether it is countable; `event_dim`: how many rightmost
    dimensions form one element."""

    is_discrete = False
    event_dim = 0

    def check(self, value):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__[1:]}()"


# -- constraints known only once a distribution exists ------------------------------------------

class _Dependent(Constraint):
    """A placeholder for a set that depends on other parameters; it cannot be checked."""

    def __init__(self, *, is_discrete=NotImplemented, event_dim=NotImplemented):
        self._is_discrete, self._event_dim = is_discrete, event_dim
        super().__init__()

    def _known(self, attr):
        value = getattr(self, "_" + attr)
        if value is NotImplemented:
            raise NotImplementedError(f".{attr} cannot be determined statically")
        return value

    is_discrete = property(lambda self: self._known("is_discrete"))
    event_dim = property(lambda self: self._known("event_dim"))

    def __call__(self, **changes):
        """A copy with is_discrete and/or event_dim changed (NotImplemented: keep this one's)."""
        now = {"is_discrete": self._is_discrete, "event_dim": self._event_dim}
        now.update((k, v) for k, v in changes.items() if v is not NotImplemented)
        return _Dependent(**now)

    def check(self, x):
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint):
    return isinstance(constraint, _Dependent)


class _DependentProperty(property, _Dependent):
    """A property whose value, on an instance, is the real constraint; on the class it reads as
    a dependent constraint (so argument validation skips it). Usable bare or with keywords:
    `@dependent_property` or `@dependent_property(is_discrete=True, event_dim=0)`."""

    def __init__(self, fn=None, *, is_discrete=NotImplemented, event_dim=NotImplemented):
        property.__init__(self, fn)
        self._is_discrete, self._event_dim = is_discrete, event_dim

    def __call__(self, fn):
        return type(self)(fn, is_discrete=self._is_discrete, event_dim=self._event_dim)


# -- wrappers over another constraint ----------------------------------------------------------

def _all_over_last(ok, n: int):
    """ok reduced with `all` over its last n dimensions."""
    if n == 0:
        return ok
    return ok.reshape(tuple(ok.shape[:ok.dim() - n]) + (-1,)).all(-1)


class _IndependentConstraint(Constraint):
    """base_constraint with `reinterpreted_batch_ndims` more dimensions folded into each event."""

    def __init__(self, base_constraint, reinterpreted_batch_ndims):
        if not isinstance(base_constraint, Constraint):
            raise AssertionError(f"base_constraint must be a Constraint, got {type(base_constraint).__name__}")
        n = reinterpreted_batch_ndims
        if not isinstance(n, int):
            raise AssertionError(f"reinterpreted_batch_ndims must be an int, got {type(n).__name__}")
        if n < 0:
            raise AssertionError(f"reinterpreted_batch_ndims must be >= 0, got {n}")
        self.base_constraint, self.reinterpreted_batch_ndims = base_constraint, n
        super().__init__()

    is_discrete = property(lambda self: self.base_constraint.is_discrete)
    event_dim = property(lambda self: self.base_constraint.event_dim + self.reinterpreted_batch_ndims)

    def check(self, value):
        ok = self.base_constraint.check(value)
        n = self.reinterpreted_batch_ndims
        if ok.dim() < n:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {value.dim()}")
        return _all_over_last(ok, n)

    def __repr__(self):
        return f"{type(self).__name__[1:]}({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class MixtureSameFamilyConstraint(Constraint):
    """A component's constraint applied to a mixture's value (the component dimension restored)."""

    def __init__(self, base_constraint):
        if not isinstance(base_constraint, Constraint):
            raise AssertionError(f"base_constraint must be a Constraint, got {type(base_constraint).__name__}")
        self.base_constraint = base_constraint
        super().__init__()

    is_discrete = property(lambda self: self.base_constraint.is_discrete)
    event_dim = property(lambda self: self.base_constraint.event_dim)

    def check(self, value):
        k = self.event_dim
        ok = self.base_constraint.check(value.unsqueeze(-1 - k))
        if value.dim() < k:
            raise ValueError(f"Expected value.dim() >= {k} but got {value.dim()}")
        return _all_over_last(ok, ok.dim() - (value.dim() - k))

    def __repr__(self):
        return f"{type(self).__name__}({self.base_constraint!r})"


# -- sets of numbers given by bounds -----------------------------------------------------------

class _Bounded(Constraint):
    """A set given by named bounds (`_bounds`, torch's attribute names) and a predicate `_test`."""

    _bounds: tuple = ()

    def __init__(self, *values, **named):
        named.update(zip(self._bounds, values))
        if len(values) > len(self._bounds) or sorted(named) != sorted(self._bounds):
            raise TypeError(f"{type(self).__name__}() takes {', '.join(self._bounds)}")
        self.__dict__.update(named)
        super().__init__()

    def check(self, value):
        ok = self._test(value, *(getattr(self, b) for b in self._bounds))
        return ok & (value % 1 == 0) if self.is_discrete else ok

    def __repr__(self):
        shown = ", ".join(f"{b}={getattr(self, b)}" for b in self._bounds)
        return f"{type(self).__name__[1:]}({shown})"


def _bounded(name, bounds, test, discrete=False):
    return type(name, (_Bounded,), {"_bounds": bounds, "_test": staticmethod(test), "is_discrete": discrete,
                                    "__module__": __name__, "__qualname__": name})


_LO, _HI, _BOTH = ("lower_bound",), ("upper_bound",), ("lower_bound", "upper_bound")
_GreaterThan = _bounded("_GreaterThan", _LO, lambda v, lo: lo < v)
_GreaterThanEq = _bounded("_GreaterThanEq", _LO, lambda v, lo: lo <= v)
_LessThan = _bounded("_LessThan", _HI, lambda v, hi: v < hi)
_Interval = _bounded("_Interval", _BOTH, lambda v, lo, hi: (lo <= v) & (v <= hi))
_HalfOpenInterval = _bounded("_HalfOpenInterval", _BOTH, lambda v, lo, hi: (lo <= v) & (v < hi))
_IntegerGreaterThan = _bounded("_IntegerGreaterThan", _LO, lambda v, lo: v >= lo, True)
_IntegerLessThan = _bounded("_IntegerLessThan", _HI, lambda v, hi: v <= hi, True)
_IntegerInterval = _bounded("_IntegerInterval", _BOTH, lambda v, lo, hi: (lo <= v) & (v <= hi), True)


class _Real(Constraint):
    def check(self, value):
        return value == value  # only NaN differs from itself


def _zero_or_one(value):
    return (value == 0) | (value == 1)


class _Boolean(Constraint):
    is_discrete = True

    def check(self, value):
        return _zero_or_one(value)


# -- sets of vectors ----------------------------------------------------------------------------

class _OneHot(Constraint):
    event_dim, is_discrete = 1, True

    def check(self, value):
        return _zero_or_one(value).all(-1) & (value.sum(-1) == 1)


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value):
        return (value >= 0).all(dim=-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _Multinomial(Constraint):
    """Non-negative counts whose total is at most upper_bound."""

    event_dim, is_discrete = 1, True

    def __init__(self, upper_bound):
        self.upper_bound = upper_bound

    def check(self, x):
        total = x.sum(-1)
        return (total <= self.upper_bound) & (x >= 0).all(-1)


# -- sets of matrices -----------------------------------------------------------------------------

def _is_lower(value):
    return (value.tril() == value).flatten(-2).all(-1)


class _LowerTriangular(Constraint):
    event_dim = 2

    def check(self, value):
        return _is_lower(value)


class _LowerCholesky(Constraint):
    """Lower triangular with a positive diagonal."""

    event_dim = 2

    def check(self, value):
        return _is_lower(value) & (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1)


class _CorrCholesky(Constraint):
    """Cholesky factor of a correlation matrix: lower Cholesky with rows of unit length."""

    event_dim = 2

    def check(self, value):
        slack = 10 * value.shape[-1] * torch.finfo(value.dtype).eps
        unit_rows = ((torch.linalg.norm(value.detach(), dim=-1) - 1).abs() <= slack).all(-1)
        return _LowerCholesky().check(value) & unit_rows


class _Square(Constraint):
    event_dim = 2

    def check(self, value):
        rows, cols = value.shape[-2:]
        return torch.full(tuple(value.shape[:-2]), rows == cols, dtype=torch.bool, device=value.device)

    def _when_square(self, value, test):
        # the shape decides squareness statically; only square matrices reach `test`
        return test(value) if value.shape[-2] == value.shape[-1] else _Square.check(self, value)


class _Symmetric(_Square):
    def check(self, value):
        return self._when_square(value, lambda m: torch.isclose(m, m.mT, atol=1e-6).flatten(-2).all(-1))

    def _if_all_symmetric(self, value, test):
        """torch's rule for definiteness: when any matrix of the batch fails the symmetry check,
        the answer is the symmetry check itself; else it is `test` (chosen without a sync)."""
        symmetric = _Symmetric.check(self, value)
        return self._when_square(value, lambda m: torch.where(symmetric.all(), test(m), symmetric))


class _PositiveSemidefinite(_Symmetric):
    def check(self, value):
        return self._if_all_symmetric(value, lambda m: (torch.linalg.eigvalsh(m) >= 0).all(-1))


class _PositiveDefinite(_Symmetric):
    def check(self, value):
        # jax's Cholesky of a matrix that is not positive definite is NaN rather than an error
        return self._if_all_symmetric(value, lambda m: torch.linalg.cholesky(m).isfinite().flatten(-2).all(-1))


# -- constraints over slices ------------------------------------------------------------------

class _Cat(Constraint):
    """cseq[i] applied to consecutive slices of lengths[i] along `dim` (torch.cat's layout)."""

    def __init__(self, cseq, dim=0, lengths=None):
        self.cseq = list(cseq)
        if not all(isinstance(c, Constraint) for c in self.cseq):
            raise AssertionError("All elements of cseq must be Constraint instances")
        self.lengths = [1] * len(self.cseq) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.cseq):
            raise AssertionError(f"lengths ({len(self.lengths)}) must match cseq ({len(self.cseq)})")
        self.dim = dim
        super().__init__()

    is_discrete = property(lambda self: any(c.is_discrete for c in self.cseq))
    event_dim = property(lambda self: max(c.event_dim for c in self.cseq))

    def check(self, value):
        _check_dim(self.dim, value)
        offsets = [sum(self.lengths[:i]) for i in range(len(self.lengths))]
        parts = [c.check(value.narrow(self.dim, at, n)) for c, at, n in zip(self.cseq, offsets, self.lengths)]
        return torch.cat(parts, self.dim)


class _Stack(Constraint):
    """cseq[i] applied to the i-th slice along `dim` (torch.stack's layout)."""

    def __init__(self, cseq, dim=0):
        self.cseq = list(cseq)
        if not all(isinstance(c, Constraint) for c in self.cseq):
            raise AssertionError("All elements of cseq must be Constraint instances")
        self.dim = dim
        super().__init__()

    is_discrete = property(lambda self: any(c.is_discrete for c in self.cseq))

    @property
    def event_dim(self) -> int:
        inner = max(c.event_dim for c in self.cseq)
        # a negative stacking dim that reaches into the events adds one event dimension
        return inner + 1 if self.dim + inner < 0 else inner

    def check(self, value):
        _check_dim(self.dim, value)
        n = value.size(self.dim)
        return torch.stack([c.check(value.select(self.dim, i)) for c, i in zip(self.cseq, range(n))], self.dim)


def _check_dim(dim, value):
    if not -value.dim() <= dim < value.dim():
        raise AssertionError(f"dim {dim} out of range for value with {value.dim()} dimensions")


# -- public names ---------------------------------------------------------------------------------
dependent = _Dependent()
dependent_property = _DependentProperty
independent = _IndependentConstraint
cat = _Cat
stack = _Stack
multinomial = _Multinomial

boolean = _Boolean()
one_hot = _OneHot()
real = _Real()
real_vector = independent(real, 1)
simplex = _Simplex()

greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
interval = _Interval
half_open_interval = _HalfOpenInterval
integer_interval = _IntegerInterval
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
nonnegative_integer = _IntegerGreaterThan(0)
positive_integer = _IntegerGreaterThan(1)

lower_triangular, lower_cholesky, corr_cholesky = _LowerTriangular(), _LowerCholesky(), _CorrCholesky()
square, symmetric = _Square(), _Symmetric()
positive_semidefinite, positive_definite = _PositiveSemidefinite(), _PositiveDefinite()
