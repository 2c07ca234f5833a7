"""MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril).

Every parameterisation is reduced to a lower Cholesky factor L with L L^T = covariance, kept
with the batch dimensions it was given (`_unbroadcasted_scale_tril`); densities and samples use
triangular solves and products with L."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .distribution import Distribution, _validated
from .utils import _standard_normal, lazy_property

__all__ = ["MultivariateNormal"]


def _batch_mv(bmat, bvec):
    return (bmat @ bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL, bx):
    """|L^-1 x|^2 for a lower-triangular L, broadcasting the batch dimensions of both."""
    lead = torch.broadcast_shapes(bL.shape[:-2], bx.shape[:-1])
    n = bx.shape[-1]
    z = torch.linalg.solve_triangular(bL.expand(lead + (n, n)), bx.expand(lead + (n,)).unsqueeze(-1),
                                      upper=False)
    return z.squeeze(-1).pow(2).sum(-1)


def _precision_to_scale_tril(P):
    """Lower L with L L^T = P^-1. With J the order reversal, chol(J P J) = F gives P = U U^T for the
    upper-triangular U = J F J, so P^-1 = U^-T U^-1 and L = U^-T."""
    U = torch.flip(torch.linalg.cholesky(torch.flip(P, (-2, -1))), (-2, -1))
    eye = torch.eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return torch.linalg.solve_triangular(U, eye, upper=True).mT


def _half_log_det(L):
    return L.diagonal(dim1=-2, dim2=-1).log().sum(-1)


_MATRICES = ("covariance_matrix", "precision_matrix", "scale_tril")


class MultivariateNormal(Distribution):
    has_rsample = True
    support = constraints.real_vector
    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = {k: v for k, v in zip(_MATRICES, (covariance_matrix, precision_matrix, scale_tril))
                 if v is not None}
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        ((name, matrix),) = given.items()
        if matrix.dim() < 2:
            what = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(f"{what} must be at least two-dimensional, with optional leading batch dimensions")
        batch_shape = torch.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        setattr(self, name, matrix.expand(batch_shape + (-1, -1)))
        self.loc = loc.expand(batch_shape + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        # the factor, computed after validation so that a bad matrix is reported as such
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = torch.linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(MultivariateNormal, batch_shape, _instance)

    def _full(self, matrix):
        return matrix.expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def scale_tril(self):
        return self._full(self._unbroadcasted_scale_tril)

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return self._full(L @ L.mT)

    @lazy_property
    def precision_matrix(self):
        L = self._unbroadcasted_scale_tril
        eye = torch.eye(L.shape[-1], dtype=L.dtype, device=L.device)
        inv = torch.linalg.solve_triangular(L, eye, upper=False)  # P = L^-T L^-1
        return self._full(inv.mT @ inv)

    mean = property(lambda self: self.loc)
    mode = property(lambda self: self.loc)

    @property
    def variance(self):
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=torch.Size()):
        eps = _standard_normal(self._extended_shape(sample_shape), self.loc.dtype, self.loc.device)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    @_validated
    def log_prob(self, value):
        L = self._unbroadcasted_scale_tril
        k = self._event_shape[0]
        m = _batch_mahalanobis(L, value - self.loc)
        return -0.5 * (m + k * math.log(2 * math.pi)) - _half_log_det(L)

    def entropy(self):
        k = self._event_shape[0]
        h = _half_log_det(self._unbroadcasted_scale_tril) + 0.5 * k * (1.0 + math.log(2 * math.pi))
        return h.expand(self._batch_shape) if len(self._batch_shape) else h
