"""A stand-in torchvision for the real-torch reference process when torchvision is not installed.

timm imports torchvision's transforms, datasets and ops modules at import time, but a timm model's forward
never calls them. The reference process (real torch) installs this stub only when the real torchvision is
absent; jtorch's side always uses jtorch's own torchvision (jtorch.vision).
"""
import enum
import sys
import types


class _Placeholder:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("the torchvision stub of the ecosystem tests cannot run torchvision code")


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return type(name, (_Placeholder,), {})


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def install():
    import importlib.machinery
    import importlib.util
    if importlib.util.find_spec("torchvision") is not None:
        return
    names = ["torchvision", "torchvision.ops", "torchvision.ops.misc", "torchvision.transforms",
             "torchvision.transforms.functional", "torchvision.transforms.v2", "torchvision.datasets",
             "torchvision.models", "torchvision.io", "torchvision.utils"]
    for name in names:
        mod = _StubModule(name)
        mod.__path__ = []
        mod.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
        sys.modules[name] = mod
        parent, _, leaf = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], leaf, mod)
    sys.modules["torchvision"].__version__ = "0.0.0+stub"
    sys.modules["torchvision.transforms"].InterpolationMode = InterpolationMode
    sys.modules["torchvision.transforms.functional"].InterpolationMode = InterpolationMode
