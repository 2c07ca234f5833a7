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
from .transforms import (  # noqa: F401
    AbsTransform as AbsTransform, CatTransform as CatTransform, CorrCholeskyTransform as CorrCholeskyTransform,
    CumulativeDistributionTransform as CumulativeDistributionTransform, IndependentTransform as IndependentTransform,
    LowerCholeskyTransform as LowerCholeskyTransform, PositiveDefiniteTransform as PositiveDefiniteTransform,
    PowerTransform as PowerTransform, ReshapeTransform as ReshapeTransform, SigmoidTransform as SigmoidTransform,
    SoftmaxTransform as SoftmaxTransform, SoftplusTransform as SoftplusTransform, StackTransform as StackTransform,
    StickBreakingTransform as StickBreakingTransform, TanhTransform as TanhTransform,
)
from .constraint_registry import biject_to as biject_to, transform_to as transform_to
from .kl import kl_divergence as kl_divergence, register_kl as register_kl
from .cauchy import Cauchy as Cauchy
from .half_cauchy import HalfCauchy as HalfCauchy
from .half_normal import HalfNormal as HalfNormal
from .chi2 import Chi2 as Chi2
from .studentT import StudentT as StudentT
from .geometric import Geometric as Geometric
from .gumbel import Gumbel as Gumbel
from .weibull import Weibull as Weibull
from .pareto import Pareto as Pareto
from .kumaraswamy import Kumaraswamy as Kumaraswamy
from .inverse_gamma import InverseGamma as InverseGamma
from .fishersnedecor import FisherSnedecor as FisherSnedecor
from .logistic_normal import LogisticNormal as LogisticNormal
from .generalized_pareto import GeneralizedPareto as GeneralizedPareto
from .multinomial import Multinomial as Multinomial
from .negative_binomial import NegativeBinomial as NegativeBinomial
from .mixture_same_family import MixtureSameFamily as MixtureSameFamily
from .lowrank_multivariate_normal import LowRankMultivariateNormal as LowRankMultivariateNormal
from .relaxed_bernoulli import RelaxedBernoulli as RelaxedBernoulli
from .relaxed_categorical import RelaxedOneHotCategorical as RelaxedOneHotCategorical
from .von_mises import VonMises as VonMises
from .continuous_bernoulli import ContinuousBernoulli as ContinuousBernoulli
from .wishart import Wishart as Wishart
from .lkj_cholesky import LKJCholesky as LKJCholesky
from . import constraint_registry as constraint_registry  # noqa: E402

__all__ = [
    "AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "CatTransform", "Categorical", "Cauchy",
    "Chi2", "ComposeTransform", "ContinuousBernoulli", "CorrCholeskyTransform", "CumulativeDistributionTransform",
    "Dirichlet", "Distribution", "ExpTransform", "Exponential", "ExponentialFamily", "FisherSnedecor", "Gamma",
    "GeneralizedPareto", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent", "IndependentTransform",
    "InverseGamma", "Kumaraswamy", "LKJCholesky", "Laplace", "LogNormal", "LogisticNormal",
    "LowRankMultivariateNormal", "LowerCholeskyTransform", "MixtureSameFamily", "Multinomial", "MultivariateNormal",
    "NegativeBinomial", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough", "Pareto", "Poisson",
    "PositiveDefiniteTransform", "PowerTransform", "RelaxedBernoulli", "RelaxedOneHotCategorical",
    "ReshapeTransform", "SigmoidTransform", "SoftmaxTransform", "SoftplusTransform", "StackTransform",
    "StickBreakingTransform", "StudentT", "TanhTransform", "Transform", "TransformedDistribution", "Uniform",
    "VonMises", "Weibull", "Wishart", "biject_to", "constraints", "identity_transform", "kl_divergence",
    "register_kl", "transform_to", "transforms",
]
