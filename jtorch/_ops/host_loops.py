"""Tensor methods that run a Python function on the host over a tensor's elements (apply_, map_, map2_) and
numpy's __array_wrap__ hook: torch runs them on CPU only, element by element; so do these, on the values
fetched once."""
import numpy as np

from .creation import from_numpy, tensor
from .registry import public


def _values(t, name):
    return np.asarray(t._value(name))


def _loop(self, name, others, callable):
    if self.requires_grad or any(o.requires_grad for o in others):
        raise RuntimeError(f"{name} is only implemented on CPU tensors and on tensors that don't require grad")
    a = _values(self, name)
    args = [a] + [np.broadcast_to(_values(o, name), a.shape) for o in others]
    out = np.vectorize(callable, otypes=[a.dtype])(*args) if a.size else a
    return self._assign(tensor(out, dtype=self.dtype), name)


@public(function=False)
def apply_(self, callable):
    """self[i] = callable(self[i]) for every element."""
    return _loop(self, "apply_", (), callable)


@public(function=False)
def map_(self, tensor, callable):
    """self[i] = callable(self[i], tensor[i]), `tensor` broadcast to self's shape."""
    return _loop(self, "map_", (tensor,), callable)


@public(function=False)
def map2_(self, x, y, callable):
    """self[i] = callable(self[i], x[i], y[i])."""
    return _loop(self, "map2_", (x, y), callable)


@public(function=False)
def __array_wrap__(self, array):
    """numpy hands back a ufunc's result as a tensor (torch.from_numpy)."""
    return from_numpy(np.asarray(array))
