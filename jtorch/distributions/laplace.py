"""Laplace(loc, scale): density exp(-|x - loc| / scale) / (2 scale)."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .distribution import Distribution, _validated
from .utils import broadcast_all

__all__ = ["Laplace"]


class Laplace(Distribution):
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    has_rsample = True
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Laplace, batch_shape, _instance)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    variance = property(lambda self: 2 * self.scale.pow(2))
    stddev = property(lambda self: math.sqrt(2) * self.scale)

    def _from_centered(self, u):
        """Inverse cdf written on u = 2 p - 1 in (-1, 1): x = loc - scale sign(u) log(1 - |u|)."""
        return self.loc - self.scale * u.sign() * torch.log1p(-u.abs())

    def rsample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        low = torch.finfo(self.loc.dtype).eps - 1  # keep u off -1, whose log is infinite
        u = torch.rand(shape, dtype=self.loc.dtype, device=self.loc.device) * (1 - low) + low
        return self._from_centered(u)

    @_validated
    def log_prob(self, value):
        return -(value - self.loc).abs() / self.scale - torch.log(2 * self.scale)

    @_validated
    def cdf(self, value):
        d = value - self.loc
        return 0.5 - 0.5 * d.sign() * torch.expm1(-d.abs() / self.scale)

    def icdf(self, value):
        return self._from_centered(2 * value - 1)

    def entropy(self):
        return torch.log(2 * self.scale) + 1
