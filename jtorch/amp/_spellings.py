"""The deprecated per-device spellings torch.cuda.amp.* and torch.cpu.amp.*."""
import warnings

from . import autocast_mode as _ac
from .grad_scaler import GradScaler as _GradScaler


def device_spellings(device, default_dtype):
    """(autocast, GradScaler) classes bound to `device`, warning as torch does."""

    class autocast(_ac.autocast):
        __doc__ = f"torch.{device}.amp.autocast(enabled=True, dtype=torch.{default_dtype.name}, cache_enabled=True)."

        def __init__(self, enabled=True, dtype=None, cache_enabled=True):
            warnings.warn(f"`torch.{device}.amp.autocast(args...)` is deprecated. "
                          f"Please use `torch.amp.autocast('{device}', args...)` instead.", FutureWarning,
                          stacklevel=2)
            super().__init__(device, enabled=enabled, dtype=default_dtype if dtype is None else dtype,
                             cache_enabled=cache_enabled)

    class GradScaler(_GradScaler):
        __doc__ = f"torch.{device}.amp.GradScaler(init_scale=2.**16, growth_factor=2.0, backoff_factor=0.5, " \
                  "growth_interval=2000, enabled=True)."

        def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                     enabled=True):
            warnings.warn(f"`torch.{device}.amp.GradScaler(args...)` is deprecated. "
                          f"Please use `torch.amp.GradScaler('{device}', args...)` instead.", FutureWarning,
                          stacklevel=2)
            super().__init__(device, init_scale=init_scale, growth_factor=growth_factor,
                             backoff_factor=backoff_factor, growth_interval=growth_interval, enabled=enabled)

    autocast.__module__ = GradScaler.__module__ = f"torch.{device}.amp"
    autocast.__qualname__, GradScaler.__qualname__ = "autocast", "GradScaler"
    return autocast, GradScaler
