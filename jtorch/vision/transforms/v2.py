"""torchvision.transforms.v2, for images: the v1 transforms plus ToImage and ToDtype."""
from . import functional as functional
from .transforms import *  # noqa: F401,F403  the v1 classes are the v2 image transforms
from .transforms import Compose, ConvertImageDtype, PILToTensor  # noqa: F401
from .functional import InterpolationMode as InterpolationMode  # noqa: F401
import numpy as np
from ...utils.data._utils import host_tensor


class ToImage(PILToTensor):
    """PIL image or HWC ndarray -> CHW tensor, dtype kept (uint8 stays uint8)."""

    def __call__(self, pic):
        if isinstance(pic, np.ndarray):
            return host_tensor(np.ascontiguousarray((pic[:, :, None] if pic.ndim == 2 else pic).transpose(2, 0, 1)))
        if functional._is_tensor(pic):
            return pic
        return super().__call__(pic)


class ToDtype:
    """Cast to `dtype`; with scale=True, rescale values as ConvertImageDtype does (uint8 -> [0, 1])."""

    def __init__(self, dtype, scale=False):
        self.dtype, self.scale = dtype, scale

    def __call__(self, inpt):
        if self.scale:
            return functional.convert_image_dtype(inpt, self.dtype)
        return inpt.to(self.dtype)

    def _batch(self, state):
        if not self.scale:
            return None
        return ConvertImageDtype(self.dtype)._batch(state)
