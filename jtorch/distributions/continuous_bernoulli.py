"""ContinuousBernoulli(probs | logits): density C(p) p^x (1 - p)^(1 - x) on [0, 1].

Near p = 1/2 the closed forms divide 0 by 0; inside (lims[0], lims[1]] they are replaced by
their Taylor expansions around 1/2."""
from __future__ import annotations

import math

import jtorch as torch
from jtorch.nn.functional import binary_cross_entropy_with_logits
from . import constraints
from .distribution import _validated
from .exp_family import ExponentialFamily
from .utils import _GivenParameter, _probs_or_logits, broadcast_all, clamp_probs, lazy_property, logits_to_probs, \
    probs_to_logits

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(_GivenParameter, ExponentialFamily):
    has_rsample = True
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None) -> None:
        self._given, value = _probs_or_logits(probs, logits)
        (value,) = broadcast_all(value)
        setattr(self, self._given, value)
        self._lims = lims
        super().__init__(value.size(), validate_args=validate_args)
        if self._given == "probs":  # checked first, then kept away from 0 and 1
            self.probs = clamp_probs(self.probs)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(ContinuousBernoulli, batch_shape, _instance)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    def _outside_unstable_region(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return torch.where(self._outside_unstable_region(), self.probs, self._lims[0] * torch.ones_like(self.probs))

    def _cont_bern_log_norm(self):
        """log C(p), with C(p) = 2 atanh(1 - 2p) / (1 - 2p)."""
        p = self._cut_probs()
        below = torch.where(p <= 0.5, p, torch.zeros_like(p))
        above = torch.where(p >= 0.5, p, torch.ones_like(p))
        exact = torch.log(torch.abs(torch.log1p(-p) - torch.log(p))) - torch.where(
            p <= 0.5, torch.log1p(-2.0 * below), torch.log(2.0 * above - 1.0))
        x = (self.probs - 0.5) ** 2
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return torch.where(self._outside_unstable_region(), exact, taylor)

    @property
    def mean(self):
        p = self._cut_probs()
        exact = p / (2.0 * p - 1.0) + 1.0 / (torch.log1p(-p) - torch.log(p))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x * x) * x
        return torch.where(self._outside_unstable_region(), exact, taylor)

    stddev = property(lambda self: torch.sqrt(self.variance))

    @property
    def variance(self):
        p = self._cut_probs()
        exact = p * (p - 1.0) / (1.0 - 2.0 * p) ** 2 + 1.0 / (torch.log1p(-p) - torch.log(p)) ** 2
        x = (self.probs - 0.5) ** 2
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return torch.where(self._outside_unstable_region(), exact, taylor)

    def sample(self, sample_shape=torch.Size()):
        with torch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        u = torch.rand(shape, dtype=self.probs.dtype, device=self.probs.device)
        return self.icdf(u)

    @_validated
    def log_prob(self, value):
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none") + self._cont_bern_log_norm()

    @_validated
    def cdf(self, value):
        p = self._cut_probs()
        exact = (p ** value * (1.0 - p) ** (1.0 - value) + p - 1.0) / (2.0 * p - 1.0)
        inside = torch.where(self._outside_unstable_region(), exact, value)
        return torch.where(value <= 0.0, torch.zeros_like(value), torch.where(value >= 1.0, torch.ones_like(value),
                                                                             inside))

    def icdf(self, value):
        p = self._cut_probs()
        exact = (torch.log1p(-p + value * (2.0 * p - 1.0)) - torch.log1p(-p)) / (torch.log(p) - torch.log1p(-p))
        return torch.where(self._outside_unstable_region(), exact, value)

    def entropy(self):
        log_q, log_p = torch.log1p(-self.probs), torch.log(self.probs)
        return self.mean * (log_q - log_p) - self._cont_bern_log_norm() - log_q

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        """log of the normaliser as a function of the logit x (Taylor expansion near 0)."""
        outside = (x <= -1e-2) | (x > 1e-2)
        safe = torch.where(outside, x, 1e-2 * torch.ones_like(x))
        exact = torch.log(torch.abs(torch.expm1(safe))) - torch.log(torch.abs(safe))
        taylor = 0.5 * x + x * x / 24.0 - x ** 4 / 2880.0
        return torch.where(outside, exact, taylor)
