"""export's tracer: torch.fx symbolic tracing in which every Proxy also carries its value on the
example inputs.

Sizes, dtypes and other metadata a program reads (`x.dim()`, `x.shape[0]`, `x.dtype`) are those of
the example values and become constants of the graph, as in torch.export without dynamic shapes;
a branch on tensor data cannot be captured and raises. Tracing goes through every module (no
leaves), so the graph is made of jtorch functions with parameters and buffers as inputs; a library
module whose forward cannot be traced that way is kept as one call_module node.
"""
import inspect

from .._tensor import Tensor
from ..fx._symbolic_trace import Tracer
from ..fx.graph import _CODE_NAMES, _Namespace
from ..fx.proxy import Proxy
from ..nn.parameter import Parameter
from ..utils import _pytree

__all__ = ["ExportTracer"]

# Tensor metadata read as the example value's (the graph specialises on it, as torch.export does)
_CONCRETE_ATTRS = frozenset(("shape", "ndim", "dtype", "device", "is_cuda", "is_cpu", "is_meta", "is_sparse",
                             "is_quantized", "is_complex_dtype", "layout", "requires_grad", "is_leaf", "names"))
_CONCRETE_METHODS = frozenset(("dim", "size", "numel", "nelement", "stride", "is_contiguous", "is_floating_point",
                               "is_complex", "element_size", "get_device", "ndimension", "is_signed",
                               "storage_offset", "has_names"))


_SIZE_READS = frozenset(("shape", "size", "numel", "nelement", "stride"))


class _DataDependent(RuntimeError):
    pass


class ValueProxy(Proxy):
    """A Proxy that knows the value its node computes on the example inputs."""

    def __init__(self, node, tracer, value):
        super().__init__(node, tracer)
        self.value = value

    def __getattr__(self, k):
        if isinstance(self.value, Tensor) and (k in _CONCRETE_ATTRS or k in _CONCRETE_METHODS):
            if k in _SIZE_READS:
                self.tracer.sizes_read = True
            return getattr(self.value, k)
        return super().__getattr__(k)

    def __bool__(self):
        raise _DataDependent(f"Could not guard on data-dependent expression bool({self.node.name}): torch.export "
                             "cannot capture Python control flow on tensor values (use torch.cond, or make the "
                             "branch depend on shapes)")

    def __len__(self):
        self.tracer.sizes_read = True
        return len(self.value)

    def __iter__(self):
        return iter([self[i] for i in range(len(self.value))])

    def __int__(self):
        raise _DataDependent(f"Could not extract a Python int from {self.node.name}: its value depends on data")

    __index__ = __int__

    def __float__(self):
        raise _DataDependent(f"Could not extract a Python float from {self.node.name}: its value depends on data")


def _values(a):
    if isinstance(a, ValueProxy):
        return a.value
    if isinstance(a, tuple):
        t = tuple(_values(x) for x in a)
        return type(a)(*t) if hasattr(a, "_fields") else t
    if isinstance(a, list):
        return [_values(x) for x in a]
    if isinstance(a, dict):
        return {k: _values(v) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(_values(a.start), _values(a.stop), _values(a.step))
    return a


def _is_library_module(m):
    return type(m).__module__.startswith(("jtorch.nn", "torch.nn"))


class ExportTracer(Tracer):
    """Traces through every module, carrying example values; parameters, buffers and tensor constants
    become get_attr nodes (lifted to inputs afterwards)."""

    proxy_buffer_attributes = True

    def __init__(self, example_args, example_kwargs):
        super().__init__()
        self._example = (tuple(example_args), dict(example_kwargs))
        self._computing = 0
        self._attr_cache = {}
        self.constants = {}          # name -> tensor: tensors the program uses that no module attribute holds
        self.input_names = []        # placeholder names, in the order of the flattened example inputs
        self.user_input_leaves = []  # for each flattened input leaf: placeholder name, or None for a constant
        self.sizes_read = False      # the program read a size: the graph holds it as a constant
        self.top_level = {}          # placeholder name -> the argument name of a tensor passed on its own

    def is_leaf_module(self, m, module_qualified_name):
        return False

    # -- values --------------------------------------------------------------------------------------------
    def _compute(self, kind, target, args, kwargs):
        args, kwargs = _values(args), _values(kwargs)
        self._computing += 1
        try:
            if kind == "call_function":
                return target(*args, **kwargs)
            if kind == "call_method":
                return getattr(args[0], target)(*args[1:], **kwargs)
            if kind == "call_module":
                return self.root.get_submodule(target)(*args, **kwargs)
            if kind == "get_attr":
                if target in self.constants:
                    return self.constants[target]
                obj = self.root
                for part in target.split("."):
                    obj = getattr(obj, part)
                # buffers are copied: the program's in-place updates (running stats) must not reach the module
                return obj if isinstance(obj, Parameter) or not isinstance(obj, Tensor) else obj.detach().clone()
            return None
        finally:
            self._computing -= 1

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        if kind == "placeholder":
            return super().create_proxy(kind, target, args, kwargs, name, type_expr, proxy_factory_fn)
        value = self._compute(kind, target, args, kwargs)
        node = self.create_node(kind, target, self.create_arg(args), self.create_arg(kwargs), name, type_expr)
        return ValueProxy(node, self, value)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        if self._computing or not isinstance(attr_val, Tensor):
            return attr_val
        for name, t in list(self.root.named_parameters()) + list(self.root.named_buffers()):
            if t is attr_val:
                proxy = self._attr_cache.get(name)
                if proxy is None or proxy.node._erased:
                    proxy = self._attr_cache[name] = self.create_proxy("get_attr", name, (), {})
                return proxy
        return attr_val

    def create_arg(self, a):
        if type(a) in _pytree.SUPPORTED_NODES and not isinstance(a, (tuple, list, dict)):
            # a registered container (register_dataclass): rebuilt around its children's arguments
            children, context = _pytree.SUPPORTED_NODES[type(a)].flatten_fn(a)
            return _pytree.SUPPORTED_NODES[type(a)].unflatten_fn([self.create_arg(c) for c in children], context)
        if isinstance(a, Tensor) and not isinstance(a, Parameter) and id(a) not in self.tensor_attrs:
            name = f"_tensor_constant{len(self.constants)}"
            self.constants[name] = a
            self.tensor_attrs[id(a)] = name
            return self.create_node("get_attr", name, (), {})
        return super().create_arg(a)

    def call_module(self, m, forward, args, kwargs):
        if self._computing:
            return forward(*args, **kwargs)
        last = self.graph._root._prev
        try:
            return forward(*args, **kwargs)
        except (_DataDependent, TypeError, RuntimeError, ValueError, AttributeError, NotImplementedError):
            if not _is_library_module(m):
                raise
        # the library module's own Python cannot be traced: undo what it recorded, keep it as one call
        node = self.graph._root._prev
        while node is not last:
            prev = node._prev
            for user in list(node.users):
                user._update_args_kwargs((), {})
            self.graph.erase_node(node)
            node = prev
        return self.create_proxy("call_module", self.path_of_module(m), args, kwargs)

    # -- inputs --------------------------------------------------------------------------------------------
    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        """A placeholder for every tensor in the example inputs (named after the parameter it is passed
        to, with an index when a container holds several); other values are passed as they are."""
        self.graph._ns = _Namespace(_CODE_NAMES)  # as torch.export names them: `input` stays `input`
        args, kwargs = self._example
        sig = inspect.signature(root_fn)
        params = list(sig.parameters.values())[1 if is_module else 0:]
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        var = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), "args")

        def lift(value, base):
            leaves, spec = _pytree.tree_flatten(value)
            single = len(leaves) == 1 and leaves[0] is value
            out = []
            for i, leaf in enumerate(leaves):
                if isinstance(leaf, Tensor):
                    name = base if single else f"{base}_{i}"
                    node = self.create_node("placeholder", name, (), {}, name=name)
                    self.input_names.append(node.name)
                    if single:
                        self.top_level[node.name] = base
                    self.user_input_leaves.append(node.name)
                    out.append(ValueProxy(node, self, leaf))
                else:
                    self.user_input_leaves.append(None)
                    out.append(leaf)
            return _pytree.tree_unflatten(out, spec)

        new_args = [lift(a, positional[i].name if i < len(positional) else f"{var}_{i - len(positional)}")
                    for i, a in enumerate(args)]
        new_kwargs = {k: lift(v, k) for k, v in kwargs.items()}
        return new_args, new_kwargs
