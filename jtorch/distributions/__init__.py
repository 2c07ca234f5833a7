"""torch.distributions on jtorch ops: densities, samples and their gradients record onto the
lazy graph and trace under jtorch.compile.

Samplers draw keys from jtorch's Generator, so `jtorch.manual_seed` makes them reproducible
(the values differ from torch's, which come from another generator).
"""
from . import constraints as constraints, transforms as transforms
from .distribution import Distribution as Distribution
from .exp_family import ExponentialFamily as ExponentialFamily
from .normal import Normal as Normal
from .log_normal import LogNormal as LogNormal
from .laplace import Laplace as Laplace
from .uniform import Uniform as Uniform
from .exponential import Exponential as Exponential
from .gamma import Gamma as Gamma
from .beta import Beta as Beta
from .dirichlet import Dirichlet as Dirichlet
from .multivariate_normal import MultivariateNormal as MultivariateNormal
from .bernoulli import Bernoulli as Bernoulli
from .binomial import Binomial as Binomial
from .poisson import Poisson as Poisson
from .categorical import Categorical as Categorical
from .one_hot_categorical import (OneHotCategorical as OneHotCategorical,
                                  OneHotCategoricalStraightThrough as OneHotCategoricalStraightThrough)
from .independent import Independent as Independent
from .transformed_distribution import TransformedDistribution as TransformedDistribution
from .transforms import (AffineTransform as AffineTransform, ComposeTransform as ComposeTransform,
                         ExpTransform as ExpTransform, Transform as Transform,
                         identity_transform as identity_transform)
from .kl import kl_divergence as kl_divergence, register_kl as register_kl

__all__ = [
    "AffineTransform",
    "Bernoulli",
    "Beta",
    "Binomial",
    "Categorical",
    "ComposeTransform",
    "Dirichlet",
    "Distribution",
    "ExpTransform",
    "Exponential",
    "ExponentialFamily",
    "Gamma",
    "Independent",
    "Laplace",
    "LogNormal",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "OneHotCategoricalStraightThrough",
    "Poisson",
    "Transform",
    "TransformedDistribution",
    "Uniform",
    "constraints",
    "identity_transform",
    "kl_divergence",
    "register_kl",
    "transforms",
]
