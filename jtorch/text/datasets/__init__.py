"""torchtext.datasets."""
from . import synthetic as synthetic  # noqa: F401
from .imdb import IMDB as IMDB  # noqa: F401
