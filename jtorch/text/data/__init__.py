"""torchtext.data: tokenizers and dataset helpers."""
from . import functional as functional, utils as utils  # noqa: F401
from .functional import to_map_style_dataset as to_map_style_dataset  # noqa: F401
from .utils import get_tokenizer as get_tokenizer, ngrams_iterator as ngrams_iterator  # noqa: F401
