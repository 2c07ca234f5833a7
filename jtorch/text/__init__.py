"""torchtext on jtorch: tokenizers, vocab, transforms, datasets, and the legacy Field API.

`jtorch run` aliases `torchtext` to this package; `torchtext.legacy` (removed from
torchtext itself) is kept here so older scripts run unchanged.
"""
from . import data as data, datasets as datasets, functional as functional, transforms as transforms  # noqa: F401
from . import vocab as vocab  # noqa: F401
from . import legacy as legacy  # noqa: F401

__version__ = "0.18.0"
