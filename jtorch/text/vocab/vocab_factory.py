"""torchtext.vocab factories, with torchtext's ordering: frequency descending, then token."""
from collections import Counter, OrderedDict

from .vocab import Vocab


def vocab(ordered_dict, min_freq=1, specials=None, special_first=True):
    """A Vocab from an ordered token -> frequency mapping (insertion order is kept)."""
    specials = specials or []
    ordered_dict = OrderedDict(ordered_dict)
    for token in specials:
        ordered_dict.pop(token, None)
    tokens = [t for t, f in ordered_dict.items() if f >= min_freq]
    tokens = specials + tokens if special_first else tokens + specials
    return Vocab(tokens)


def build_vocab_from_iterator(iterator, min_freq=1, specials=None, special_first=True, max_tokens=None):
    """A Vocab from an iterator of token lists."""
    counter = Counter()
    for tokens in iterator:
        counter.update(tokens)
    specials = specials or []
    by_freq = sorted(counter.items(), key=lambda x: (-x[1], x[0]))
    if max_tokens is not None:
        assert len(specials) < max_tokens, "len(specials) >= max_tokens, so the vocab will be entirely special tokens."
        by_freq = by_freq[: max_tokens - len(specials)]
    return vocab(OrderedDict(by_freq), min_freq=min_freq, specials=specials, special_first=special_first)
