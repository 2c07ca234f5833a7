"""OneHotCategorical: a Categorical draw written as a one-hot vector (event shape (K,))."""
from __future__ import annotations

import jtorch as torch
from jtorch.nn.functional import one_hot
from . import constraints
from .categorical import Categorical
from .distribution import Distribution, _validated

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough"]


class OneHotCategorical(Distribution):
    has_enumerate_support = True
    support = constraints.one_hot
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, probs=None, logits=None, validate_args=None) -> None:
        self._categorical = Categorical(probs, logits)
        cat = self._categorical
        super().__init__(cat.batch_shape, cat.param_shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(OneHotCategorical, batch_shape, _instance)

    def _new(self, *args, **kwargs):
        return self._categorical._new(*args, **kwargs)

    _param = property(lambda self: self._categorical._param)
    probs = property(lambda self: self._categorical.probs)
    logits = property(lambda self: self._categorical.logits)
    param_shape = property(lambda self: self._categorical.param_shape)
    mean = property(lambda self: self._categorical.probs)
    variance = property(lambda self: self.probs * (1 - self.probs))

    def _as_one_hot(self, index):
        return one_hot(index, self._categorical._num_events).to(self.probs)

    @property
    def mode(self):
        return self._as_one_hot(self.probs.argmax(dim=-1))

    def sample(self, sample_shape=torch.Size()):
        return self._as_one_hot(self._categorical.sample(torch.Size(sample_shape)))

    @_validated
    def log_prob(self, value):
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()

    def enumerate_support(self, expand=True):
        k = self.event_shape[0]
        return self._grid(torch.eye(k, dtype=self._param.dtype, device=self._param.device), expand)


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """rsample's value is a hard one-hot draw; its gradient is that of the probabilities
    (the straight-through estimator)."""

    has_rsample = True

    def rsample(self, sample_shape=torch.Size()):
        hard = self.sample(sample_shape)
        p = self._categorical.probs
        return hard + (p - p.detach())
