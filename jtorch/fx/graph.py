"""torch.fx.graph: Nodes in execution order, and the Python code they stand for."""
import builtins
import contextlib
import inspect
import keyword
import operator
import re
import sys

from .. import _device, _dtype

from .node import Node, _nodes_in, _pretty_target, _side_effectful_functions, map_arg, public_name

__all__ = ["Graph", "PythonCode", "CodeGen"]

# names generated code must not shadow: Python's builtins and keywords, and the globals it uses
_RESERVED = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"torch", "self", "operator", "inf", "nan"}

# operator functions the code writes as Python expressions
_INFIX = {operator.add: "{} + {}", operator.sub: "{} - {}", operator.mul: "{} * {}", operator.truediv: "{} / {}",
          operator.floordiv: "{} // {}", operator.mod: "{} % {}", operator.pow: "{} ** {}",
          operator.lshift: "{} << {}", operator.rshift: "{} >> {}", operator.and_: "{} & {}",
          operator.or_: "{} | {}", operator.xor: "{} ^ {}", operator.matmul: "{} @ {}", operator.eq: "{} == {}",
          operator.ne: "{} != {}", operator.lt: "{} < {}", operator.gt: "{} > {}", operator.le: "{} <= {}",
          operator.ge: "{} >= {}", operator.neg: "-{}", operator.pos: "+{}", operator.invert: "~{}",
          operator.getitem: "{}[{}]"}


# names generated code itself needs; an exported graph may shadow Python's builtins, never these
_CODE_NAMES = frozenset(keyword.kwlist) | {"torch", "self", "operator", "inf", "nan", "builtins", "device",
                                          "NoneType", "getattr", "slice"}


class _Namespace:
    """Unique, legal Python names for nodes: a taken name gets the next free `_<n>` suffix."""

    def __init__(self, reserved=None):
        self._used = set()
        self._count = {}
        self._reserved = _RESERVED if reserved is None else reserved

    def create_name(self, candidate):
        candidate = re.sub(r"[^0-9a-zA-Z_]+", "_", candidate) or "_unnamed"
        if candidate[0].isdigit():
            candidate = "_" + candidate
        if candidate not in self._used and candidate not in self._reserved:
            self._used.add(candidate)
            return candidate
        m = re.match(r"(.*)_(\d+)$", candidate)
        base, num = (m.group(1), int(m.group(2))) if m else (candidate, 0)
        num = max(num, self._count.get(base, 0))
        while True:
            num += 1
            name = f"{base}_{num}"
            if name not in self._used and name not in self._reserved:
                break
        self._count[base] = num
        self._used.add(name)
        return name


def _snake(s):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", s).lower()


class _NodeList:
    """A live view of a graph's nodes (len, iteration both ways)."""

    def __init__(self, graph, reverse=False):
        self._graph, self._reverse = graph, reverse

    def __len__(self):
        return self._graph._len

    def __iter__(self):
        root = self._graph._root
        n = root._prev if self._reverse else root._next
        while n is not root:
            nxt = n._prev if self._reverse else n._next
            if not n._erased:
                yield n
            n = nxt

    def __reversed__(self):
        return iter(_NodeList(self._graph, not self._reverse))

    def __getitem__(self, i):
        return list(self)[i]


class PythonCode:
    def __init__(self, src, globals, _lineno_map=None):
        self.src, self.globals, self._lineno_map = src, globals, _lineno_map


class CodeGen:
    """Writes a graph as the body of `def forward(self, <placeholders>)`."""

    def generate(self, graph, root_module="self", verbose=False):
        jtorch = sys.modules["jtorch"]  # the namespace the code calls through (imported by now; it is above us)
        globals_ = {"torch": jtorch, "operator": operator, "builtins": builtins, "inf": float("inf"),
                    "nan": float("nan"), "NoneType": type(None), "device": _device.device}
        params, body = [], []
        last_use = {}
        nodes = list(graph.nodes)
        for node in reversed(nodes):
            for i in node.all_input_nodes:
                last_use.setdefault(i, node)
        dead_after = {}
        for value, user in last_use.items():
            dead_after.setdefault(user, []).append(value)

        def arg(a):
            if isinstance(a, Node):
                return a.name
            if isinstance(a, tuple):
                inner = ", ".join(arg(x) for x in a)
                if hasattr(a, "_fields"):
                    return f"{_global(type(a))}({inner})"
                return f"({inner},)" if len(a) == 1 else f"({inner})"
            if isinstance(a, list):
                return "[" + ", ".join(arg(x) for x in a) + "]"
            if isinstance(a, dict):
                return "{" + ", ".join(f"{k!r}: {arg(v)}" for k, v in a.items()) + "}"
            if isinstance(a, slice):
                return f"slice({arg(a.start)}, {arg(a.stop)}, {arg(a.step)})"
            if a is None or isinstance(a, (bool, int, str)):
                return repr(a)
            if isinstance(a, float):
                return repr(a) if a == a and a not in (float("inf"), float("-inf")) else \
                    ("nan" if a != a else ("inf" if a > 0 else "-inf"))
            if isinstance(a, (_dtype.dtype, _device.device)) or a is Ellipsis:
                return repr(a)
            return _global(a)

        node_names = {n.name for n in nodes}

        def _global(obj):
            for k, v in globals_.items():
                if v is obj:
                    return k
            qual = f"{getattr(obj, '__module__', '') or ''}.{getattr(obj, '__qualname__', type(obj).__name__)}"
            base = re.sub(r"[^0-9a-zA-Z_]", "_", qual.lstrip("."))
            name, i = base, 0
            while name in globals_ or name in _RESERVED or name in node_names or not name.isidentifier():
                i += 1
                name = f"{base}_{i}"
            globals_[name] = obj
            return name

        def fn_name(target):
            name = getattr(target, "__name__", None)
            if name and getattr(builtins, name, None) is target:
                return name if name not in node_names else f"builtins.{name}"  # an exported graph may shadow it
            if name and getattr(operator, name, None) is target:
                return f"operator.{name}"
            public = public_name(target)
            return public if public is not None else _global(target)

        def call_args(args, kwargs):
            parts = [arg(a) for a in args] + [f"{k} = {arg(v)}" for k, v in kwargs.items()]
            return ", ".join(parts)

        def attr_path(path):
            out = root_module
            for part in path.split("."):
                out = f"{out}.{part}" if part.isidentifier() else f'getattr({out}, "{part}")'
            return out

        for node in nodes:
            if node.op == "placeholder":
                p = node.target
                if p.startswith("*"):
                    params.append(p)
                else:
                    params.append(f"{p} = {arg(node.args[0])}" if node.args else p)
                continue
            if node.op == "output":
                body.append(f"return {arg(node.args[0])}")
                continue
            if node.op == "get_attr":
                expr = attr_path(node.target)
            elif node.op == "call_module":
                expr = f"{attr_path(node.target)}({call_args(node.args, node.kwargs)})"
            elif node.op == "call_method":
                expr = f"{arg(node.args[0])}.{node.target}({call_args(node.args[1:], node.kwargs)})"
            else:
                t = node.target
                if t in _INFIX and not node.kwargs and len(node.args) == _INFIX[t].count("{}"):
                    expr = _INFIX[t].format(*[arg(a) for a in node.args])
                elif t is getattr and len(node.args) == 2 and isinstance(node.args[1], str) \
                        and node.args[1].isidentifier() and not node.kwargs:
                    expr = f"{arg(node.args[0])}.{node.args[1]}"
                else:
                    expr = f"{fn_name(t)}({call_args(node.args, node.kwargs)})"
            line = f"{node.name} = {expr}"
            freed = [v.name for v in dead_after.get(node, [])]
            if not node.users:
                freed.append(node.name)
            if freed:
                line += ";  " + " = ".join(freed) + " = None"
            body.append(line)
        if not body or not body[-1].startswith("return"):
            body.append("pass")
        src = "\n\n\ndef forward(" + ", ".join([root_module] + params) + "):\n"
        src += "".join(f"    {b}\n" for b in body) + "    "
        return PythonCode(src, globals_)


class Graph:
    """The nodes of one traced program, in execution order, with unique names."""

    def __init__(self, owning_module=None, tracer_cls=None, tracer_extras=None):
        self._root = Node(self, "", "root", "", (), {})
        self._len = 0
        self._ns = _Namespace()
        self._owners = 0
        self._owning_module = owning_module
        self._tracer_cls = tracer_cls
        self._tracer_extras = tracer_extras
        self._insert = self._root.prepend
        self._codegen = CodeGen()

    @property
    def owning_module(self):
        return self._owning_module

    @owning_module.setter
    def owning_module(self, mod):
        self._owning_module = mod

    @property
    def nodes(self):
        return _NodeList(self)

    def output_node(self):
        return next(iter(reversed(self.nodes)))

    def find_nodes(self, *, op, target=None, sort=True):
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # -- building ---------------------------------------------------------------------------------------
    def _target_name(self, op, target):
        if op in ("call_module", "get_attr", "placeholder", "call_method"):
            return target if op == "placeholder" else target.replace(".", "_")
        if op == "output":
            return "output"
        name = getattr(target, "__name__", None) or "node"
        return _snake(name.strip("_") or name) if name != "<lambda>" else "lambda"

    def create_node(self, op, target, args=None, kwargs=None, name=None, type_expr=None):
        candidate = name if name is not None else self._target_name(op, target)
        node = Node(self, self._ns.create_name(candidate), op, target, args or (), kwargs or {}, type_expr)
        self._insert(node)
        self._len += 1
        return node

    def placeholder(self, name, type_expr=None, default_value=inspect.Signature.empty):
        args = () if default_value is inspect.Signature.empty else (default_value,)
        return self.create_node("placeholder", name, args, type_expr=type_expr)

    def get_attr(self, qualified_name, type_expr=None):
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(self, module_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function, args=None, kwargs=None, type_expr=None, name=None):
        return self.create_node("call_function", the_function, args, kwargs, name=name, type_expr=type_expr)

    def output(self, result, type_expr=None):
        return self.create_node("output", "output", (result,), type_expr=type_expr)

    @contextlib.contextmanager
    def inserting_before(self, n=None):
        if n is None:
            with self.inserting_after(None):
                yield
            return
        saved = self._insert
        self._insert = n.prepend
        try:
            yield
        finally:
            self._insert = saved

    @contextlib.contextmanager
    def inserting_after(self, n=None):
        saved = self._insert
        self._insert = n.append if n is not None else self._root.append
        try:
            yield
        finally:
            self._insert = saved

    def node_copy(self, node, arg_transform=lambda x: x):
        args = map_arg(node.args, arg_transform)
        kwargs = map_arg(node.kwargs, arg_transform)
        out = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        out.meta = dict(node.meta)
        return out

    def graph_copy(self, g, val_map, return_output_node=False):
        for node in g.nodes:
            if node.op == "output":
                out = map_arg(node.args[0], lambda n: val_map[n])
                return (out, node) if return_output_node else out
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    def erase_node(self, to_erase):
        if to_erase.users:
            raise RuntimeError(f"Tried to erase Node {to_erase} but it still had {len(to_erase.users)} users in "
                               f"the graph: {to_erase.users}!")
        if to_erase.graph is not self:
            raise RuntimeError(f"Attempting to remove {to_erase} from wrong graph!")
        if to_erase._erased:
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase._update_args_kwargs((), {})

    def eliminate_dead_code(self, is_impure_node=None):
        """Remove nodes nobody uses that have no side effect; returns whether anything changed."""
        changed = False
        for node in reversed(self.nodes):
            impure = is_impure_node(node) if is_impure_node is not None else node.is_impure()
            if not node.users and not impure:
                self.erase_node(node)
                changed = True
        return changed

    def lint(self):
        seen = set()
        for n in self.nodes:
            if n.graph is not self:
                raise RuntimeError(f"Node '{n}' does not belong to this Graph!")
            for i in n.all_input_nodes:
                if i not in seen:
                    raise RuntimeError(f"Argument '{i}' of Node '{n}' was used before it has been defined! Please "
                                       "check that Nodes in the graph are topologically ordered\n{self}")
            seen.add(n)

    # -- code -------------------------------------------------------------------------------------------
    def python_code(self, root_module, *, verbose=False, include_stride=False, include_device=False,
                    colored=False, expanded_def=False, record_func=False):
        return self._codegen.generate(self, root_module, verbose)

    def set_codegen(self, codegen):
        self._codegen = codegen

    def on_generate_code(self, make_transformer):
        yield

    def print_tabular(self):
        rows = [(n.op, n.name, _pretty_target(n.target), n.args, n.kwargs) for n in self.nodes]
        head = ("opcode", "name", "target", "args", "kwargs")
        cells = [head] + [tuple(str(c) for c in r) for r in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(5)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        print("\n".join(lines))

    def __str__(self):
        lines = ["graph():"]
        for n in self.nodes:
            lines.append("    " + n.format_node())
        return "\n".join(lines)

    def __deepcopy__(self, memo):
        g = Graph(tracer_cls=self._tracer_cls)
        out = g.graph_copy(self, {}, return_output_node=True)
        if out is not None:
            value, old = out
            g.output(value, type_expr=old.type)
        return g


def _used_nodes(a):
    return list(_nodes_in(a))


_ = _side_effectful_functions  # dead-code elimination reads it through Node.is_impure
