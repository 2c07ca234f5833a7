"""Normal(loc, scale): the Gaussian with mean loc and standard deviation scale."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .distribution import _validated
from .exp_family import ExponentialFamily
from .utils import _standard_normal, broadcast_all

__all__ = ["Normal"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


class Normal(ExponentialFamily):
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    has_rsample = True
    support = constraints.real
    _mean_carrier_measure = 0

    def __init__(self, loc, scale, validate_args=None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Normal, batch_shape, _instance)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)
    stddev = property(lambda self: self.scale)
    variance = property(lambda self: self.scale.pow(2))

    def rsample(self, sample_shape=torch.Size()):
        eps = _standard_normal(self._extended_shape(sample_shape), self.loc.dtype, self.loc.device)
        return self.loc + self.scale * eps

    @_validated
    def log_prob(self, value):
        z = (value - self.loc) / self.scale
        return -0.5 * z * z - self.scale.log() - _LOG_SQRT_2PI

    @_validated
    def cdf(self, value):
        return 0.5 * (1 + torch.erf((value - self.loc) / (self.scale * math.sqrt(2))))

    def icdf(self, value):
        return self.loc + self.scale * math.sqrt(2) * torch.erfinv(2 * value - 1)

    def entropy(self):
        return self.scale.log() + (0.5 + _LOG_SQRT_2PI)

    # theta = (mu / s^2, -1 / (2 s^2)),  A(theta) = -theta1^2 / (4 theta2) + log(pi / -theta2) / 2
    @property
    def _natural_params(self):
        precision = self.scale.pow(-2)
        return self.loc * precision, -0.5 * precision

    def _log_normalizer(self, x, y):
        return 0.5 * torch.log(-math.pi / y) - x.pow(2) / (4 * y)
