"""Gamma(concentration, rate): density r^a x^(a-1) exp(-r x) / Gamma(a) on x >= 0."""
from __future__ import annotations

import jtorch as torch
from jtorch._ops.random import _standard_gamma
from . import constraints
from .distribution import _validated
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Gamma"]


class Gamma(ExponentialFamily):
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    has_rsample = True
    support = constraints.nonnegative
    _mean_carrier_measure = 0

    def __init__(self, concentration, rate, validate_args=None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Gamma, batch_shape, _instance)

    mean = property(lambda self: self.concentration / self.rate)
    mode = property(lambda self: ((self.concentration - 1) / self.rate).clamp(min=0))
    variance = property(lambda self: self.concentration / self.rate.pow(2))

    def rsample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        # a unit-rate draw (implicitly reparameterised in the concentration), then scaled
        x = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        # tiny draws round to 0 in float32; lift them to the smallest normal, gradient untouched
        floor = torch.finfo(x.dtype).tiny
        return x + (x.clamp(min=floor) - x).detach()

    def log_prob(self, value):
        value = torch.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        return self._log_density(value)

    @_validated
    def _log_density(self, value):
        a, r = self.concentration, self.rate
        return torch.xlogy(a, r) + torch.xlogy(a - 1, value) - r * value - torch.lgamma(a)

    @_validated
    def cdf(self, value):
        return torch.igamma(self.concentration, self.rate * value)

    def entropy(self):
        a = self.concentration
        return a + torch.lgamma(a) + (1.0 - a) * torch.digamma(a) - self.rate.log()

    # theta = (a - 1, -r),  A(theta) = lgamma(theta1 + 1) - (theta1 + 1) log(-theta2)
    @property
    def _natural_params(self):
        return self.concentration - 1, -self.rate

    def _log_normalizer(self, x, y):
        return torch.lgamma(x + 1) - (x + 1) * torch.log(-y)
