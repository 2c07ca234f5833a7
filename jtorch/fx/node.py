"""torch.fx.node: one operation of a Graph, linked to its neighbours and to its users."""
import builtins
import operator
import sys
from typing import Any, Callable, Optional, Union

__all__ = ["Node", "map_arg", "map_aggregate", "has_side_effect", "Argument", "Target"]

# the type names annotations in libraries import from here
Target = Union[Callable[..., Any], str]
Argument = Optional[Union[tuple, list, dict, slice, range, "Node", str, int, float, bool, complex]]

_OPS = ("placeholder", "get_attr", "call_function", "call_module", "call_method", "output", "root")


class Node:
    """An operation: op is one of placeholder, get_attr, call_function, call_module, call_method, output.

    A node sits in its graph's doubly linked list (prev/next) and keeps `users`, the nodes that take it
    as an argument; assigning `args`/`kwargs` keeps both sides of that relation up to date.
    """

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        if op not in _OPS:
            raise ValueError(f"Invalid op {op!r}")
        if op in ("call_method", "call_module", "get_attr", "placeholder") and not isinstance(target, str):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type {type(target)} but "
                             "a str is expected")
        self.graph, self.name, self.op, self.target = graph, name, op, target
        self.type = return_type
        self.meta = {}
        self.users = {}
        self._args, self._kwargs, self._inputs = (), {}, {}
        self._prev = self._next = self
        self._erased = False
        self._update_args_kwargs(tuple(args), dict(kwargs))

    # -- arguments and users -----------------------------------------------------------------------
    @property
    def args(self):
        return self._args

    @args.setter
    def args(self, value):
        self._update_args_kwargs(tuple(value), self._kwargs)

    @property
    def kwargs(self):
        return self._kwargs

    @kwargs.setter
    def kwargs(self, value):
        self._update_args_kwargs(self._args, dict(value))

    def _update_args_kwargs(self, args, kwargs):
        for old in self._inputs:
            old.users.pop(self, None)
        self._args, self._kwargs = args, kwargs
        self._inputs = dict.fromkeys(_nodes_in((args, kwargs)))
        for n in self._inputs:
            n.users.setdefault(self)

    @property
    def all_input_nodes(self):
        return list(self._inputs)

    def update_arg(self, idx, arg):
        args = list(self._args)
        args[idx] = arg
        self.args = args

    def insert_arg(self, idx, arg):
        args = list(self._args)
        args.insert(idx, arg)
        self.args = args

    def update_kwarg(self, key, arg):
        self.kwargs = {**self._kwargs, key: arg}

    def replace_input_with(self, old_input, new_input):
        swap = lambda n: new_input if n is old_input else n  # noqa: E731
        self._update_args_kwargs(map_arg(self._args, swap), map_arg(self._kwargs, swap))

    def replace_all_uses_with(self, replace_with, delete_user_cb=lambda user: True, *, propagate_meta=False):
        """Make every user of this node use `replace_with` instead; returns the users changed."""
        if propagate_meta:
            for k, v in self.meta.items():
                replace_with.meta.setdefault(k, v)
        changed = [u for u in list(self.users) if delete_user_cb(u)]
        for u in changed:
            u.replace_input_with(self, replace_with)
        return changed

    # -- position in the graph -------------------------------------------------------------------------
    @property
    def next(self):
        return self._next

    @property
    def prev(self):
        return self._prev

    def prepend(self, x):
        """Move (or insert) node x just before this one."""
        if x is self:
            return
        x._remove_from_list()
        p = self._prev
        p._next, x._prev, x._next, self._prev = x, p, self, x

    def append(self, x):
        """Move (or insert) node x just after this one."""
        self._next.prepend(x)

    def _remove_from_list(self):
        p, n = self._prev, self._next
        p._next, n._prev = n, p
        self._prev = self._next = self

    # -- facts ----------------------------------------------------------------------------------------
    @property
    def stack_trace(self):
        return self.meta.get("stack_trace")

    @stack_trace.setter
    def stack_trace(self, trace):
        self.meta["stack_trace"] = trace

    def is_impure(self, impure_random=True):
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_function":
            return self.target in _side_effectful_functions or getattr(self.target, "_nondeterministic_seeded",
                                                                       False) and impure_random
        if self.op == "call_module":
            mod = self.graph.owning_module
            sub = mod.get_submodule(self.target) if mod is not None else None
            return bool(getattr(sub, "_is_impure", False))
        return False

    def format_node(self, placeholder_names=None, maybe_return_typename=None, *, include_tensor_metadata=False):
        if self.op == "placeholder":
            default = f"(default={self.args[0]})" if self.args else ""
            return f"%{self.name} : [num_users={len(self.users)}] = placeholder[target={self.target}]{default}"
        if self.op == "get_attr":
            return f"%{self.name} : [num_users={len(self.users)}] = get_attr[target={self.target}]"
        if self.op == "output":
            return f"return {map_arg(self.args[0], lambda n: _Bare(n.name))}"
        return (f"%{self.name} : [num_users={len(self.users)}] = {self.op}[target={_pretty_target(self.target)}]"
                f"(args = {_fmt(self.args)}, kwargs = {_fmt_dict(self.kwargs)})")

    def __repr__(self):
        return self.name


_PUBLIC = (("jtorch", "torch"), ("jtorch.nn.functional", "torch.nn.functional"), ("jtorch.linalg", "torch.linalg"),
           ("jtorch.fft", "torch.fft"), ("jtorch.special", "torch.special"))


def public_name(target):
    """torch's name for a function of jtorch's public namespaces ('torch.nn.functional.batch_norm'), else None.
    A function is found under its own name first, then under any name the namespace gives it."""
    name = getattr(target, "__name__", "")
    spaces = [(sys.modules.get(m), t) for m, t in _PUBLIC]
    for ns, torch_name in spaces:
        if ns is not None and getattr(ns, name, None) is target:
            return f"{torch_name}.{name}"
    for ns, torch_name in reversed(spaces):
        if ns is not None:
            for k, v in vars(ns).items():
                if v is target and not k.startswith("_"):
                    return f"{torch_name}.{k}"
    return None


def _pretty_target(target):
    if isinstance(target, str):
        return target
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", repr(target))
    if target is getattr(builtins, getattr(target, "__name__", ""), None):
        return f"builtins.{target.__name__}"
    if target is getattr(operator, getattr(target, "__name__", ""), None):
        return f"operator.{target.__name__}"
    if module.startswith("jtorch"):
        public = public_name(target)  # a function of jtorch's public namespaces is shown by its torch name
        if public is not None:
            return public
        module = "torch" + module[len("jtorch"):]
    return f"{module}.{name}" if module else name


class _Ref:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "%" + self.name


class _Bare(str):
    def __repr__(self):
        return str(self)


def _fmt(a):
    return repr(map_aggregate(a, lambda x: _Ref(x.name) if isinstance(x, Node)
                              else _Bare(x) if isinstance(x, str) else x))


def _fmt_dict(d):
    return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in d.items()) + "}"


def _nodes_in(a):
    if isinstance(a, Node):
        yield a
    elif isinstance(a, (tuple, list)):
        for x in a:
            yield from _nodes_in(x)
    elif isinstance(a, dict):
        for x in a.values():
            yield from _nodes_in(x)
    elif isinstance(a, slice):
        yield from _nodes_in((a.start, a.stop, a.step))


def map_aggregate(a, fn):
    """Apply fn to every leaf of nested tuples/lists/dicts/slices."""
    if isinstance(a, tuple):
        t = tuple(map_aggregate(x, fn) for x in a)
        return type(a)(*t) if hasattr(a, "_fields") else t
    if isinstance(a, list):
        return [map_aggregate(x, fn) for x in a]
    if isinstance(a, dict):
        return {k: map_aggregate(v, fn) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn), map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """Apply fn to every Node inside a (nested) argument."""
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


_side_effectful_functions = set()


def has_side_effect(fn):
    """Mark fn as having side effects, so dead-code elimination keeps its calls."""
    _side_effectful_functions.add(fn)
    return fn
