"""Exponential families: p(x) = h(x) exp(<theta, t(x)> - A(theta)).

A member declares its natural parameters theta, its log-normaliser A and E[log h(x)]; entropy
and the Bregman form of the KL divergence (kl.py) follow from the gradient of A, which is the
mean of the sufficient statistic t(x)."""
from __future__ import annotations

import jtorch as torch
from jtorch import Tensor
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


def _grad_log_normalizer(dist, thetas):
    """A(thetas) and dA/dtheta, differentiable again (both feed the caller's formulas)."""
    a = dist._log_normalizer(*thetas)
    return a, torch.autograd.grad(a.sum(), thetas, create_graph=True)


class ExponentialFamily(Distribution):

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float:
        raise NotImplementedError

    def entropy(self):
        # H = A(theta) - <theta, E[t(x)]> - E[log h(x)], with E[t(x)] = grad A(theta)
        thetas = [t.detach().requires_grad_() for t in self._natural_params]
        a, mean_stat = _grad_log_normalizer(self, thetas)
        out = a - self._mean_carrier_measure
        for theta, m in zip(thetas, mean_stat):
            out = out - (theta * m).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return out
