"""torch.fft: discrete Fourier transforms (the ops live in jtorch/_ops/spectral.py)."""
from ._ops.elementwise import takes_out as _takes_out
from ._tensor import Tensor as Tensor  # torch.fft re-exports it (its annotations name it)
from ._ops.spectral import (  # noqa: F401
    fft_fft, fft_fft2, fft_fftfreq as fftfreq, fft_fftn, fft_fftshift as fftshift, fft_hfft, fft_ifft, fft_ifft2,
    fft_ifftn, fft_ifftshift as ifftshift, fft_ihfft, fft_irfft, fft_irfft2, fft_irfftn, fft_rfft, fft_rfft2,
    fft_rfftfreq as rfftfreq, fft_rfftn,
)

# the transforms take torch's out= keyword as well
fft, ifft, rfft, irfft, hfft, ihfft = (_takes_out(f) for f in (fft_fft, fft_ifft, fft_rfft, fft_irfft, fft_hfft,
                                                                fft_ihfft))
fft2, ifft2, rfft2, irfft2 = (_takes_out(f) for f in (fft_fft2, fft_ifft2, fft_rfft2, fft_irfft2))
fftn, ifftn, rfftn, irfftn = (_takes_out(f) for f in (fft_fftn, fft_ifftn, fft_rfftn, fft_irfftn))

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn", "ifftshift", "ihfft",
           "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]
