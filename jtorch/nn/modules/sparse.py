"""Embedding and EmbeddingBag (torch.nn.modules.sparse)."""
from ..._ops import sparse as _S
from ..._ops.creation import empty
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter
from .module import Module


def _wrap_padding_idx(padding_idx, rows, message):
    # torch asserts -rows <= padding_idx < rows and stores negative indices counted from the end.
    if padding_idx is None:
        return None
    assert -rows <= padding_idx < rows or padding_idx == 0, message
    return padding_idx + rows if padding_idx < 0 else padding_idx


def _table(module, num_embeddings, embedding_dim, weight, device, dtype):
    """The (num_embeddings, embedding_dim) table: `weight` as given (shape checked), else a fresh one."""
    module.num_embeddings, module.embedding_dim = num_embeddings, embedding_dim
    if weight is None:
        return empty((num_embeddings, embedding_dim), dtype=dtype, device=device), True
    assert list(weight.shape) == [num_embeddings, embedding_dim], \
        "Shape of weight does not match num_embeddings and embedding_dim"
    return weight, False


def _options(module, head, keys, show=str):
    """`head` followed by ", key=value" for each (key, shown) pair whose `shown` is true."""
    parts = [head] + [f"{k}={show(getattr(module, k))}" for k, shown in keys if shown]
    return ", ".join(parts)


class Embedding(Module):
    """A lookup table of `num_embeddings` vectors of size `embedding_dim`.

    Shape: input (*) integer indices -> output (*, embedding_dim). An out-of-range concrete
    index raises IndexError like torch. `sparse=True` is accepted; gradients are dense.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        padding_idx = _wrap_padding_idx(padding_idx, num_embeddings, "Padding_idx must be within num_embeddings")
        table, fresh = _table(self, num_embeddings, embedding_dim, _weight, device, dtype)
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.weight = Parameter(table, requires_grad=not _freeze)
        if fresh:
            self.reset_parameters()
        self.sparse = sparse

    def reset_parameters(self):
        with no_grad():
            self.weight.normal_()
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is None:
            return
        with no_grad():
            self.weight[self.padding_idx] = 0

    def forward(self, input):
        return _S.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                            self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        text = _options(self, f"{self.num_embeddings}, {self.embedding_dim}", [
            ("padding_idx", self.padding_idx is not None),
            ("max_norm", self.max_norm is not None),
            ("norm_type", self.norm_type != 2),
            ("scale_grad_by_freq", self.scale_grad_by_freq is not False),
        ])
        return text + ", sparse=True" if self.sparse is not False else text

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        assert embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional"
        n, d = embeddings.shape
        return cls(num_embeddings=n, embedding_dim=d, _weight=embeddings, _freeze=freeze, padding_idx=padding_idx,
                   max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


class EmbeddingBag(Module):
    """Sums, means or maxes of bags of embeddings, without materialising the per-index vectors.

    Shape: input (B, N) fixed-size bags, or 1-D input with `offsets` giving each bag's start.
    """

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None,
                 device=None, dtype=None):
        super().__init__()
        padding_idx = _wrap_padding_idx(padding_idx, num_embeddings, "padding_idx must be within num_embeddings")
        table, fresh = _table(self, num_embeddings, embedding_dim, _weight, device, dtype)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.padding_idx = padding_idx
        self.weight = Parameter(table)
        if fresh:
            self.reset_parameters()
        self.mode, self.sparse = mode, sparse
        self.include_last_offset = include_last_offset

    def reset_parameters(self):
        with no_grad():
            self.weight.normal_()
            if self.padding_idx is not None:
                self.weight[self.padding_idx] = 0

    def forward(self, input, offsets=None, per_sample_weights=None):
        return _S.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                                self.mode, self.sparse, per_sample_weights, self.include_last_offset,
                                self.padding_idx)

    def extra_repr(self):
        head = _options(self, f"{self.num_embeddings}, {self.embedding_dim}", [
            ("max_norm", self.max_norm is not None),
            ("norm_type", self.norm_type != 2),
            ("scale_grad_by_freq", self.scale_grad_by_freq is not False),
            ("mode", True),
        ], show=repr)
        return _options(self, head, [("padding_idx", self.padding_idx is not None)], show=repr)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None):
        assert embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional"
        n, d = embeddings.shape
        bag = cls(num_embeddings=n, embedding_dim=d, _weight=embeddings, max_norm=max_norm, norm_type=norm_type,
                  scale_grad_by_freq=scale_grad_by_freq, mode=mode, sparse=sparse,
                  include_last_offset=include_last_offset, padding_idx=padding_idx)
        bag.weight.requires_grad = not freeze
        return bag
