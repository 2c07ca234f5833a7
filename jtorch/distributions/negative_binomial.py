"""NegativeBinomial(total_count, probs | logits): failures before total_count successes, where each
trial succeeds with probability 1 - probs (torch's convention)."""
from __future__ import annotations

import jtorch as torch
import jtorch.nn.functional as F
from . import constraints
from .distribution import Distribution, _validated
from .gamma import Gamma
from .utils import _BinaryGivenParameter, _probs_or_logits, broadcast_all, lazy_property

__all__ = ["NegativeBinomial"]


class NegativeBinomial(_BinaryGivenParameter, Distribution):
    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0), "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None) -> None:
        self._given, value = _probs_or_logits(probs, logits)
        self.total_count, value = broadcast_all(total_count, value)
        self.total_count = self.total_count.type_as(value)
        setattr(self, self._given, value)
        super().__init__(value.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(NegativeBinomial, batch_shape, _instance)

    mean = property(lambda self: self.total_count * torch.exp(self.logits))
    mode = property(lambda self: ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0))
    variance = property(lambda self: self.mean / torch.sigmoid(-self.logits))

    @lazy_property
    def _gamma(self):
        # a Poisson whose rate is Gamma(total_count, (1 - p) / p) distributed
        return Gamma(concentration=self.total_count, rate=torch.exp(-self.logits), validate_args=False)

    def sample(self, sample_shape=torch.Size()):
        with torch.no_grad():
            return torch.poisson(self._gamma.sample(sample_shape=sample_shape))

    @_validated
    def log_prob(self, value):
        n = self.total_count
        unnormalised = n * F.logsigmoid(-self.logits) + value * F.logsigmoid(self.logits)
        log_norm = -torch.lgamma(n + value) + torch.lgamma(1.0 + value) + torch.lgamma(n)
        # n = 0 puts all the mass at 0 (the lgamma terms are infinite there)
        log_norm = log_norm.masked_fill(n + value == 0, 0.0)
        return unnormalised - log_norm
