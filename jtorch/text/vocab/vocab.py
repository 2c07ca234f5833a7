"""torchtext.vocab.Vocab: a token <-> index map with an optional default index."""


class Vocab:
    """Maps tokens to indices (torchtext's Vocab; plain Python, not scriptable)."""

    def __init__(self, tokens=None):
        self._itos = []
        self._stoi = {}
        self._default = None
        for t in tokens or ():
            self.append_token(t)

    def is_jitable(self):
        return False

    def forward(self, tokens):
        return self.lookup_indices(tokens)

    __call__ = forward

    def __len__(self):
        return len(self._itos)

    def __contains__(self, token):
        return token in self._stoi

    def __getitem__(self, token):
        i = self._stoi.get(token)
        if i is not None:
            return i
        if self._default is None:
            raise RuntimeError(f"Token {token} not found and default index is not set")
        return self._default

    def set_default_index(self, index):
        self._default = None if index is None else int(index)

    def get_default_index(self):
        return self._default

    def insert_token(self, token, index):
        if token in self._stoi:
            raise RuntimeError(f"Token {token} already exists in the Vocab with index: {self._stoi[token]}")
        if not 0 <= index <= len(self._itos):
            raise RuntimeError(f"Specified index {index} is out of bounds for the size {len(self._itos)} of the "
                               "Vocab.")
        self._itos.insert(index, token)
        self._stoi = {t: i for i, t in enumerate(self._itos)}

    def append_token(self, token):
        if token in self._stoi:
            raise RuntimeError(f"Token {token} already exists in the Vocab with index: {self._stoi[token]}")
        self._stoi[token] = len(self._itos)
        self._itos.append(token)

    def lookup_token(self, index):
        if not 0 <= index < len(self._itos):
            raise RuntimeError(f"Specified index {index} is out of bounds of the size of itos dictionary: "
                               f"{len(self._itos)}.")
        return self._itos[index]

    def lookup_tokens(self, indices):
        return [self.lookup_token(i) for i in indices]

    def lookup_indices(self, tokens):
        return [self[t] for t in tokens]

    def get_stoi(self):
        return dict(self._stoi)

    def get_itos(self):
        return list(self._itos)

    def __repr__(self):
        return "Vocab()"
