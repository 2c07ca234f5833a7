from __future__ import annotations

import copy
import warnings

import jax

import jtorch as torch
from .utils import _size
from jtorch import Tensor
from jtorch._engine.graph import Lazy
from jtorch.autograd.function import _Eager
from . import constraints
from .utils import lazy_property


__all__ = ["Distribution"]


class _NeedsSync(Exception):
    pass


_HOST_NODES = 8  # a pending value made by at most this many ops is checked without a sync


def _host_value(t):
    """t's value, computed op by op with jax (no program, no sync of other pending work) when t
    is concrete or a small recipe of concrete values; raises _NeedsSync otherwise (traced values,
    or bigger graphs such as a network's output, whose check would cost a sync per step)."""
    memo, budget = {}, [_HOST_NODES]

    def value(lz):
        if lz.value is not None:
            if isinstance(lz.value, jax.core.Tracer):
                raise _NeedsSync
            return lz.value
        node = lz.node
        out = memo.get(id(node))
        if out is None:
            budget[0] -= 1
            if budget[0] < 0 or node.freed:
                raise _NeedsSync
            out = memo[id(node)] = node.op.lower(*[None if i is None else value(i) for i in node.inputs],
                                                 **dict(node.static))
        return out if lz.index is None else out[lz.index]

    return value(t._fresh_lazy())


def _on_host(x):
    """x with its tensors (a value, a constraint's bounds) replaced by host-computed ones."""
    if isinstance(x, Tensor):
        return Tensor._from_lazy(Lazy(tuple(x.shape), x.dtype, value=_host_value(x)))
    if isinstance(x, constraints.Constraint) and any(isinstance(v, (Tensor, constraints.Constraint))
                                                     for v in vars(x).values()):
        x = copy.copy(x)
        for k, v in vars(x).items():
            setattr(x, k, _on_host(v))
    return x


def _all_valid(checks, force):
    """constraint.check(value).all() for each (constraint, value) in checks, read back in one
    transfer, without a sync where possible. A value that would need one is checked only when
    validation was asked for explicitly (`force`), as torch always does; else it passes."""
    oks = []
    for constraint, value in checks:
        try:
            constraint, value = _on_host(constraint), _on_host(value)
        except _NeedsSync:
            oks.append(constraint.check(value).all() if force else True)
            continue
        with _Eager():  # ops on concrete values run at once, outside the lazy graph
            oks.append(constraint.check(value).all())
    # the first pending check's read runs every pending check in one program
    values = [ok._value("bool") if isinstance(ok, Tensor) else ok for ok in oks]
    return [bool(v) for v in jax.device_get(values)]


class Distribution:

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__
    # Checks read tensor values. Until validation is asked for explicitly (validate_args=True or
    # set_default_validate_args), values that would need a sync to read (a network's output, values
    # traced under jtorch.compile) are not checked, so a training step stays one program.
    _validate_pending = False

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value
        Distribution._validate_pending = value

    def __init__(
        self,
        batch_shape: torch.Size = torch.Size(),
        event_shape: torch.Size = torch.Size(),
        validate_args: bool | None = None,
    ) -> None:
        self._batch_shape = batch_shape
        self._event_shape = event_shape
        if validate_args is not None:
            self._validate_args = validate_args
            if validate_args:  # expand()'s validate_args=False keeps the pending flag _get_checked_instance copied
                self._validate_pending = True
        if self._validate_args:
            try:
                arg_constraints = self.arg_constraints
            except NotImplementedError:
                arg_constraints = {}
                warnings.warn(
                    f"{self.__class__} does not define `arg_constraints`. "
                    + "Please set `arg_constraints = {}` or initialize the distribution "
                    + "with `validate_args=False` to turn off validation.",
                    stacklevel=2,
                )
            checks = {}
            for param, constraint in arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue  # skip constraints that cannot be checked
                if param not in self.__dict__ and isinstance(
                    getattr(type(self), param), lazy_property
                ):
                    continue  # skip checking lazily-constructed args
                checks[param] = (constraint, getattr(self, param))
            for (param, (constraint, value)), ok in zip(checks.items(),
                                                        _all_valid(checks.values(), self._validate_pending)):
                if not ok:
                    raise ValueError(
                        f"Expected parameter {param} "
                        f"({type(value).__name__} of shape {tuple(value.shape)}) "
                        f"of distribution {repr(self)} "
                        f"to satisfy the constraint {repr(constraint)}, "
                        f"but found invalid values:\n{value}"
                    )
        super().__init__()

    def expand(self, batch_shape: _size, _instance=None):
        raise NotImplementedError

    @property
    def batch_shape(self) -> torch.Size:
        return self._batch_shape

    @property
    def event_shape(self) -> torch.Size:
        return self._event_shape

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

    def sample(self, sample_shape: _size = torch.Size()) -> Tensor:
        with torch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: _size = torch.Size()) -> Tensor:
        raise NotImplementedError

    def sample_n(self, n: int) -> Tensor:
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning, stacklevel=2)
        return self.sample(torch.Size((n,)))

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

    def perplexity(self) -> Tensor:
        return torch.exp(self.entropy())

    def _extended_shape(self, sample_shape: _size = torch.Size()) -> torch.Size:
        if not isinstance(sample_shape, torch.Size):
            sample_shape = torch.Size(sample_shape)
        return torch.Size(sample_shape + self._batch_shape + self._event_shape)

    def _validate_sample(self, value: Tensor) -> None:
        if not isinstance(value, torch.Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")

        event_dim_start = len(value.size()) - len(self._event_shape)
        if value.size()[event_dim_start:] != self._event_shape:
            raise ValueError(
                f"The right-most size of value must match event_shape: {value.size()} vs {self._event_shape}."
            )

        actual_shape = value.size()
        expected_shape = self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    f"Value is not broadcastable with batch_shape+event_shape: {actual_shape} vs {expected_shape}."
                )
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(
                f"{self.__class__} does not define `support` to enable "
                + "sample validation. Please initialize the distribution with "
                + "`validate_args=False` to turn off validation.",
                stacklevel=2,
            )
            return
        if support is None:
            raise AssertionError("support is unexpectedly None")
        if not _all_valid([(support, value)], self._validate_pending)[0]:
            raise ValueError(
                "Expected value argument "
                f"({type(value).__name__} of shape {tuple(value.shape)}) "
                f"to be within the support ({repr(support)}) "
                f"of the distribution {repr(self)}, "
                f"but found invalid values:\n{value}"
            )

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom __init__ method "
                "must also define a custom .expand() method."
            )
        new = self.__new__(type(self)) if _instance is None else _instance
        new._validate_pending = self._validate_pending  # every expand() copies _validate_args, as torch's
        return new

    def __repr__(self) -> str:
        param_names = [k for k in self.arg_constraints if k in self.__dict__]
        args_string = ", ".join(
            [
                f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
                for p in param_names
            ]
        )
        return self.__class__.__name__ + "(" + args_string + ")"
