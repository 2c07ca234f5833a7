"""torchvision for jtorch (`jtorch run` aliases `torchvision` to this package)."""
from . import datasets as datasets
from . import transforms as transforms
from . import utils as utils
import importlib

__version__ = "0.28.0"


def __getattr__(name):
    if name == "models":  # needs jtorch.nn: imported on first use
        return importlib.import_module(".models", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
