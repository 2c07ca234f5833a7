"""Wishart(df, covariance_matrix | precision_matrix | scale_tril): the law of sum_i x_i x_i^T for df
draws x_i ~ N(0, covariance); samples by the Bartlett decomposition."""
from __future__ import annotations

import math
import warnings

import jtorch as torch
from . import constraints
from .chi2 import Chi2
from .distribution import _validated
from .exp_family import ExponentialFamily
from .multivariate_normal import _precision_to_scale_tril
from .utils import lazy_property

__all__ = ["Wishart"]


def _mvdigamma(a, p):
    """sum_{i<p} digamma(a - i/2)."""
    steps = torch.arange(p, dtype=a.dtype, device=a.device) / 2
    return torch.digamma(a.unsqueeze(-1) - steps).sum(-1)


class Wishart(ExponentialFamily):
    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0
    arg_constraints = {"covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky, "df": constraints.greater_than(0)}

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:  # torch asserts this
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        param = given[0]
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional leading batch dimensions")
        if isinstance(df, (int, float)):
            batch_shape = torch.Size(param.shape[:-2])
            self.df = torch.tensor(df, dtype=param.dtype, device=param.device)
        else:
            batch_shape = torch.Size(torch.broadcast_shapes(param.shape[:-2], df.shape))
            self.df = df.expand(batch_shape)
        event_shape = param.shape[-2:]
        p = event_shape[-1]
        if bool(self.df.le(p - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        name = ("scale_tril" if scale_tril is not None else "covariance_matrix" if covariance_matrix is not None
                else "precision_matrix")
        setattr(self, name, param.expand(tuple(batch_shape) + (-1, -1)))
        if bool(self.df.lt(p).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < "
                          "ndim.", stacklevel=2)
        if name == "scale_tril":
            L = scale_tril
        else:
            L = torch.linalg.cholesky(covariance_matrix) if name == "covariance_matrix" else \
                _precision_to_scale_tril(precision_matrix)
        self._unbroadcasted_scale_tril = L
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        # the Bartlett factor's squared diagonal: chi2(df - i) for row i
        rows = torch.arange(p, dtype=param.dtype, device=param.device)
        self._dist_chi2 = Chi2(df=self.df.unsqueeze(-1) - rows.expand(tuple(batch_shape) + (-1,)))

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = torch.Size(batch_shape)
        square = batch_shape + self.event_shape
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(square)
        new.df = self.df.expand(batch_shape)
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                new.__dict__[name] = self.__dict__[name].expand(square)
        p = self.event_shape[-1]
        rows = torch.arange(p, dtype=new.df.dtype, device=new.df.device)
        new._dist_chi2 = Chi2(df=new.df.unsqueeze(-1) - rows.expand(tuple(batch_shape) + (-1,)))
        ExponentialFamily.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _full(self, matrix):
        return matrix.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def scale_tril(self):
        return self._full(self._unbroadcasted_scale_tril)

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return self._full(L @ L.mT)

    @lazy_property
    def precision_matrix(self):
        eye = torch.eye(self._event_shape[-1], dtype=self.df.dtype, device=self.df.device)
        return self._full(torch.cholesky_solve(eye, self._unbroadcasted_scale_tril)) \
            if hasattr(torch, "cholesky_solve") else self._full(torch.linalg.inv(self.covariance_matrix))

    mean = property(lambda self: self.df.view(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix)

    @property
    def mode(self):
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = torch.where(factor <= 0, math.nan, factor)
        return factor.view(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix

    @property
    def variance(self):
        V = self.covariance_matrix
        d = V.diagonal(dim1=-2, dim2=-1)
        return self.df.view(tuple(self._batch_shape) + (1, 1)) * (V.pow(2) + d.unsqueeze(-1) * d.unsqueeze(-2))

    def _bartlett(self, sample_shape):
        diag = self._dist_chi2.rsample(sample_shape).sqrt()
        noise = torch.randn(self._extended_shape(sample_shape), dtype=diag.dtype, device=diag.device).tril(-1)
        A = noise + torch.diag_embed(diag)
        LA = self._unbroadcasted_scale_tril @ A
        return LA @ LA.mT

    def rsample(self, sample_shape=torch.Size(), max_try_correction=None):
        return self._bartlett(torch.Size(sample_shape))

    @_validated
    def log_prob(self, value):
        nu = self.df
        p = self._event_shape[-1]
        half_logdet_cov = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        trace = torch.cholesky_solve(value, self._unbroadcasted_scale_tril).diagonal(dim1=-2, dim2=-1).sum(-1) \
            if hasattr(torch, "cholesky_solve") else \
            torch.linalg.solve(self.covariance_matrix, value).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (-nu * half_logdet_cov - 0.5 * nu * p * math.log(2) - torch.mvlgamma(0.5 * nu, p)
                + 0.5 * (nu - p - 1) * torch.linalg.slogdet(value).logabsdet - 0.5 * trace)

    def entropy(self):
        nu = self.df
        p = self._event_shape[-1]
        half_logdet_cov = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return ((p + 1) * half_logdet_cov + 0.5 * p * (p + 1) * math.log(2) + torch.mvlgamma(0.5 * nu, p)
                - 0.5 * (nu - p - 1) * _mvdigamma(0.5 * nu, p) + 0.5 * nu * p)

    @property
    def _natural_params(self):
        return -0.5 * self.precision_matrix, 0.5 * (self.df - self._event_shape[-1] - 1)

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return (y + 0.5 * (p + 1)) * (-torch.linalg.slogdet(-2 * x).logabsdet + p * math.log(2)) + \
            torch.mvlgamma(y + 0.5 * (p + 1), p)
