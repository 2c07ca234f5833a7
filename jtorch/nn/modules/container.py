"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""
import collections
import operator
import warnings
from collections import OrderedDict
from itertools import chain, groupby, islice

from ..._tensor import Tensor
from ..parameter import Parameter
from .module import Module, _addindent

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Container"]

_Iterable = collections.abc.Iterable


# -- helpers the containers share ----------------------------------------------------------------------

def _position(length, idx):
    """idx as a position in 0..length-1 (negative counts from the end); IndexError in torch's words."""
    i = operator.index(idx)
    if i < -length or i >= length:
        raise IndexError(f"index {i} is out of range")
    return i % length


def _abs_string_index(self, idx):
    """The registered name of position idx (negative counts from the end), as torch's lists do."""
    return str(_position(len(self), idx))


def _renumber(self):
    """Re-key the children "0", "1", ... in their current order (after a deletion left a gap)."""
    object.__setattr__(self, "_modules", {str(i): m for i, m in enumerate(self._modules.values())})


def _shift_in(children, at, module):
    """Place `module` under key str(at), moving the children from `at` on one key up."""
    last = len(children)
    while last > at:
        children[str(last)] = children[str(last - 1)]
        last -= 1
    children[str(at)] = module


def _pop(self, key):
    item = self[key]
    del self[key]
    return item


def _dir_without_indices(self):
    # children named "0", "1", ... are reached by indexing, not attribute access
    return [name for name in Module.__dir__(self) if not name.isdigit()]


def _as_parameter(value):
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


def _checked_pairs(owner, entries):
    """(key, value) from an iterable of 2-element iterables, validated lazily with torch's messages."""
    for j, pair in enumerate(entries):
        if not isinstance(pair, _Iterable):
            raise TypeError(f"{owner} update sequence element #{j} should be Iterable; is{type(pair).__name__}")
        if len(pair) != 2:
            raise ValueError(f"{owner} update sequence element #{j} has length {len(pair)}; 2 is required")
        yield pair[0], pair[1]


def _param_str(p, type_name):
    size_str = "x".join(str(size) for size in p.size())
    device_str = f" ({p.device})" if p.device.type == "cuda" else ""
    kind = "Parameter" if isinstance(p, Parameter) else "Tensor"
    return f"{kind} containing: [{type_name} of size {size_str}{device_str}]"


def _entries_repr(pairs, type_name):
    """One "  (key): ..." line per entry; `type_name(tensor)` names a tensor's type."""
    def describe(value):
        if isinstance(value, Tensor):
            return _param_str(value, type_name(value))
        return "Object of type: " + type(value).__name__
    return "\n".join(f"  ({key}): {describe(value)}" for key, value in pairs)


# -- the containers ------------------------------------------------------------------------------------

def _deprecated_class(message):
    """Make constructing the class (not its subclasses) give torch's FutureWarning; like torch's decorator it
    replaces __new__, so the class's signature reads (*args, **kwargs) as torch's does."""
    def deco(cls):
        def __new__(klass, *args, **kwargs):
            if klass is cls:
                warnings.warn(message, FutureWarning, stacklevel=2)
            return object.__new__(klass)
        cls.__new__ = staticmethod(__new__)
        return cls
    return deco


@_deprecated_class("`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
                   "Subclass that instead.")
class Container(Module):
    """torch's deprecated container: children passed as keyword arguments."""

    def __init__(self, **kwargs):
        super().__init__()
        for name in kwargs:
            self.add_module(name, kwargs[name])


def _require_sequential(other):
    if not isinstance(other, Sequential):
        raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")


class Sequential(Module):
    """Modules called in order; built from positional modules or one OrderedDict."""

    def __init__(self, *args):
        super().__init__()
        named = args[0].items() if len(args) == 1 and isinstance(args[0], OrderedDict) else \
            ((str(i), m) for i, m in enumerate(args))
        for name, module in named:
            self.add_module(name, module)

    def _get_item_by_idx(self, iterator, idx):
        """The idx-th item of `iterator`, one of self._modules' views."""
        return next(islice(iterator, _position(len(self), idx), None))

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self.__class__(OrderedDict(list(self._modules.items())[idx]))
        return self._get_item_by_idx(self._modules.values(), idx)

    def __setitem__(self, idx, module):
        setattr(self, self._get_item_by_idx(self._modules.keys(), idx), module)

    def __delitem__(self, idx):
        if isinstance(idx, slice):
            doomed = list(self._modules)[idx]
        else:
            doomed = [self._get_item_by_idx(self._modules.keys(), idx)]
        for name in doomed:
            delattr(self, name)
        _renumber(self)

    def __setattr__(self, name, value):
        # _modules stays a plain dict whatever mapping is assigned to it
        if name != "_modules":
            return super().__setattr__(name, value)
        object.__setattr__(self, name, dict(value))

    def __len__(self):
        return len(self._modules)

    def __add__(self, other):
        _require_sequential(other)
        return Sequential().extend(chain(self, other))

    def __iadd__(self, other):
        _require_sequential(other)
        return self.extend(other)

    def __mul__(self, other):
        if not isinstance(other, int) or other <= 0:
            raise ValueError(f"Non-positive multiplication factor {other} for {type(self)}")
        layers = list(self)
        return Sequential().extend(layers * other)

    __rmul__ = __mul__
    __dir__ = _dir_without_indices
    pop = _pop

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index, module):
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        size = len(self._modules)
        if index < -size or index > size:
            raise IndexError(f"Index out of range: {index}")
        _shift_in(self._modules, index + size if index < 0 else index, module)
        return self

    def extend(self, sequential):
        for layer in sequential:
            self.append(layer)
        return self

    def forward(self, input):
        for module in self:
            input = module(input)
        return input


class ModuleList(Module):
    """A list of submodules, registered under their indices."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self += modules

    _get_abs_string_index = _abs_string_index
    __dir__ = _dir_without_indices
    pop = _pop

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self.__class__(list(self._modules.values())[idx])
        return self._modules[self._get_abs_string_index(idx)]

    def __setitem__(self, idx, module):
        setattr(self, self._get_abs_string_index(idx), module)

    def __delitem__(self, idx):
        if isinstance(idx, slice):
            doomed = [str(k) for k in range(len(self._modules))[idx]]
        else:
            doomed = [self._get_abs_string_index(idx)]
        for name in doomed:
            delattr(self, name)
        _renumber(self)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList(list(chain(self, other)))

    def __repr__(self):
        # runs of children with the same repr collapse to "(i-j): n x <repr>"
        lines, first = [], 0
        for text, run in groupby(repr(m) for m in self):
            count = sum(1 for _ in run)
            last = first + count - 1
            entry = f"({first}): {text}" if count == 1 else f"({first}-{last}): {count} x {text}"
            lines.append(_addindent(entry, 2))
            first = last + 1
        if not lines:
            return self._get_name() + "()"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    def insert(self, index, module):
        _shift_in(self._modules, index, module)

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        if not isinstance(modules, _Iterable):
            raise TypeError("ModuleList.extend should be called with an iterable, but got " + type(modules).__name__)
        for position, module in enumerate(modules, len(self)):
            self.add_module(str(position), module)
        return self


class ModuleDict(Module):
    """An ordered dict of submodules."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    pop = _pop

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        self._modules.clear()

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules):
        if not isinstance(modules, _Iterable):
            raise TypeError("ModuleDict.update should be called with an iterable of key/value pairs, but got " +
                            type(modules).__name__)
        mapping = isinstance(modules, (OrderedDict, ModuleDict, collections.abc.Mapping))
        for key, module in (modules.items() if mapping else _checked_pairs("ModuleDict", modules)):
            self[key] = module


class ParameterList(Module):
    """A list of parameters (tensors are wrapped as Parameters)."""

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    _get_abs_string_index = _abs_string_index
    __dir__ = _dir_without_indices

    def __getitem__(self, idx):
        if not isinstance(idx, slice):
            return getattr(self, self._get_abs_string_index(idx))
        part = self.__class__()
        for i in range(len(self))[idx]:
            part.append(self[i])
        return part

    def __setitem__(self, idx, param):
        setattr(self, self._get_abs_string_index(idx), _as_parameter(param))

    def __len__(self):
        return self._size

    def __iter__(self):
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, parameters):
        return self.extend(parameters)

    def append(self, value):
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values):
        if isinstance(values, Tensor) or not isinstance(values, _Iterable):
            raise TypeError("ParameterList.extend should be called with an iterable, but got " +
                            type(values).__name__)
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return _entries_repr(enumerate(self), lambda t: t.dtype)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """An ordered dict of parameters (tensors are wrapped as Parameters)."""

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = {}  # insertion order of the keys (the values live in _parameters / __dict__)
        if parameters is not None:
            self.update(parameters)

    pop = _pop

    def _key_to_attr(self, key):
        if isinstance(key, str):
            return key
        raise TypeError("Index given to ParameterDict cannot be used as a key as it is not a string (type is '"
                        f"{type(key).__name__}'). Open an issue on github if you need non-string keys.")

    def __getitem__(self, key):
        return getattr(self, self._key_to_attr(key))

    def __setitem__(self, key, value):
        self._keys[key] = None  # recorded before the key check, as torch does
        setattr(self, self._key_to_attr(key), _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, self._key_to_attr(key))

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __reversed__(self):
        return reversed(list(self._keys))

    def __contains__(self, key):
        return key in self._keys

    def copy(self):
        return ParameterDict(OrderedDict(self.items()))

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self):
        for key in list(self._keys):
            del self[key]

    def popitem(self):
        key = self._keys.popitem()[0]  # KeyError on an empty dict, as dict.popitem
        self._keys[key] = None
        return key, self.pop(key)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def fromkeys(self, keys, default=None):
        return ParameterDict((k, default) for k in keys)

    def keys(self):
        return self._keys.keys()

    def items(self):
        return ((k, self[k]) for k in self._keys)

    def values(self):
        return (self[k] for k in self._keys)

    def update(self, parameters):
        if not isinstance(parameters, _Iterable):
            raise TypeError("ParametersDict.update should be called with an iterable of key/value pairs, but got " +
                            type(parameters).__name__)
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif isinstance(parameters, collections.abc.Mapping):
            pairs = sorted(parameters.items())  # plain mappings are taken in key order, as in torch
        else:
            pairs = _checked_pairs("ParameterDict", parameters)
        for key, value in pairs:
            self[key] = value

    def extra_repr(self):
        return _entries_repr(self.items(), lambda t: t.type())

    def __call__(self, input):
        raise RuntimeError("ParameterDict should not be called.")

    def __or__(self, other):
        merged = self.copy()
        merged.update(other)
        return merged
