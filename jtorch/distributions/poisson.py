"""Poisson(rate): P(k) = rate^k exp(-rate) / k! on the non-negative integers."""
from __future__ import annotations

import jtorch as torch
from . import constraints
from .distribution import _validated
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Poisson, batch_shape, _instance)

    mean = property(lambda self: self.rate)
    mode = property(lambda self: self.rate.floor())
    variance = property(lambda self: self.rate)

    def sample(self, sample_shape=torch.Size()):
        with torch.no_grad():
            return torch.poisson(self.rate.expand(self._extended_shape(sample_shape)))

    @_validated
    def log_prob(self, value):
        lam, k = broadcast_all(self.rate, value)
        return torch.xlogy(k, lam) - lam - torch.lgamma(k + 1)

    # theta = log(rate),  A(theta) = exp(theta)
    @property
    def _natural_params(self):
        return (self.rate.log(),)

    def _log_normalizer(self, x):
        return x.exp()
