"""Tensor methods whose torch signature names the tensor `self` where the torch function names it otherwise
(torch.split(tensor, ...) but Tensor.split(self, split_size, dim=0)): the same entries under the method's
signature, so keyword calls and introspection match torch's."""
from .registry import public


@public("split", function=False)
def _split(self, split_size, dim=0):
    from .movement import split
    return split(self, split_size, dim)


@public("unflatten", function=False)
def _unflatten(self, dim, sizes):
    from .movement import unflatten
    return unflatten(self, dim, sizes)


@public("unique", function=False)
def _unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002 - torch's name
    from .sorting import unique
    return unique(self, sorted, return_inverse, return_counts, dim)


@public("unique_consecutive", function=False)
def _unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
    from .sorting import _unique_consecutive
    return _unique_consecutive(self, return_inverse, return_counts, dim)


@public("stft", function=False)
def _stft(self, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
          normalized=False, onesided=None, return_complex=None, align_to_window=None):
    from .stft import stft
    return stft(self, n_fft, hop_length, win_length, window, center, pad_mode, normalized, onesided, return_complex,
                align_to_window)


@public("istft", function=False)
def _istft(self, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False, onesided=None,
           length=None, return_complex=False):
    from .stft import istft
    return istft(self, n_fft, hop_length, win_length, window, center, normalized, onesided, length, return_complex)
