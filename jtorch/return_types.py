"""torch.return_types: the named tuples returned by max(dim), sort, topk, ..."""
from ._ops.reduction import return_type as _return_type


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _return_type(name)
