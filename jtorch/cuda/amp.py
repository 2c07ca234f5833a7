"""torch.cuda.amp: the deprecated CUDA spellings of torch.amp.autocast and GradScaler."""
from .. import _dtype
from ..amp._spellings import device_spellings

autocast, GradScaler = device_spellings("cuda", _dtype.float16)
