"""torchvision.ops: operators and layers used by detection and classification models."""
from .misc import FrozenBatchNorm2d as FrozenBatchNorm2d

__all__ = ["FrozenBatchNorm2d"]
