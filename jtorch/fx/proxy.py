"""torch.fx.proxy: the values a tracer runs a program on; every use of one records a Node."""
import bisect
import dis
import inspect
import operator

from .graph import Graph
from .node import Node, map_aggregate

__all__ = ["TracerBase", "GraphAppendingTracer", "TraceError", "Proxy", "Attribute", "ParameterProxy",
           "ProxyableClassMeta"]


class TraceError(ValueError):
    pass


class TracerBase:
    """What a Proxy needs from its tracer: a graph, and how to turn values into node arguments."""

    graph: Graph
    record_stack_traces = False
    check_mutable_operations = False
    trace_asserts = False
    proxy_buffer_attributes = False
    traced_func_name = "forward"
    scope = None
    module_stack = None
    node_name_to_scope = None

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        return self.graph.create_node(kind, target, args, kwargs, name, type_expr)

    def proxy(self, node):
        return Proxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        """Record one operation on (proxies of) args/kwargs and return a Proxy for its result."""
        node = self.create_node(kind, target, self.create_arg(args), self.create_arg(kwargs), name, type_expr)
        return self.proxy(node) if proxy_factory_fn is None else proxy_factory_fn(node)

    def create_arg(self, a):
        """A value as a node argument: proxies become their nodes, containers are rebuilt."""
        if isinstance(a, Proxy):
            return a.node
        if hasattr(a, "__fx_create_arg__"):
            return a.__fx_create_arg__(self)
        if isinstance(a, tuple):
            items = tuple(self.create_arg(x) for x in a)
            return type(a)(*items) if hasattr(a, "_fields") else items
        if isinstance(a, list):
            return [self.create_arg(x) for x in a]
        if isinstance(a, dict):
            out = {}
            for k, v in a.items():
                k = self.create_arg(k)
                if isinstance(k, Node):
                    raise RuntimeError(f"Keys for dictionaries used as an argument cannot contain a Node. Got key: {k}")
                out[k] = self.create_arg(v)
            return out
        if isinstance(a, slice):
            return slice(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, range):
            return range(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        return a

    def to_bool(self, obj):
        raise TraceError("symbolically traced variables cannot be used as inputs to control flow")

    def iter(self, obj):
        raise TraceError("Proxy object cannot be iterated. This can be attempted when the Proxy is used in a loop or "
                         "as a *args or **kwargs function argument. See the torch.fx docs on pytorch.org for a more "
                         "detailed explanation of what types of control flow can be traced, and check out the Proxy "
                         "docstring for help troubleshooting Proxy iteration errors")

    def keys(self, obj):
        return Attribute(obj, "keys")()


class GraphAppendingTracer(TracerBase):
    """The tracer of a Proxy made directly on a graph's node: appends to that graph."""

    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        self.scope = None
        self.module_stack = {}
        self.node_name_to_scope = {}


class Proxy:
    """Stands for a Node's value while tracing: attribute reads, method calls, operators and torch
    functions on it are recorded as new Nodes (torch functions reach it through __torch_function__)."""

    def __init__(self, node, tracer=None):
        self.node = node
        # a Proxy made straight on a node records into that node's graph
        self.tracer = GraphAppendingTracer(node.graph) if tracer is None else tracer

    def __repr__(self):
        return f"Proxy({self.node.name})"

    def __getattr__(self, k):
        if k.startswith("__") and k.endswith("__"):
            raise AttributeError(k)  # Python's protocols (numpy's __array__, copy's __deepcopy__) are not attributes
        return Attribute(self, k)

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, d):
        self.__dict__ = d

    def __deepcopy__(self, memo):
        raise TraceError("a Proxy cannot be deep-copied while tracing")

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", "__call__", (self,) + args, kwargs)

    def __iter__(self):
        # `a, b = proxy` unpacks a known number of values: read it from the caller's bytecode
        frame = inspect.currentframe().f_back
        instructions = list(dis.get_instructions(frame.f_code))
        i = bisect.bisect_left([x.offset for x in instructions], frame.f_lasti)
        if i < len(instructions) and instructions[i].opname == "UNPACK_SEQUENCE":
            return (self[k] for k in range(instructions[i].argval))
        return self.tracer.iter(self)

    def __bool__(self):
        return self.tracer.to_bool(self)

    def __array__(self, *args, **kwargs):
        # numpy asks this before trying len()/iteration, which would record nodes
        raise TypeError(f"{self!r} stands for a traced value and has no array")

    def __len__(self):
        raise RuntimeError("'len' is not supported in symbolic tracing by default. If you want this call to be "
                           "recorded, please call torch.fx.wrap('len') at module scope")

    def keys(self):
        return self.tracer.keys(self)

    @classmethod
    def __torch_function__(cls, orig_method, types, args=None, kwargs=None):
        args = args if args else ()
        kwargs = kwargs if kwargs else {}
        tracers = {}

        def find(a):
            if isinstance(a, Proxy):
                tracers[a.tracer] = None
        map_aggregate(args, find)
        map_aggregate(kwargs, find)
        if len(tracers) > 1:
            raise RuntimeError(f"Found multiple different tracers {list(tracers)} while trying to trace operations "
                               f"{orig_method}")
        tracer = next(iter(tracers))
        return tracer.create_proxy("call_function", orig_method, args, kwargs)


class Attribute(Proxy):
    """`proxy.name`: a getattr node, made only when the value is used (a call records a method call)."""

    def __init__(self, root, attr):
        self.root = root
        self.attr = attr
        self.tracer = root.tracer
        self._node = None

    @property
    def node(self):
        if self._node is None:
            self._node = self.tracer.create_proxy("call_function", getattr, (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", self.attr, (self.root,) + args, kwargs)


class ParameterProxy(Proxy):
    """A parameter's proxy: its shape and size are the parameter's own (constants, not nodes)."""

    def __init__(self, tracer, node, name, param):
        super().__init__(node, tracer)
        self.param = param
        self.name = name

    def __repr__(self):
        return f"ParameterProxy({self.name})"

    @property
    def shape(self):
        return self.param.shape

    def size(self, dim=None):
        return self.param.size() if dim is None else self.param.size(dim)

    def dim(self):
        return self.param.dim()

    @property
    def ndim(self):
        return self.param.ndim

    def numel(self):
        return self.param.numel()

    def nelement(self):
        return self.param.nelement()


_BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "floordiv": operator.floordiv,
           "truediv": operator.truediv, "div": operator.truediv, "mod": operator.mod, "pow": operator.pow,
           "lshift": operator.lshift, "rshift": operator.rshift, "and": operator.and_, "or": operator.or_,
           "xor": operator.xor, "matmul": operator.matmul}
_OTHER = {"getitem": operator.getitem, "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "gt": operator.gt,
          "le": operator.le, "ge": operator.ge, "neg": operator.neg, "pos": operator.pos, "invert": operator.invert,
          "abs": operator.abs}


def _forward(target):
    def method(*args, **kwargs):
        return args[0].tracer.create_proxy("call_function", target, args, kwargs)
    return method


def _reflected(target):
    def method(self, lhs):
        return self.tracer.create_proxy("call_function", target, (lhs, self), {})
    return method


for _name, _target in {**_BINARY, **_OTHER}.items():
    setattr(Proxy, f"__{_name}__", _forward(_target))
for _name, _target in _BINARY.items():
    setattr(Proxy, f"__r{_name}__", _reflected(_target))


class ProxyableClassMeta(type):
    """Metaclass for classes whose construction from proxies is recorded as one call (the class is the target)."""

    def __call__(cls, *args, **kwargs):
        found = []
        map_aggregate((args, kwargs), lambda a: found.append(a) if isinstance(a, Proxy) else None)
        if found:
            return found[0].tracer.create_proxy("call_function", cls, args, kwargs)
        return super().__call__(*args, **kwargs)
