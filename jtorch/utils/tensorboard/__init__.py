"""torch.utils.tensorboard: SummaryWriter writing TensorBoard event files from jtorch tensors.

Needs the optional `tensorboard` package (`pip install jtorch-jax[tensorboard]`); like torch,
importing this module without it raises ModuleNotFoundError, and `import jtorch` never imports it.
"""
import tensorboard

# torch's version gate and message; a plain tuple compare avoids needing `packaging`
def _version_tuple(v):
    return tuple(int(p) if p.isdigit() else 0 for p in v.split("+")[0].split(".")[:2])


if not hasattr(tensorboard, "__version__") or _version_tuple(tensorboard.__version__) < (1, 15):
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above")

del tensorboard, _version_tuple

from tensorboard.summary.writer.record_writer import RecordWriter  # noqa: E402

from .writer import FileWriter, SummaryWriter  # noqa: E402

__all__ = ["FileWriter", "RecordWriter", "SummaryWriter"]
