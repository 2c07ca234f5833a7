"""torch.fft and the complex views (view_as_real, view_as_complex, polar)."""
