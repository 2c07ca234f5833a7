"""TransformedDistribution(base, transforms): the law of y = t_k(...t_1(x)) for x ~ base.

log p(y) = log p_base(x) - sum_i log|det J_i|, walking the transforms backwards from y."""
from __future__ import annotations

import jtorch as torch
from . import constraints
from .distribution import Distribution
from .independent import Independent
from .transforms import ComposeTransform, Transform
from .utils import _sum_rightmost

__all__ = ["TransformedDistribution"]


class TransformedDistribution(Distribution):
    arg_constraints: dict[str, constraints.Constraint] = {}

    def __init__(self, base_distribution: Distribution, transforms, validate_args=None) -> None:
        if isinstance(transforms, Transform):
            transforms = [transforms]
        elif not isinstance(transforms, list):
            raise ValueError(f"transforms must be a Transform or list, but was {transforms}")
        elif any(not isinstance(t, Transform) for t in transforms):
            raise ValueError("transforms must be a Transform or a list of Transforms")
        self.transforms = transforms
        chain = ComposeTransform(transforms)
        base, base_events = base_distribution, len(base_distribution.event_shape)
        in_shape = base.batch_shape + base.event_shape
        if len(in_shape) < chain.domain.event_dim:
            raise ValueError(f"base_distribution needs to have shape with size at least "
                             f"{chain.domain.event_dim}, but got {in_shape}.")
        out_shape = chain.forward_shape(in_shape)
        # a transform with parameters of a larger shape broadcasts the base up to it
        wanted = chain.inverse_shape(out_shape)
        if wanted != in_shape:
            base = base.expand(wanted[:len(wanted) - base_events])
        if chain.domain.event_dim > base_events:  # the transforms couple batch dimensions of the base
            base = Independent(base, chain.domain.event_dim - base_events)
        self.base_dist = base
        events = max(chain.codomain.event_dim,
                     base_events + chain.codomain.event_dim - chain.domain.event_dim)
        if len(out_shape) < events:
            raise AssertionError(f"forward_shape length {len(out_shape)} must be >= event_dim {events}")
        cut = len(out_shape) - events
        super().__init__(out_shape[:cut], out_shape[cut:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        out = self._get_checked_instance(TransformedDistribution, _instance)
        target = torch.Size(batch_shape)
        # the base shape that the transforms map onto the requested one
        base_shape = target + self.event_shape
        for t in self.transforms[::-1]:
            base_shape = t.inverse_shape(base_shape)
        out.base_dist = self.base_dist.expand(base_shape[:len(base_shape) - len(self.base_dist.event_shape)])
        out.transforms = self.transforms
        Distribution.__init__(out, target, self.event_shape, validate_args=False)
        out._validate_args = self._validate_args
        return out

    @constraints.dependent_property(is_discrete=False)
    def support(self):
        if len(self.transforms) == 0:
            return self.base_dist.support
        last = self.transforms[-1].codomain
        extra = len(self.event_shape) - last.event_dim
        return constraints.independent(last, extra) if extra > 0 else last

    has_rsample = property(lambda self: self.base_dist.has_rsample)

    def _push(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def sample(self, sample_shape=torch.Size()):
        with torch.no_grad():
            return self._push(self.base_dist.sample(sample_shape))

    def rsample(self, sample_shape=torch.Size()):
        return self._push(self.base_dist.rsample(sample_shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        dims = len(self.event_shape)  # event dims of the current point, walking backwards
        y, correction = value, 0.0
        for t in self.transforms[::-1]:
            x = t.inv(y)
            dims += t.domain.event_dim - t.codomain.event_dim
            correction = correction + _sum_rightmost(t.log_abs_det_jacobian(x, y),
                                                     dims - t.domain.event_dim)
            y = x
        base_lp = _sum_rightmost(self.base_dist.log_prob(y), dims - len(self.base_dist.event_shape))
        return base_lp - correction

    def _monotonize_cdf(self, value):
        """A decreasing chain of transforms turns the base cdf F into 1 - F."""
        direction = 1
        for t in self.transforms:
            direction = direction * t.sign
        if isinstance(direction, int) and direction == 1:
            return value
        return 0.5 + direction * (value - 0.5)

    def cdf(self, value):
        for t in self.transforms[::-1]:
            value = t.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        return self._monotonize_cdf(self.base_dist.cdf(value))

    def icdf(self, value):
        return self._push(self.base_dist.icdf(self._monotonize_cdf(value)))
