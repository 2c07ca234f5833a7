"""Window functions (hann, hamming, blackman, bartlett, kaiser) and the short-time Fourier transform.

A window is a constant: computed once on the host in float64 and cast to the requested dtype. stft and istft
are compositions of table ops (pad, unfold, fft, fold-style overlap-add), so they record on the lazy graph and
differentiate like any other op.
"""
import math
import warnings

import numpy as np

from .. import _dtype
from .creation import tensor
from .registry import public


def _c_type(dt):
    from .view_copies import _c_type as c_type
    return c_type(dt)


def _window(name, window_length, periodic, dtype, layout, device, requires_grad, symmetric):
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype={_c_type(dt)}, "
                           f"device=cpu, layout=Strided (default), requires_grad=false (default), "
                           f"pinned_memory=false, memory_format=(nullopt))")
    if window_length <= 1:
        values = np.ones(window_length)
    else:
        n = window_length + 1 if periodic else window_length
        values = symmetric(np.arange(n, dtype=np.float64), n)[:window_length]
    return tensor(values, dtype=dt, device=device, requires_grad=requires_grad)


def _cosine_sum(*coefficients):
    def fn(k, n):
        phase = 2 * math.pi * k / (n - 1)
        return sum(c * (-1) ** i * np.cos(i * phase) for i, c in enumerate(coefficients))
    return fn


@public(method=False)
def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False):
    return _window("hann_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _cosine_sum(0.5, 0.5))


@public(method=False)
def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    return _window("hamming_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _cosine_sum(alpha, beta))


@public(method=False)
def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    return _window("blackman_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _cosine_sum(0.42, 0.5, 0.08))


@public(method=False)
def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    return _window("bartlett_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda k, n: 1 - np.abs(2 * k / (n - 1) - 1))


@public(method=False)
def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False, pin_memory=False):
    return _window("kaiser_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda k, n: np.i0(beta * np.sqrt(np.clip(1 - (2 * k / (n - 1) - 1) ** 2, 0, None)))
                   / np.i0(beta))


# -- stft / istft -----------------------------------------------------------------------------------

def _padded_window(window, win_length, n_fft, like):
    """The window (ones when None) centred in n_fft samples."""
    from .creation import ones
    from .nn_resample import pad
    if window is None:
        window = ones(win_length, dtype=like.dtype.to_real() if like.dtype.is_complex else like.dtype)
    left = (n_fft - win_length) // 2
    return pad(window, (left, n_fft - win_length - left)) if win_length < n_fft else window


def _check_lengths(name, n_fft, hop_length, win_length, window, length):
    if not 0 < n_fft <= length:
        raise RuntimeError(f"{name}: expected 0 < n_fft <= {length}, but got n_fft={n_fft}")
    if hop_length <= 0:
        raise RuntimeError(f"{name}: expected hop_length > 0, but got hop_length={hop_length}")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{name}: expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        raise RuntimeError(f"{name}: expected a 1D window tensor of size equal to win_length={win_length}, but got "
                           f"window with size {list(window.shape)}")


@public()
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """Fourier transforms of overlapping windowed frames: (..., n_fft // 2 + 1 or n_fft, frames) complex."""
    from .nn_resample import pad
    from .spectral import fft_fft, fft_rfft
    if return_complex is None:
        if not input.dtype.is_complex and (window is None or not window.dtype.is_complex):
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                               "require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.", UserWarning,
                      stacklevel=2)
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied,which is known to cause "
                      "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                      "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                      "explicitly set `window=torch.ones(n_fft, device=<device>)`.", UserWarning, stacklevel=2)
    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.dim()}D tensor")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    x = input if input.dim() == 2 else input.unsqueeze(0)
    if center:
        if pad_mode not in ("constant", "reflect", "replicate", "circular"):
            raise RuntimeError(f"Unsupported pad_mode {pad_mode!r}")
        x = pad(x.unsqueeze(1), (n_fft // 2, n_fft // 2), mode=pad_mode).squeeze(1)
    _check_lengths("stft", n_fft, hop_length, win_length, window, x.shape[-1])
    frames = x.unfold(-1, n_fft, hop_length) * _padded_window(window, win_length, n_fft, x)
    complex_input = input.dtype.is_complex or (window is not None and window.dtype.is_complex)
    if onesided is None:
        onesided = not complex_input
    if onesided and complex_input:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    spectrum = fft_rfft(frames, dim=-1) if onesided else fft_fft(frames, dim=-1)
    if normalized:
        spectrum = spectrum * (1.0 / math.sqrt(n_fft))
    spectrum = spectrum.transpose(-1, -2)
    if input.dim() == 1:
        spectrum = spectrum.squeeze(0)
    from .spectral import view_as_real
    return spectrum if return_complex else view_as_real(spectrum)


@public()
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False, onesided=None,
          length=None, return_complex=False):
    """The inverse of stft: inverse transforms of the frames, windowed, overlap-added and divided by the summed
    squared window (which must not vanish anywhere inside the signal)."""
    from .creation import zeros
    from .spectral import fft_ifft, fft_irfft
    from .indexing import index_add
    if not input.dtype.is_complex:
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex, but got {input.dim()}")
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied.Please provide the same "
                      "window used by stft to make the inversion lossless.To suppress this warning and use a "
                      "rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`.", UserWarning,
                      stacklevel=2)
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    spec = input if input.dim() == 3 else input.unsqueeze(0)
    if onesided is None:
        onesided = spec.shape[-2] != n_fft
    if onesided and spec.shape[-2] != n_fft // 2 + 1:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft / 2 + 1 when onesided=True, but got {spec.shape[-2]}")
    if not onesided and spec.shape[-2] != n_fft:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft when onesided=False, but got {spec.shape[-2]}")
    if onesided and return_complex:
        raise RuntimeError("cannot have onesided output if window or input is complex")
    frames = spec.transpose(-1, -2)
    if normalized:
        frames = frames * math.sqrt(n_fft)
    if onesided:
        frames = fft_irfft(frames, n=n_fft, dim=-1)
    else:
        frames = fft_ifft(frames, n=n_fft, dim=-1)
        if not return_complex:
            frames = frames.real
    w = _padded_window(window, win_length, n_fft, frames)
    frames = frames * w
    n_frames = frames.shape[-2]
    total = n_fft + hop_length * (n_frames - 1)
    # overlap-add: sample t of frame f lands at f * hop + t
    where = (np.arange(n_frames)[:, None] * hop_length + np.arange(n_fft)[None, :]).reshape(-1)
    index = tensor(where, dtype=_dtype.int64)
    signal = index_add(zeros(frames.shape[0], total, dtype=frames.dtype), 1, index,
                       frames.reshape(frames.shape[0], -1))
    envelope = index_add(zeros(total, dtype=w.dtype), 0, index, (w * w).repeat(n_frames))
    start = n_fft // 2 if center else 0
    end = total - n_fft // 2 if center else total
    if length is not None:
        end = start + length
    signal = signal[:, start:min(end, total)]
    envelope = envelope[start:min(end, total)]
    if bool((envelope.abs() < 1e-11).any()):
        raise RuntimeError("istft: window overlap add min: 0")
    signal = signal / envelope
    if length is not None and signal.shape[-1] < length:
        from .nn_resample import pad
        signal = pad(signal, (0, length - signal.shape[-1]))
    return signal if input.dim() == 3 else signal.squeeze(0)
