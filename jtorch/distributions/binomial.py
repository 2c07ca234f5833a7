"""Binomial(total_count, probs | logits): the number of successes in total_count coin flips."""
from __future__ import annotations

import jtorch as torch
from jtorch.nn.functional import softplus
from . import constraints
from .distribution import Distribution, _validated
from .utils import _BinaryGivenParameter, _probs_or_logits, broadcast_all

__all__ = ["Binomial"]


class Binomial(_BinaryGivenParameter, Distribution):
    has_enumerate_support = True
    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None) -> None:
        self._given, value = _probs_or_logits(probs, logits)
        count, value = broadcast_all(total_count, value)
        self.total_count = count.type_as(value)
        setattr(self, self._given, value)
        super().__init__(value.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Binomial, batch_shape, _instance)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)  # 0 .. n successes

    mean = property(lambda self: self.total_count * self.probs)
    variance = property(lambda self: self.total_count * self.probs * (1 - self.probs))

    @property
    def mode(self):
        n = self.total_count
        return ((n + 1) * self.probs).floor().clamp(max=n)

    def sample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        with torch.no_grad():
            return torch.binomial(self.total_count.expand(shape), self.probs.expand(shape))

    @_validated
    def log_prob(self, value):
        # log C(n, k) + k log p + (n - k) log(1 - p) = log C(n, k) + k * logit - n * log(1 + e^logit)
        n = self.total_count
        log_choose = torch.lgamma(n + 1) - torch.lgamma(value + 1) - torch.lgamma(n - value + 1)
        return log_choose + value * self.logits - n * softplus(self.logits)

    def _common_count(self, what):
        """The total count shared by every batch member (enumerating needs one range of values)."""
        top = int(self.total_count.max())
        if top != self.total_count.min():
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
        return top

    def enumerate_support(self, expand=True):
        n = self._common_count("enumerate_support")
        return self._grid(torch.arange(n + 1, dtype=self._param.dtype, device=self._param.device), expand)

    def entropy(self):
        self._common_count("entropy")
        lp = self.log_prob(self.enumerate_support(False))
        return -(lp.exp() * lp).sum(0)
