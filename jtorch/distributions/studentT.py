"""StudentT(df, loc, scale): a Normal whose precision is drawn from Gamma(df/2, df/2)."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution, _validated
from .utils import _standard_normal, broadcast_all

__all__ = ["StudentT"]


class StudentT(Distribution):
    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(StudentT, batch_shape, _instance)

    @property
    def mean(self):
        return torch.where(self.df > 1, self.loc, math.nan)

    mode = property(lambda self: self.loc)

    @property
    def variance(self):
        df = self.df
        finite = self.scale.pow(2) * df / (df - 2)
        return torch.where(df > 2, finite, torch.where(df > 1, math.inf, math.nan))

    def rsample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        z = _standard_normal(shape, self.df.dtype, self.df.device)
        chi2 = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * z * torch.rsqrt(chi2 / self.df)

    @_validated
    def log_prob(self, value):
        y = (value - self.loc) / self.scale
        half = 0.5 * self.df
        log_norm = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) + torch.lgamma(half)
                    - torch.lgamma(half + 0.5))
        return -(half + 0.5) * torch.log1p(y * y / self.df) - log_norm

    def entropy(self):
        half = 0.5 * self.df
        log_beta = torch.lgamma(half) + math.lgamma(0.5) - torch.lgamma(half + 0.5)
        return (self.scale.log() + (half + 0.5) * (torch.digamma(half + 0.5) - torch.digamma(half))
                + 0.5 * self.df.log() + log_beta)
