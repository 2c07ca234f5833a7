"""torch.utils: data loading and activation checkpointing."""
from . import checkpoint as checkpoint, data as data
