"""GeneralizedPareto(loc, scale, concentration): the tail law of peaks over a threshold.

With z = (x - loc) / scale and xi = concentration: survival (1 + xi z)^(-1/xi), and exp(-z) at
xi = 0 (Exponential); xi < 0 gives a bounded support [loc, loc - scale / xi]."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(GeneralizedPareto, batch_shape, _instance)

    def _xi(self):
        """(xi is zero, xi with zeros replaced by 1): the xi = 0 limit is taken separately."""
        zero = torch.isclose(self.concentration, torch.zeros_like(self.concentration))
        return zero, torch.where(zero, torch.ones_like(self.concentration), self.concentration)

    def rsample(self, sample_shape=torch.Size()):
        u = torch.rand(self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)
        return self.icdf(u)

    mode = property(lambda self: self.loc)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, xi = self._xi()
        power = 1 / xi + 1
        general = torch.where(power == 0, power, power * torch.log1p(xi * z))
        return -self.scale.log() - torch.where(zero, z, general)

    def log_survival_function(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, xi = self._xi()
        return torch.where(zero, -z, -torch.log1p(xi * z) / xi)

    def log_cdf(self, value):
        return torch.log1p(-torch.exp(self.log_survival_function(value)))

    def cdf(self, value):
        return -torch.expm1(self.log_survival_function(value))

    def icdf(self, value):
        zero, xi = self._xi()
        log_tail = torch.log1p(-value)
        general = self.loc + self.scale / xi * torch.expm1(-xi * log_tail)
        return torch.where(zero, self.loc - self.scale * log_tail, general)

    @property
    def mean(self):
        ok = self.concentration < 1
        xi = torch.where(ok, self.concentration, 0.5)
        return torch.where(ok, self.loc + self.scale / (1 - xi), math.nan)

    @property
    def variance(self):
        ok = self.concentration < 0.5
        xi = torch.where(ok, self.concentration, 0.25)
        return torch.where(ok, self.scale ** 2 / ((1 - xi) ** 2 * (1 - 2 * xi)), math.nan)

    def entropy(self):
        return torch.broadcast_to(self.scale.log() + self.concentration + 1, self._batch_shape)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        upper = torch.where(self.concentration < 0, self.loc - self.scale / self.concentration, math.inf)
        return constraints.interval(self.loc, upper)
