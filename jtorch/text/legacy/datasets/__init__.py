"""torchtext.legacy.datasets."""
from .imdb import IMDB as IMDB  # noqa: F401
