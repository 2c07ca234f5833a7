"""RelaxedBernoulli(temperature, probs | logits): a continuous stand-in for a coin flip on (0, 1)
(the Concrete / Gumbel-softmax relaxation); LogitRelaxedBernoulli is its logit."""
from __future__ import annotations

import jtorch as torch
from . import constraints
from .distribution import Distribution, _validated
from .transformed_distribution import TransformedDistribution
from .transforms import SigmoidTransform
from .utils import _BinaryGivenParameter, _probs_or_logits, broadcast_all, clamp_probs

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli"]


class LogitRelaxedBernoulli(_BinaryGivenParameter, Distribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real

    def __init__(self, temperature, probs=None, logits=None, validate_args=None) -> None:
        self.temperature = temperature
        self._given, value = _probs_or_logits(probs, logits)
        (value,) = broadcast_all(value)
        setattr(self, self._given, value)
        super().__init__(value.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(LogitRelaxedBernoulli, batch_shape, _instance)

    def rsample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        p = self.probs
        u = clamp_probs(torch.rand(shape, dtype=p.dtype, device=p.device))
        # logistic noise plus the logit, sharpened by the temperature
        return (u.log() - (-u).log1p() + self.logits) / self.temperature

    @_validated
    def log_prob(self, value):
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(TransformedDistribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None) -> None:
        base = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base, SigmoidTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(RelaxedBernoulli, _instance))

    temperature = property(lambda self: self.base_dist.temperature)
    logits = property(lambda self: self.base_dist.logits)
    probs = property(lambda self: self.base_dist.probs)
