"""torchtext.legacy: the Field / Example / BucketIterator API that torchtext 0.12 removed."""
from . import data as data, datasets as datasets, vocab as vocab  # noqa: F401
