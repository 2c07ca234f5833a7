"""Exponential(rate): density rate * exp(-rate * x) on x >= 0."""
from __future__ import annotations

import jtorch as torch
from . import constraints
from .distribution import _validated
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Exponential"]


class Exponential(ExponentialFamily):
    arg_constraints = {"rate": constraints.positive}
    has_rsample = True
    support = constraints.nonnegative
    _mean_carrier_measure = 0

    def __init__(self, rate, validate_args=None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Exponential, batch_shape, _instance)

    mean = property(lambda self: self.rate.reciprocal())
    mode = property(lambda self: torch.zeros_like(self.rate))
    stddev = property(lambda self: self.rate.reciprocal())
    variance = property(lambda self: self.rate.pow(-2))

    def rsample(self, sample_shape=torch.Size()):
        unit = torch.empty(self._extended_shape(sample_shape), dtype=self.rate.dtype,
                           device=self.rate.device).exponential_()
        return unit / self.rate  # scaling a rate-1 draw keeps the gradient path to rate

    @_validated
    def log_prob(self, value):
        return self.rate.log() - self.rate * value

    @_validated
    def cdf(self, value):
        return -torch.expm1(-self.rate * value)

    def icdf(self, value):
        return -torch.log1p(-value) / self.rate

    def entropy(self):
        return 1.0 - self.rate.log()

    # theta = -rate,  A(theta) = -log(-theta)
    @property
    def _natural_params(self):
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -torch.log(-x)
