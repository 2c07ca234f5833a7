"""Multinomial(total_count, probs | logits): counts of total_count Categorical draws per category."""
from __future__ import annotations

import jtorch as torch
from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution, _validated
from .utils import broadcast_all

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self._categorical = Categorical(probs=probs, logits=logits)
        self.total_count = total_count
        # each category's count alone is Binomial(total_count, p_k): the entropy sums over it
        self._binomial = Binomial(total_count=total_count, probs=self._categorical.probs)
        shape = self._categorical.param_shape
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        new._categorical = self._categorical.expand(torch.Size(batch_shape))
        new.total_count = self.total_count
        batch_shape = new._categorical.batch_shape
        new._binomial = Binomial(total_count=self.total_count, probs=new._categorical.probs)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    _new = property(lambda self: self._categorical._new)
    support = constraints.dependent_property(lambda self: constraints.multinomial(self.total_count),
                                             is_discrete=True, event_dim=1)

    logits = property(lambda self: self._categorical.logits)
    probs = property(lambda self: self._categorical.probs)
    param_shape = property(lambda self: self._categorical.param_shape)
    mean = property(lambda self: self.probs * self.total_count)
    variance = property(lambda self: self.total_count * self.probs * (1 - self.probs))

    def sample(self, sample_shape=torch.Size()):
        sample_shape = torch.Size(sample_shape)
        with torch.no_grad():
            draws = self._categorical.sample(torch.Size((self.total_count,)) + sample_shape)
            k = self._categorical._num_events
            counts = torch.nn.functional.one_hot(draws, k).sum(0)
            return counts.to(self.probs.dtype)

    def entropy(self):
        n = torch.tensor(float(self.total_count), dtype=self.probs.dtype)
        # H = n H(cat) - log n! + sum_k E[log x_k!], with x_k ~ Binomial(n, p_k)
        support = self._binomial.enumerate_support(expand=False)[1:]
        weights = torch.exp(self._binomial.log_prob(support)) * torch.lgamma(support + 1)
        return n * self._categorical.entropy() - torch.lgamma(n + 1) + weights.sum([0, -1])

    @_validated
    def log_prob(self, value):
        logits, value = broadcast_all(self.logits, value)
        log_coef = torch.lgamma(value.sum(-1) + 1) - torch.lgamma(value + 1).sum(-1)
        # a category never drawn contributes nothing, even where its logit is -inf
        logits = torch.where((value == 0) & (logits == -float("inf")), 0.0, logits)
        return log_coef + (logits * value).sum(-1)
