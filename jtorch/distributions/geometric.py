"""Geometric(probs | logits): the number of failures before the first success."""
from __future__ import annotations

import jtorch as torch
from jtorch.nn.functional import binary_cross_entropy_with_logits
from . import constraints
from .distribution import Distribution, _validated
from .utils import _BinaryGivenParameter, _probs_or_logits, broadcast_all

__all__ = ["Geometric"]


class Geometric(_BinaryGivenParameter, Distribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None) -> None:
        self._given, value = _probs_or_logits(probs, logits)
        (value,) = broadcast_all(value)
        setattr(self, self._given, value)
        super().__init__(value.shape, validate_args=validate_args)
        if self._validate_args and probs is not None:
            ok = self.probs > 0
            if not bool(ok.all()):
                raise ValueError(f"Expected parameter probs ({type(self.probs).__name__} of shape "
                                 f"{tuple(self.probs.shape)}) of distribution {self!r} to be positive but found "
                                 f"invalid values:\n{self.probs}")

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Geometric, batch_shape, _instance)

    mean = property(lambda self: 1.0 / self.probs - 1.0)
    mode = property(lambda self: torch.zeros_like(self.probs))
    variance = property(lambda self: (1.0 / self.probs - 1.0) / self.probs)

    def sample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        with torch.no_grad():
            u = torch.rand(shape, dtype=self.probs.dtype, device=self.probs.device)
            u = u.clamp(min=torch.finfo(self.probs.dtype).tiny)
            return (u.log() / (-self.probs).log1p()).floor()

    @_validated
    def log_prob(self, value):
        value, p = broadcast_all(value, self.probs)
        # a sure success (p = 1) has probability 1 at 0: avoid 0 * log(0)
        failures = torch.where((p == 1) & (value == 0), 0.0, value * (-p).log1p())
        return failures + self.probs.log()

    def entropy(self):
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs
