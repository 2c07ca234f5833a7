"""torch.utils: data loading and activation checkpointing."""
from . import _pytree as _pytree, checkpoint as checkpoint, data as data, hooks as hooks
from . import dlpack as dlpack
