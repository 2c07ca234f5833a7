"""Dirichlet(concentration): a random point of the probability simplex (event shape (K,))."""
from __future__ import annotations

import jtorch as torch
from jtorch._ops.random import _standard_gamma
from jtorch.nn.functional import one_hot
from . import constraints
from .distribution import _validated
from .exp_family import ExponentialFamily

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    has_rsample = True
    support = constraints.simplex
    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}

    def __init__(self, concentration, validate_args=None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        shape = concentration.shape
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Dirichlet, batch_shape, _instance)

    @property
    def _total(self):
        return self.concentration.sum(-1, keepdim=True)

    mean = property(lambda self: self.concentration / self._total)

    @property
    def variance(self):
        c, c0 = self.concentration, self._total
        return c * (c0 - c) / (c0.pow(2) * (c0 + 1))

    @property
    def mode(self):
        excess = (self.concentration - 1).clamp(min=0.0)
        interior = excess / excess.sum(-1, keepdim=True)
        # all concentrations below 1: the density peaks at a vertex of the simplex
        vertex = one_hot(interior.argmax(dim=-1), excess.shape[-1]).to(interior)
        at_vertex = (self.concentration < 1).all(dim=-1, keepdim=True)
        return torch.where(at_vertex, vertex, interior)

    def rsample(self, sample_shape=()):
        # normalised independent Gamma(c_i, 1) draws; the gradient flows through the Gamma
        # sampler's implicit reparameterisation
        g = _standard_gamma(self.concentration.expand(self._extended_shape(sample_shape)))
        return g / g.sum(-1, keepdim=True)

    @_validated
    def log_prob(self, value):
        c = self.concentration
        return torch.xlogy(c - 1.0, value).sum(-1) - self._log_normalizer(c)

    def entropy(self):
        c = self.concentration
        c0, k = c.sum(-1), c.shape[-1]
        return (self._log_normalizer(c) + (c0 - k) * torch.digamma(c0)
                - ((c - 1.0) * torch.digamma(c)).sum(-1))

    # theta = concentration,  A(theta) = sum lgamma(theta_i) - lgamma(sum theta_i)
    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return torch.lgamma(x).sum(-1) - torch.lgamma(x.sum(-1))
