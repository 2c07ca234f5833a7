"""torch.fx.passes: analyses and rewrites of traced graphs."""
from . import shape_prop as shape_prop  # noqa: F401
