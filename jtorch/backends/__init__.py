"""torch.backends: flags that scripts set. XLA chooses its own kernels, so they are recorded only."""
from . import cuda as cuda, cudnn as cudnn, mps as mps  # noqa: F401
