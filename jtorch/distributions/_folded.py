"""The half of a symmetric distribution at zero: |X| for X centred at 0 (HalfNormal, HalfCauchy)."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AbsTransform


class _Folded(TransformedDistribution):
    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, base, validate_args=None) -> None:
        super().__init__(base, AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(type(self), _instance))

    scale = property(lambda self: self.base_dist.scale)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        lp = self.base_dist.log_prob(value) + math.log(2)  # both halves fold onto x >= 0
        return torch.where(value >= 0, lp, -math.inf)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)

    def icdf(self, prob):
        return self.base_dist.icdf(0.5 * (prob + 1))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return self.base_dist.cdf(value) * 2 - 1  # P(|X| <= v) = F(v) - F(-v) = 2 F(v) - 1
