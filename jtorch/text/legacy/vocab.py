"""torchtext.legacy.vocab.Vocab: stoi / itos / freqs built from a Counter."""
from collections import Counter, defaultdict


def _default_unk_index():
    return 0


class Vocab:
    """Tokens ordered by frequency (ties alphabetically) after the specials, as legacy torchtext did.

    Unknown tokens map to '<unk>' when it is a special; without one, stoi raises KeyError.
    Pretrained `vectors` are not loaded (accepted and ignored: `self.vectors` stays None).
    """

    UNK = "<unk>"

    def __init__(self, counter, max_size=None, min_freq=1, specials=("<unk>", "<pad>"), vectors=None,
                 unk_init=None, vectors_cache=None, specials_first=True):
        self.freqs = counter
        counter = Counter(counter)
        min_freq = max(min_freq, 1)
        specials = list(specials)
        self.itos = list(specials) if specials_first else []
        for tok in specials:
            del counter[tok]
        max_size = None if max_size is None else max_size + len(self.itos)
        words_and_frequencies = sorted(counter.items(), key=lambda tup: tup[0])
        words_and_frequencies.sort(key=lambda tup: tup[1], reverse=True)
        for word, freq in words_and_frequencies:
            if freq < min_freq or len(self.itos) == max_size:
                break
            self.itos.append(word)
        if not specials_first:
            self.itos.extend(specials)
        if Vocab.UNK in specials:
            unk_index = specials.index(Vocab.UNK)
            self.unk_index = unk_index if specials_first else len(self.itos) + unk_index
            self.stoi = defaultdict(self._unk)
        else:
            self.stoi = defaultdict()
        self.stoi.update({tok: i for i, tok in enumerate(self.itos)})
        self.vectors = None

    def _unk(self):
        return self.unk_index

    def __getitem__(self, token):
        return self.stoi.get(token, self.stoi.get(Vocab.UNK))

    def __getstate__(self):
        attrs = dict(self.__dict__)
        attrs["stoi"] = dict(self.stoi)
        return attrs

    def __setstate__(self, state):
        stoi = state.pop("stoi")
        self.__dict__.update(state)
        self.stoi = defaultdict(self._unk) if hasattr(self, "unk_index") else defaultdict()
        self.stoi.update(stoi)

    def __eq__(self, other):
        return (isinstance(other, Vocab) and self.freqs == other.freqs and self.stoi == other.stoi
                and self.itos == other.itos)

    def __len__(self):
        return len(self.itos)

    def lookup_indices(self, tokens):
        return [self.__getitem__(t) for t in tokens]

    def extend(self, v, sort=False):
        words = sorted(v.itos) if sort else v.itos
        for w in words:
            if w not in self.stoi:
                self.itos.append(w)
                self.stoi[w] = len(self.itos) - 1
