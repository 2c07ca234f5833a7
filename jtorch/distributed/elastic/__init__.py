"""torch.distributed.elastic: the parts training scripts import (the launcher itself is jtorch.distributed.run)."""
