"""torch.fx.node: one operation of a Graph."""

__all__ = ["Node", "map_arg", "map_aggregate", "has_side_effect"]


class Node:
    """An operation: op is one of placeholder, get_attr, call_function, call_module, call_method, output."""

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        if op not in ("placeholder", "get_attr", "call_function", "call_module", "call_method", "output", "root"):
            raise ValueError(f"Invalid op {op!r}")
        self.graph, self.name, self.op, self.target = graph, name, op, target
        self.args, self.kwargs = tuple(args), dict(kwargs)
        self.type = return_type
        self.meta = {}
        self.users = {}
        for n in _nodes_in((self.args, self.kwargs)):
            n.users[self] = None

    @property
    def all_input_nodes(self):
        return list(dict.fromkeys(_nodes_in((self.args, self.kwargs))))

    def replace_all_uses_with(self, replace_with):
        users = list(self.users)
        for u in users:
            u.args = map_arg(u.args, lambda n: replace_with if n is self else n)
            u.kwargs = map_arg(u.kwargs, lambda n: replace_with if n is self else n)
            replace_with.users[u] = None
        self.users.clear()
        return users

    def format_node(self):
        if self.op == "placeholder":
            return f"%{self.name} : [num_users={len(self.users)}] = placeholder[target={self.target}]"
        return (f"%{self.name} : [num_users={len(self.users)}] = {self.op}[target={_name(self.target)}]"
                f"(args = {_fmt(self.args)}, kwargs = {_fmt(self.kwargs)})")

    def __repr__(self):
        return self.name


def _name(target):
    return target if isinstance(target, str) else getattr(target, "__name__", repr(target))


def _fmt(a):
    return repr(map_arg(a, lambda n: _Ref(n.name)))


class _Ref:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "%" + self.name


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
