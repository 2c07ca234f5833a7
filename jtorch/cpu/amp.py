"""torch.cpu.amp: the CPU spellings of torch.amp.autocast and GradScaler."""
from .. import _dtype
from ..amp._spellings import device_spellings

autocast, GradScaler = device_spellings("cpu", _dtype.bfloat16)
