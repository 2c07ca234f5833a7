"""torchtext.transforms: text pipeline steps as modules (VocabTransform, ToTensor, Truncate, ...)."""
from . import functional as F
from .._ops.creation import full
from .._ops.movement import cat


def _module_base():
    try:
        from ..nn import Module
        return Module
    except ImportError:  # jtorch.nn not importable: transforms still work as plain callables
        class _Callable:
            def __init__(self):
                pass

            def __call__(self, *args, **kwargs):
                return self.forward(*args, **kwargs)
        return _Callable


Module = _module_base()


class VocabTransform(Module):
    """Tokens (or batches of tokens) to ids with a Vocab."""

    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab

    def forward(self, input):
        if not isinstance(input, (list, tuple)):
            raise TypeError("Input type not supported")
        if F._is_batch(input):
            return [self.vocab.lookup_indices(list(x)) for x in input]
        return self.vocab.lookup_indices(list(input))


class ToTensor(Module):
    def __init__(self, padding_value=None, dtype=None):
        super().__init__()
        self.padding_value = padding_value
        self.dtype = dtype

    def forward(self, input):
        return F.to_tensor(input, padding_value=self.padding_value, dtype=self.dtype)


class LabelToIndex(Module):
    """String labels to indices, from `label_names` or a file with one label a line."""

    def __init__(self, label_names=None, label_path=None, sort_names=False):
        super().__init__()
        if (label_names is None) == (label_path is None):
            raise AssertionError("label_names and label_path are mutually exclusive")
        if label_path:
            with open(label_path, "r") as f:
                label_names = [line.strip() for line in f if line.strip()]
        if sort_names:
            label_names = sorted(label_names)
        from .vocab import Vocab
        self._label_vocab = Vocab(label_names)
        self._label_names = self._label_vocab.get_itos()

    @property
    def label_names(self):
        return self._label_names

    def forward(self, input):
        if isinstance(input, str):
            return self._label_vocab[input]
        if isinstance(input, (list, tuple)):
            return self._label_vocab.lookup_indices(list(input))
        raise TypeError("Input type not supported")


class Truncate(Module):
    def __init__(self, max_seq_len):
        super().__init__()
        self.max_seq_len = max_seq_len

    def forward(self, input):
        return F.truncate(input, self.max_seq_len)


class AddToken(Module):
    def __init__(self, token, begin=True):
        super().__init__()
        self.token = token
        self.begin = begin

    def forward(self, input):
        return F.add_token(input, self.token, self.begin)


class StrToIntTransform(Module):
    def forward(self, input):
        return F.str_to_int(input)


class PadTransform(Module):
    """Pad the last dimension of a tensor up to `max_length` with `pad_value`."""

    def __init__(self, max_length, pad_value):
        super().__init__()
        self.max_length = max_length
        self.pad_value = float(pad_value)

    def forward(self, x):
        n = x.size(-1)
        if n >= self.max_length:
            return x
        pad = full(tuple(x.shape[:-1]) + (self.max_length - n,), self.pad_value, dtype=x.dtype)
        return cat([x, pad], dim=-1)


class Sequential(Module):
    """Apply transforms in order (torchtext.transforms.Sequential)."""

    def __init__(self, *transforms):
        super().__init__()
        self._transforms = list(transforms)
        for i, t in enumerate(transforms):
            if hasattr(self, "add_module") and hasattr(t, "_modules"):
                self.add_module(str(i), t)

    def __len__(self):
        return len(self._transforms)

    def __getitem__(self, i):
        return self._transforms[i]

    def forward(self, input):
        for t in self._transforms:
            input = t(input)
        return input
