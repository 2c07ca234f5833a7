"""Categorical(probs | logits): one draw of an index in 0 .. K-1 (K = the last dimension)."""
from __future__ import annotations

import math

import jtorch as torch
from . import constraints
from .distribution import Distribution, _validated
from .utils import _GivenParameter, _probs_or_logits, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Categorical"]


class Categorical(_GivenParameter, Distribution):
    has_enumerate_support = True
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, probs=None, logits=None, validate_args=None) -> None:
        self._given, value = _probs_or_logits(probs, logits)
        if value.dim() < 1:
            raise ValueError(f"`{self._given}` parameter must be at least one-dimensional.")
        # stored normalised: probs summing to 1, logits with logsumexp 0
        if self._given == "probs":
            self.probs = value / value.sum(-1, keepdim=True)
        else:
            self.logits = value - value.logsumexp(dim=-1, keepdim=True)
        self._num_events = value.shape[-1]
        super().__init__(value.shape[:-1], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_declared(Categorical, batch_shape, _instance)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        last = self._num_events - 1
        return constraints.integer_interval(0, last)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits)

    mode = property(lambda self: self.probs.argmax(dim=-1))

    def _undefined(self):
        # an index has no meaningful mean or variance
        return torch.full(self._extended_shape(), math.nan, dtype=self.probs.dtype, device=self.probs.device)

    mean = property(_undefined)
    variance = property(_undefined)

    def sample(self, sample_shape=torch.Size()):
        shape = self._extended_shape(sample_shape)
        draws = math.prod(tuple(sample_shape))
        rows = self.probs.reshape(-1, self._num_events)
        return torch.multinomial(rows, draws, True).T.reshape(shape)

    @_validated
    def log_prob(self, value):
        idx = value.long().unsqueeze(-1)
        idx, table = torch.broadcast_tensors(idx, self.logits)
        return table.gather(-1, idx[..., :1]).squeeze(-1)

    def entropy(self):
        # -sum p log p, with log 0 kept finite so that 0 * log 0 is 0
        finite = self.logits.clamp(min=torch.finfo(self.logits.dtype).min)
        return -(self.probs * finite).sum(-1)

    def enumerate_support(self, expand=True):
        return self._grid(torch.arange(self._num_events, dtype=torch.long, device=self._param.device), expand)
