"""The contract every distribution follows (torch.distributions.Distribution).

A distribution has a batch shape (independent, differently parameterised copies) and an event
shape (the shape of one draw). Concrete classes declare their parameters in `arg_constraints`,
their `support`, and the formulas; this base supplies shapes, argument and sample validation,
`sample` from `rsample`, `expand`, `sample_n`, `perplexity` and `__repr__`.
"""
from __future__ import annotations

import copy
import functools
import warnings

import jax

import jtorch as torch
from jtorch import Tensor
from jtorch._engine.graph import Lazy
from jtorch.autograd.function import _Eager
from . import constraints
from .utils import _size, lazy_property

__all__ = ["Distribution"]


# -- reading constraint checks back ------------------------------------------------------------
# A check reads tensor values. Values that are concrete, or a short recipe of concrete values,
# are evaluated op by op with jax on the side, so that a training step that builds a distribution
# from its own parameters stays one program. Anything bigger (a network's output, a traced value
# under jtorch.compile) would cost a sync; it is checked only when validation was asked for.

class _TooDeep(Exception):
    pass


_SIDE_OPS = 8  # most ops a pending value may take to be evaluated on the side


def _side_value(t: Tensor):
    budget = [_SIDE_OPS]
    done = {}

    def walk(lz):
        if lz.value is not None:
            if isinstance(lz.value, jax.core.Tracer):
                raise _TooDeep
            return lz.value
        node = lz.node
        if id(node) not in done:
            budget[0] -= 1
            if budget[0] < 0 or node.freed:
                raise _TooDeep
            args = [None if i is None else walk(i) for i in node.inputs]
            done[id(node)] = node.op.lower(*args, **dict(node.static))
        out = done[id(node)]
        return out if lz.index is None else out[lz.index]

    return walk(t._fresh_lazy())


def _side_copy(obj):
    """obj (a tensor, or a constraint holding tensors such as its bounds) on concrete values."""
    if isinstance(obj, Tensor):
        return Tensor._from_value(_side_value(obj), obj.dtype, tuple(obj.shape))
    held = vars(obj) if isinstance(obj, constraints.Constraint) else {}
    if any(isinstance(v, (Tensor, constraints.Constraint)) for v in held.values()):
        obj = copy.copy(obj)
        for k, v in held.items():
            setattr(obj, k, _side_copy(v))
    return obj


def _all_satisfied(pairs, force: bool) -> list[bool]:
    """For each (constraint, value): whether every element satisfies it. All answers come back in
    one host read; those that need a sync are computed only when `force` (else they pass)."""
    answers = []
    for con, val in pairs:
        try:
            con, val = _side_copy(con), _side_copy(val)
        except _TooDeep:
            answers.append(con.check(val).all() if force else True)
            continue
        with _Eager():
            answers.append(con.check(val).all())
    raw = [a._value("bool") if isinstance(a, Tensor) else a for a in answers]
    return [bool(v) for v in jax.device_get(raw)]


def _validated(method):
    """Wraps log_prob / cdf so that `value` is checked first when the distribution validates."""
    @functools.wraps(method)
    def checked(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return method(self, value)
    return checked


class Distribution:
    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__
    # True once validation was asked for explicitly: values that need a sync are then checked too
    _validate_pending = False

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        if value is not True and value is not False:
            raise ValueError
        Distribution._validate_args = Distribution._validate_pending = value

    def __init__(self, batch_shape: torch.Size = torch.Size(), event_shape: torch.Size = torch.Size(),
                 validate_args: bool | None = None) -> None:
        self._batch_shape, self._event_shape = batch_shape, event_shape
        if validate_args is not None:
            self._validate_args = validate_args
            if validate_args:
                self._validate_pending = True
        if self._validate_args:
            self._check_arguments()
        super().__init__()

    def _check_arguments(self) -> None:
        try:
            declared = self.arg_constraints
        except NotImplementedError:
            declared = {}
            warnings.warn(f"{self.__class__} does not define `arg_constraints`. Please set "
                          "`arg_constraints = {}` or initialize the distribution with "
                          "`validate_args=False` to turn off validation.", stacklevel=3)
        pending = []
        for name, con in declared.items():
            if constraints.is_dependent(con):
                continue
            if name not in self.__dict__ and isinstance(getattr(type(self), name, None), lazy_property):
                continue  # a parameter derived from another one is right when its source is
            pending.append((name, con, getattr(self, name)))
        verdicts = _all_satisfied([(c, v) for _, c, v in pending], self._validate_pending)
        for (name, con, val), ok in zip(pending, verdicts):
            if not ok:
                raise ValueError(f"Expected parameter {name} ({type(val).__name__} of shape "
                                 f"{tuple(val.shape)}) of distribution {self!r} to satisfy the "
                                 f"constraint {con!r}, but found invalid values:\n{val}")

    # -- shapes ---------------------------------------------------------------------------------
    @property
    def batch_shape(self) -> torch.Size:
        return self._batch_shape

    @property
    def event_shape(self) -> torch.Size:
        return self._event_shape

    def _extended_shape(self, sample_shape: _size = torch.Size()) -> torch.Size:
        return torch.Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def expand(self, batch_shape: _size, _instance=None):
        raise NotImplementedError

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom __init__ "
                "method must also define a custom .expand() method.")
        out = self.__new__(type(self)) if _instance is None else _instance
        out._validate_pending = self._validate_pending
        return out

    def _expand_declared(self, cls, batch_shape, _instance=None):
        """expand() for a class whose state is its declared parameters (arg_constraints names, with
        batch dimensions leading) and sub-distributions: both are broadcast to the new batch shape;
        other state is shared."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = torch.Size(batch_shape)
        old = len(self._batch_shape)
        params = set(self.arg_constraints)
        for key, val in vars(self).items():
            if isinstance(val, Distribution):
                val = val.expand(batch_shape + val.batch_shape[old:])
            elif key in params and isinstance(val, Tensor):
                val = val.expand(batch_shape + val.shape[old:])
            new.__dict__[key] = val
        new._batch_shape, new._event_shape = batch_shape, self._event_shape
        new._validate_args = self._validate_args
        return new

    # -- what a concrete distribution declares ---------------------------------------------------
    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:
        raise NotImplementedError

    @property
    def support(self) -> constraints.Constraint | None:
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def rsample(self, sample_shape: _size = torch.Size()) -> Tensor:
        raise NotImplementedError

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    # -- derived ---------------------------------------------------------------------------------
    def sample(self, sample_shape: _size = torch.Size()) -> Tensor:
        with torch.no_grad():
            return self.rsample(sample_shape)

    def sample_n(self, n: int) -> Tensor:
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning,
                      stacklevel=2)
        return self.sample(torch.Size((n,)))

    def perplexity(self) -> Tensor:
        return torch.exp(self.entropy())

    def _grid(self, values: Tensor, expand: bool, event_dims: int = 0) -> Tensor:
        """enumerate_support's layout: the support's values along a new leading dimension, with
        singleton (expand=False) or full batch dimensions after it."""
        n = values.shape[0]
        event = tuple(values.shape[1:])
        values = values.reshape((n,) + (1,) * len(self._batch_shape) + event)
        return values.expand((n,) + tuple(self._batch_shape) + event) if expand else values

    def _validate_sample(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        shape, event = value.size(), self._event_shape
        if shape[len(shape) - len(event):] != event:
            raise ValueError(f"The right-most size of value must match event_shape: {shape} vs {event}.")
        expected = self._batch_shape + event
        if any(a != b and 1 not in (a, b) for a, b in zip(reversed(shape), reversed(expected))):
            raise ValueError(
                f"Value is not broadcastable with batch_shape+event_shape: {shape} vs {expected}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample validation. "
                          "Please initialize the distribution with `validate_args=False` to turn off "
                          "validation.", stacklevel=3)
            return
        if support is None:
            raise AssertionError("support is unexpectedly None")
        if not _all_satisfied([(support, value)], self._validate_pending)[0]:
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape "
                             f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                             f"distribution {self!r}, but found invalid values:\n{value}")

    def __repr__(self) -> str:
        shown = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                v = self.__dict__[name]
                shown.append(f"{name}: {v if v.numel() == 1 else v.size()}")
        return f"{type(self).__name__}({', '.join(shown)})"
