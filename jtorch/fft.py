"""torch.fft: discrete Fourier transforms (the ops live in jtorch/_ops/spectral.py)."""
