"""torch.backends.miopen: ROCm's MIOpen convolution settings (recorded only: XLA picks kernels)."""

immediate = False
