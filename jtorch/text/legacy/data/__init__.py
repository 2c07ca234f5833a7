"""torchtext.legacy.data."""
from .batch import Batch as Batch  # noqa: F401
from .dataset import Dataset as Dataset, TabularDataset as TabularDataset  # noqa: F401
from .example import Example as Example  # noqa: F401
from .field import Field as Field, LabelField as LabelField, RawField as RawField  # noqa: F401
from .iterator import BucketIterator as BucketIterator, Iterator as Iterator, batch as batch, pool as pool  # noqa
from .pipeline import Pipeline as Pipeline  # noqa: F401
from ...data.utils import get_tokenizer as get_tokenizer  # noqa: F401
