"""torch.amp: autocast and GradScaler."""
from .autocast_mode import (  # noqa: F401
    autocast as autocast, custom_bwd as custom_bwd, custom_fwd as custom_fwd,
    get_autocast_dtype as get_autocast_dtype, is_autocast_available as is_autocast_available,
)
from .grad_scaler import GradScaler as GradScaler, OptState as OptState  # noqa: F401
