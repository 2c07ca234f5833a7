"""FisherSnedecor(df1, df2): the ratio (X1 / df1) / (X2 / df2) of two scaled chi-squared draws."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .distribution import Distribution, _validated
from .gamma import Gamma
from .utils import broadcast_all

__all__ = ["FisherSnedecor"]


class FisherSnedecor(Distribution):
    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None) -> None:
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(self.df1.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(FisherSnedecor, batch_shape, _instance)

    @property
    def mean(self):
        d2 = self.df2
        return torch.where(d2 > 2, d2 / (d2 - 2), math.nan)

    @property
    def mode(self):
        d1, d2 = self.df1, self.df2
        return torch.where(d1 > 2, (d1 - 2) / d1 * d2 / (d2 + 2), math.nan)

    @property
    def variance(self):
        d1, d2 = self.df1, self.df2
        v = 2 * d2.pow(2) * (d1 + d2 - 2) / (d1 * (d2 - 2).pow(2) * (d2 - 4))
        return torch.where(d2 > 4, v, math.nan)

    def rsample(self, sample_shape=torch.Size()):
        # Gamma(df/2, rate df) draws are chi2(df) / (2 df) -- the factor 2 cancels in the ratio
        tiny = torch.finfo(self.df1.dtype).tiny
        x1 = self._gamma1.rsample(sample_shape)
        x2 = self._gamma2.rsample(sample_shape).clamp(min=tiny)
        return (x1 / x2).clamp(min=tiny)

    @_validated
    def log_prob(self, value):
        h1, h2 = self.df1 * 0.5, self.df2 * 0.5
        ratio = self.df1 / self.df2
        log_beta = torch.lgamma(h1 + h2) - torch.lgamma(h1) - torch.lgamma(h2)
        return log_beta + h1 * ratio.log() + (h1 - 1) * value.log() - (h1 + h2) * torch.log1p(ratio * value)
