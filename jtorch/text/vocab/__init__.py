"""torchtext.vocab: Vocab, vocab(ordered_dict) and build_vocab_from_iterator."""
from .vocab import Vocab as Vocab  # noqa: F401
from .vocab_factory import build_vocab_from_iterator as build_vocab_from_iterator, vocab as vocab  # noqa: F401
