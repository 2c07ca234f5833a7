"""torch.jit.annotations: the type names TorchScript code annotates with.

jtorch's script/trace keep Python functions as Python, so these are plain typing names plus the predicates
torch offers on them; the TorchScript type objects (TensorType, ...) exist for isinstance-free uses and
converting annotations to them raises, naming the API.
"""
import inspect
import typing
from typing import Any, Dict, List, Tuple  # noqa: F401  (re-exported, as torch does)
import types

__all__ = ["Any", "List", "BroadcastingList1", "BroadcastingList2", "BroadcastingList3", "Tuple", "is_tuple",
           "is_list", "Dict", "is_dict", "is_optional", "is_union", "TensorType", "TupleType", "FloatType",
           "ComplexType", "IntType", "ListType", "StringType", "DictType", "AnyType", "Module", "get_signature",
           "check_fn", "get_param_names", "parse_type_line", "get_type_line", "split_type_line",
           "try_real_annotations", "try_ann_to_type", "ann_to_type"]


class _BroadcastingList:
    """BroadcastingListN[int]: an int, or a list of N ints (TorchScript broadcasts the single value)."""

    def __getitem__(self, types):
        return List[types]


BroadcastingList1 = BroadcastingList2 = BroadcastingList3 = _BroadcastingList()


def _origin(ann):
    return getattr(ann, "__origin__", None)


def is_tuple(ann):
    return _origin(ann) is tuple or ann is Tuple


def is_list(ann):
    return _origin(ann) is list or ann is List


def is_dict(ann):
    return _origin(ann) is dict or ann is Dict


def is_union(ann):
    return _origin(ann) is typing.Union or isinstance(ann, types.UnionType)


def is_optional(ann):
    return is_union(ann) and type(None) in typing.get_args(ann)


class _ScriptType:
    def __init__(self, *args):
        self.args = args

    @classmethod
    def get(cls):
        return cls()

    def __repr__(self):
        return type(self).__name__.replace("Type", "")


class TensorType(_ScriptType):
    pass


class TupleType(_ScriptType):
    pass


class FloatType(_ScriptType):
    pass


class ComplexType(_ScriptType):
    pass


class IntType(_ScriptType):
    pass


class ListType(_ScriptType):
    pass


class StringType(_ScriptType):
    pass


class DictType(_ScriptType):
    pass


class AnyType(_ScriptType):
    pass


class Module:
    """A namespace-like holder TorchScript uses to resolve names in type comments."""

    def __init__(self, name, members):
        self.name, self.members = name, members

    def __getattr__(self, name):
        try:
            return self.members[name]
        except KeyError:
            raise RuntimeError(f"Module {self.name} has no member called {name}") from None


def get_param_names(fn, n_args):
    try:
        return list(inspect.signature(fn).parameters)[:n_args]
    except (TypeError, ValueError):
        return [str(i) for i in range(n_args)]


def get_type_line(source):
    for line in source.splitlines():
        if "# type:" in line and "->" in line:
            return line.split("# type:", 1)[1].strip()
    return None


def split_type_line(type_line):
    args, _, ret = type_line.partition("->")
    return args.strip(), ret.strip()


def _no_script(name):
    raise NotImplementedError(f"jtorch has no TorchScript type system (torch.jit.annotations.{name})")


def parse_type_line(type_line, rcb, loc):
    _no_script("parse_type_line")


def get_signature(fn, rcb, loc, is_method):
    return None  # no TorchScript signature: callers then read Python annotations


def check_fn(fn, loc):
    """TorchScript's check that fn is a plain def; every Python callable is fine here."""


def try_real_annotations(fn, loc):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [p.annotation for p in sig.parameters.values()], sig.return_annotation


def try_ann_to_type(ann, loc, rcb=None):
    _no_script("try_ann_to_type")


def ann_to_type(ann, loc, rcb=None):
    _no_script("ann_to_type")
