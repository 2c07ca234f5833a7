"""Bernoulli(probs | logits): one coin flip, 1 with probability probs."""
from __future__ import annotations

import math

import jtorch as torch
from jtorch.nn.functional import softplus
from . import constraints
from .distribution import _validated
from .exp_family import ExponentialFamily
from .utils import _BinaryGivenParameter, _probs_or_logits, broadcast_all

__all__ = ["Bernoulli"]


class Bernoulli(_BinaryGivenParameter, ExponentialFamily):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True
    support = constraints.boolean
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, validate_args=None) -> None:
        self._given, value = _probs_or_logits(probs, logits)
        (value,) = broadcast_all(value)
        setattr(self, self._given, value)  # the other one is derived on first use
        super().__init__(value.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Bernoulli, batch_shape, _instance)

    mean = property(lambda self: self.probs)
    variance = property(lambda self: self.probs * (1 - self.probs))

    @property
    def mode(self):
        p = self.probs
        return torch.where(p == 0.5, math.nan, (p > 0.5).to(p))  # a fair coin has no single mode

    def sample(self, sample_shape=torch.Size()):
        with torch.no_grad():
            return torch.bernoulli(self.probs.expand(self._extended_shape(sample_shape)))

    @_validated
    def log_prob(self, value):
        # log p(x) = x * logit - log(1 + e^logit)
        logit, x = broadcast_all(self.logits, value)
        return x * logit - softplus(logit)

    def entropy(self):
        return softplus(self.logits) - self.probs * self.logits

    def enumerate_support(self, expand=True):
        return self._grid(torch.arange(2, dtype=self._param.dtype, device=self._param.device), expand)

    # theta = logit,  A(theta) = log(1 + e^theta)
    @property
    def _natural_params(self):
        return (torch.logit(self.probs),)

    def _log_normalizer(self, x):
        return torch.log1p(torch.exp(x))
