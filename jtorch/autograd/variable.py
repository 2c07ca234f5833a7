"""torch.autograd.Variable: the pre-0.4 wrapper, now the Tensor itself.

`Variable(t)` gives a tensor that shares t's data and is a new leaf (requires_grad as asked);
every tensor counts as a Variable (`isinstance(t, Variable)`), as in torch.
"""
import warnings
from .._tensor import Tensor
from .._ops.creation import empty


class VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(metaclass=VariableMeta):
    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          stacklevel=2)
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out.requires_grad_(True)
        return out


VariableMeta.__module__ = Variable.__module__ = "torch.autograd.variable"
