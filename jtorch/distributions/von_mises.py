"""VonMises(loc, concentration): the circular normal on [-pi, pi), density exp(k cos(x - loc)) / (2 pi I0(k))."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .distribution import Distribution, _validated
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]


def _log_i0(k):
    return torch.special.i0e(k).log() + k  # i0e(k) = exp(-|k|) I0(k), k >= 0


class VonMises(Distribution):
    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(VonMises, batch_shape, _instance)

    @_validated
    def log_prob(self, value):
        k = self.concentration
        return k * torch.cos(value - self.loc) - math.log(2 * math.pi) - _log_i0(k)

    @lazy_property
    def _proposal_r(self):
        # Best & Fisher (1979): the wrapped-Cauchy envelope's parameter, in float64
        k = self.concentration.double()
        tau = 1 + (1 + 4 * k * k).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * k)
        r = (1 + rho * rho) / (2 * rho)
        # for tiny k the formula cancels: r ~ 1 / k there
        return torch.where(k < 1e-5, 1 / k, r)

    def sample(self, sample_shape=torch.Size()):
        """Rejection sampling against a wrapped Cauchy (Best & Fisher, 1979), in float64; the
        rounds continue until every element is accepted (each round reads the acceptance mask)."""
        with torch.no_grad():
            shape = self._extended_shape(sample_shape)
            k = self.concentration.double().expand(shape)
            r = self._proposal_r.expand(shape)
            x = torch.zeros(shape, dtype=torch.float64)
            done = torch.zeros(shape, dtype=torch.bool)
            while not bool(done.all()):
                u1, u2, u3 = torch.rand((3,) + tuple(shape), dtype=torch.float64).unbind()
                z = torch.cos(math.pi * u1)
                f = (1 + r * z) / (r + z)
                c = k * (r - f)
                accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
                accept = accept & ~done
                x = torch.where(accept, (u3 - 0.5).sign() * f.acos(), x)
                done = done | accept
            return ((x + math.pi + self.loc.double()) % (2 * math.pi) - math.pi).to(self.loc.dtype)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)

    @lazy_property
    def variance(self):
        k = self.concentration
        # 1 - I1(k) / I0(k) (the circular variance)
        return 1 - torch.special.i1e(k) / torch.special.i0e(k)
