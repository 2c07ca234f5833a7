"""LKJCholesky(dim, concentration): Cholesky factors of correlation matrices whose density is
proportional to det(R)^(concentration - 1); sampled by the onion method."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .beta import Beta
from .distribution import Distribution, _validated
from .utils import broadcast_all

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None) -> None:
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        (self.concentration,) = broadcast_all(concentration)
        self.dim = dim
        # row i's squared off-diagonal norm is Beta(i/2, marginal - i/2) distributed
        marginal = self.concentration + 0.5 * (self.dim - 2)
        rows = torch.cat([torch.zeros(1, dtype=self.concentration.dtype),
                          torch.arange(self.dim - 1, dtype=self.concentration.dtype)])
        self._beta = Beta(rows + 0.5, marginal.unsqueeze(-1) - 0.5 * rows)
        super().__init__(self.concentration.size(), torch.Size((dim, dim)), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = torch.Size(batch_shape)
        new.concentration, new.dim = self.concentration.expand(batch_shape), self.dim
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=torch.Size()):
        with torch.no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u = torch.randn(self._extended_shape(sample_shape), dtype=y.dtype, device=y.device).tril(-1)
            norm = u.norm(dim=-1, keepdim=True)
            first = torch.arange(self.dim).unsqueeze(-1) == 0  # row 0 has no off-diagonal part
            direction = torch.where(first, 0.0, u / torch.where(first, 1.0, norm))
            w = y.sqrt() * direction
            diag = (1 - (w * w).sum(-1)).clamp(min=torch.finfo(w.dtype).tiny).sqrt()
            return w + torch.diag_embed(diag)

    @_validated
    def log_prob(self, value):
        diag = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = torch.arange(2, self.dim + 1, dtype=value.dtype, device=value.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalised = (order * diag.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        log_norm = 0.5 * dm1 * math.log(math.pi) + torch.mvlgamma(alpha - 0.5, dm1) - torch.lgamma(alpha) * dm1
        return unnormalised - log_norm
