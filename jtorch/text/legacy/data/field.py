"""torchtext.legacy.data.Field: how one column is tokenized, numericalized and batched."""
from collections import Counter, OrderedDict

import numpy as np

from .... import _dtype
from ...data.utils import get_tokenizer
from ..vocab import Vocab
from .dataset import Dataset
from .pipeline import Pipeline
from ...._ops.creation import tensor


def _as_dtype(dtype):
    dt = _dtype.to_dtype(dtype)
    if dt is None:
        raise TypeError(f"Field: unsupported dtype {dtype!r}")
    return dt


def _to_tensor(arr, dtype, device):
    """One host -> device transfer of a whole (already padded) batch."""
    return tensor(np.asarray(arr, dtype=dtype.np), dtype=dtype, device=device)


class RawField:
    """A field with no vocab: values are collected and optionally postprocessed."""

    def __init__(self, preprocessing=None, postprocessing=None, is_target=False):
        self.preprocessing = preprocessing
        self.postprocessing = postprocessing
        self.is_target = is_target

    def preprocess(self, x):
        return self.preprocessing(x) if self.preprocessing is not None else x

    def process(self, batch, *args, **kwargs):
        if self.postprocessing is not None:
            batch = self.postprocessing(batch)
        return batch


class Field(RawField):
    """A text or label column: tokenize, lowercase, build a vocab, pad and make tensors.

    Tensors are [seq_len, batch] unless batch_first=True. Each batch is padded to its own
    longest example on the host and moved to the device in one transfer.
    """

    vocab_cls = Vocab
    ignore = ["dtype", "tokenize"]

    def __init__(self, sequential=True, use_vocab=True, init_token=None, eos_token=None, fix_length=None,
                 dtype=None, preprocessing=None, postprocessing=None, lower=False, tokenize=None,
                 tokenizer_language="en", include_lengths=False, batch_first=False, pad_token="<pad>",
                 unk_token="<unk>", pad_first=False, truncate_first=False, stop_words=None, is_target=False):
        self.sequential = sequential
        self.use_vocab = use_vocab
        self.init_token = init_token
        self.eos_token = eos_token
        self.unk_token = unk_token
        self.fix_length = fix_length
        self.dtype = _dtype.int64 if dtype is None else _as_dtype(dtype)
        self.preprocessing = preprocessing
        self.postprocessing = postprocessing
        self.lower = lower
        self.tokenizer_args = (tokenize, tokenizer_language)
        self.tokenize = get_tokenizer(tokenize, tokenizer_language)
        self.include_lengths = include_lengths
        self.batch_first = batch_first
        self.pad_token = pad_token if self.sequential else None
        self.pad_first = pad_first
        self.truncate_first = truncate_first
        try:
            self.stop_words = set(stop_words) if stop_words is not None else None
        except TypeError:
            raise ValueError(f"Stop words must be convertible to a set") from None
        self.is_target = is_target

    def __getstate__(self):
        state = dict(self.__dict__)
        state["tokenize"] = None  # spaCy tokenizers don't pickle; rebuilt from tokenizer_args
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.tokenize = get_tokenizer(*self.tokenizer_args)

    def preprocess(self, x):
        if self.sequential and isinstance(x, str):
            x = self.tokenize(x.rstrip("\n"))
        if self.lower:
            x = Pipeline(str.lower)(x)
        if self.sequential and self.use_vocab and self.stop_words is not None:
            x = [w for w in x if w not in self.stop_words]
        if self.preprocessing is not None:
            return self.preprocessing(x)
        return x

    def process(self, batch, device=None):
        return self.numericalize(self.pad(batch), device=device)

    def pad(self, minibatch):
        minibatch = list(minibatch)
        if not self.sequential:
            return minibatch
        if self.fix_length is None:
            max_len = max(len(x) for x in minibatch)
        else:
            max_len = self.fix_length + (self.init_token, self.eos_token).count(None) - 2
        padded, lengths = [], []
        init = [] if self.init_token is None else [self.init_token]
        eos = [] if self.eos_token is None else [self.eos_token]
        for x in minibatch:
            body = list(x[-max_len:] if self.truncate_first else x[:max_len])
            pad = [self.pad_token] * max(0, max_len - len(x))
            padded.append(pad + init + body + eos if self.pad_first else init + body + eos + pad)
            lengths.append(len(padded[-1]) - max(0, max_len - len(x)))
        if self.include_lengths:
            return padded, lengths
        return padded

    def build_vocab(self, *args, **kwargs):
        """Count tokens over datasets (or iterables of examples' values) and build `self.vocab`.

        Accepts max_size, min_freq, specials, specials_first; `vectors` is accepted and ignored."""
        counter = Counter()
        sources = []
        for arg in args:
            if isinstance(arg, Dataset):
                sources += [getattr(arg, name) for name, field in arg.fields.items() if field is self]
            else:
                sources.append(arg)
        for data in sources:
            for x in data:
                if not self.sequential:
                    x = [x]
                counter.update(x)
        for k in ("vectors", "unk_init", "vectors_cache"):
            kwargs.pop(k, None)
        specials = list(OrderedDict.fromkeys(
            tok for tok in [self.unk_token, self.pad_token, self.init_token, self.eos_token]
            + kwargs.pop("specials", []) if tok is not None))
        self.vocab = self.vocab_cls(counter, specials=specials, **kwargs)

    def numericalize(self, arr, device=None):
        if self.include_lengths and not isinstance(arr, tuple):
            raise ValueError("Field has include_lengths set to True, but input data is not a tuple of "
                             "(data batch, batch lengths).")
        lengths = None
        if isinstance(arr, tuple):
            arr, lengths = arr
            lengths = _to_tensor(lengths, self.dtype, device)
        if self.use_vocab:
            stoi = self.vocab.stoi
            if self.sequential:
                arr = [[stoi[x] for x in ex] for ex in arr]
            else:
                arr = [stoi[x] for x in arr]
            if self.postprocessing is not None:
                arr = self.postprocessing(arr, self.vocab)
        else:
            if self.dtype not in _dtype_fns():
                raise ValueError(f"Specified Field dtype {self.dtype} can not be used with use_vocab=False "
                                 "because we do not know how to numericalize it. Please raise an issue at "
                                 "https://github.com/pytorch/text/issues")
            fn = _dtype_fns()[self.dtype]
            if not self.sequential:
                arr = [fn(x) if isinstance(x, str) else x for x in arr]
            if self.postprocessing is not None:
                arr = self.postprocessing(arr, None)
        a = np.asarray(arr, dtype=self.dtype.np)
        if self.sequential and not self.batch_first:
            a = np.ascontiguousarray(a.T)
        var = _to_tensor(a, self.dtype, device)
        if self.include_lengths:
            return var, lengths
        return var


def _dtype_fns():
    return {_dtype.float32: float, _dtype.float64: float, _dtype.float16: float, _dtype.uint8: int,
            _dtype.int8: int, _dtype.int16: int, _dtype.int32: int, _dtype.int64: int}


class LabelField(Field):
    """A non-sequential target field with no <unk> and no padding."""

    def __init__(self, **kwargs):
        kwargs["sequential"] = False
        kwargs["unk_token"] = None
        kwargs["is_target"] = True
        super().__init__(**kwargs)
