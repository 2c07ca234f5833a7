"""torch.distributed.config: global flags for torch.distributed (read from the environment at import)."""
import os

__all__ = ["compile_on_one_rank", "use_torchcomms"]

# jtorch compiles each rank's step itself; the flags are kept so code that sets or reads them runs
compile_on_one_rank = bool(os.environ.get("TORCH_DISTRIBUTED_COMPILE_ON_ONE_RANK", False))
use_torchcomms = os.environ.get("TORCH_DISTRIBUTED_USE_TORCHCOMMS", "0") not in ("", "0", "false", "False")
