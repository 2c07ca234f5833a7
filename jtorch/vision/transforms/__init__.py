"""torchvision.transforms for jtorch."""
from . import functional as functional
from .functional import InterpolationMode as InterpolationMode
from .transforms import (
    CenterCrop as CenterCrop, ColorJitter as ColorJitter, Compose as Compose,
    ConvertImageDtype as ConvertImageDtype, GaussianBlur as GaussianBlur, Grayscale as Grayscale, Lambda as Lambda,
    Normalize as Normalize, Pad as Pad, PILToTensor as PILToTensor, RandomAffine as RandomAffine,
    RandomApply as RandomApply, RandomChoice as RandomChoice, RandomCrop as RandomCrop,
    RandomErasing as RandomErasing, RandomGrayscale as RandomGrayscale,
    RandomHorizontalFlip as RandomHorizontalFlip, RandomOrder as RandomOrder,
    RandomPerspective as RandomPerspective, RandomResizedCrop as RandomResizedCrop,
    RandomRotation as RandomRotation, RandomVerticalFlip as RandomVerticalFlip, Resize as Resize,
    ToPILImage as ToPILImage, ToTensor as ToTensor,
)
from . import v2 as v2  # noqa: E402
