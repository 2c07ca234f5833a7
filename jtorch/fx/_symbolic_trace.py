"""torch.fx._symbolic_trace: Tracer, symbolic_trace and the wrap() registry.

Tracing runs the module's forward on Proxy objects. Submodule calls are intercepted (a leaf module
becomes one call_module node), parameters read as attributes become get_attr nodes, and jtorch's
functions reach the Proxy through the __torch_function__ protocol. jtorch's functions that are
written in Python over the op table (nn.functional's and a few torch.* ones) would otherwise be
traced into; while a trace runs they are entries that record one call, as torch's are.
"""
import builtins
import functools
import inspect
import math
import sys

from .. import _ops
from .._tensor import Tensor
from ..nn import functional as _F
from ..nn.modules.container import Sequential
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from .graph import Graph
from .graph_module import GraphModule
from .node import has_side_effect as has_side_effect
from .proxy import ParameterProxy, Proxy, TracerBase

__all__ = ["symbolic_trace", "wrap", "PH", "has_side_effect", "Tracer", "PHBase", "PHWithMeta",
           "ConcreteArgs", "is_fx_tracing"]

_wrapped_fns = {}  # (id of a module's globals, name) -> those globals: functions the tracer keeps as leaves
_tracing = [0]


def is_fx_tracing():
    return _tracing[0] > 0


class PHBase:
    """Placeholder marker in concrete_args: the argument stays an input."""

    def __repr__(self):
        return "PH"


PH = PHBase()


class PHWithMeta(PHBase):
    def __init__(self, ph_key=None):
        super().__init__()
        self.ph_key = ph_key


ConcreteArgs = dict


def wrap(fn_or_name):
    """Register a module-level function to be recorded as one call (not traced into). Call it at module scope."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    name = fn_or_name if isinstance(fn_or_name, str) else fn_or_name.__name__
    frame = inspect.currentframe().f_back
    if frame.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    _wrapped_fns[(id(frame.f_globals), name)] = frame.f_globals
    return fn_or_name


def _has_proxy(args, kwargs):
    found = []

    def look(a):
        if isinstance(a, Proxy):
            found.append(a)
        elif isinstance(a, (list, tuple)):
            for x in a:
                look(x)
        elif isinstance(a, dict):
            for x in a.values():
                look(x)
    look(args)
    look(kwargs)
    return found[0] if found else None


def _recording(fn):
    """fn, but a call with a Proxy argument records one call_function node of fn."""
    @functools.wraps(fn)
    def entry(*args, **kwargs):
        p = _has_proxy(args, kwargs)
        if p is not None:
            return p.tracer.create_proxy("call_function", fn, args, kwargs)
        return fn(*args, **kwargs)
    entry.__fx_original__ = fn
    return entry


class _Patcher:
    """Attribute swaps undone at exit, in reverse order."""

    def __init__(self):
        self._undo = []

    def set(self, owner, name, value, *, as_item=False):
        if as_item:
            had, old = name in owner, owner.get(name)
            owner[name] = value
            self._undo.append(lambda: owner.__setitem__(name, old) if had else owner.pop(name, None))
        else:
            old = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            setattr(owner, name, value)
            self._undo.append(lambda: setattr(owner, name, old))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        while self._undo:
            self._undo.pop()()


_TENSOR_CODE = ("jtorch._ops", "jtorch.nn", "jtorch.functional", "jtorch.linalg", "jtorch.fft", "jtorch.special")
_NOT_TENSOR_CODE = ("jtorch._ops.torch_function", "jtorch._ops.registry", "jtorch.nn.modules")


def _python_functions(namespace, names=None):
    """The callables of a namespace written in Python over the op table (not op entries themselves)."""
    out = {}
    for name in names if names is not None else dir(namespace):
        if name.startswith("_"):
            continue
        f = getattr(namespace, name, None)
        if inspect.isfunction(f) and not hasattr(f, "op") and f.__module__.startswith(_TENSOR_CODE) \
                and not f.__module__.startswith(_NOT_TENSOR_CODE):
            out[name] = f
    return out


class Tracer(TracerBase):
    """Records a Module's (or function's) forward as a Graph by running it on Proxies."""

    def __init__(self, autowrap_modules=(math,), autowrap_functions=(), param_shapes_constant=False):
        super().__init__()
        self._autowrap_function_ids = {id(v) for m in autowrap_modules for v in vars(m).values()
                                       if callable(v) and not isinstance(v, type)}
        self._autowrap_function_ids.update(id(f) for f in autowrap_functions)
        self._autowrap_search = list(autowrap_modules)
        self.autowrap_modules = autowrap_modules
        self.autowrap_functions = autowrap_functions
        self.param_shapes_constant = param_shapes_constant
        self.submodule_paths = None
        self.root_module_name = ""
        self.scope = None
        self.module_stack = {}
        self.node_name_to_scope = {}

    # -- what becomes a node ---------------------------------------------------------------------------------
    def is_leaf_module(self, m, module_qualified_name):
        """torch.nn's own modules (except Sequential) are recorded as one call, not traced into."""
        mod = type(m).__module__
        return (mod.startswith(("torch.nn", "torch.ao.nn", "jtorch.nn"))) and not isinstance(m, Sequential)

    def path_of_module(self, mod):
        if self.submodule_paths is not None:
            path = self.submodule_paths.get(mod)
            if path is None:
                raise NameError("module is not installed as a submodule")
            return path
        for name, m in self.root.named_modules():
            if m is mod:
                return name
        raise NameError("module is not installed as a submodule")

    def call_module(self, m, forward, args, kwargs):
        module_qualified_name = self.path_of_module(m)
        if not self.is_leaf_module(m, module_qualified_name):
            return forward(*args, **kwargs)
        return self.create_proxy("call_module", module_qualified_name, args, kwargs)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """A module attribute read while tracing: parameters (and buffers, if asked) become get_attr proxies."""
        def lookup(pairs):
            for name, p in pairs:
                if attr_val is p:
                    if name not in parameter_proxy_cache:
                        factory = None
                        if self.param_shapes_constant and isinstance(p, Parameter):
                            factory = lambda node: ParameterProxy(self, node, name, attr_val)  # noqa: E731
                        parameter_proxy_cache[name] = self.create_proxy("get_attr", name, (), {},
                                                                        proxy_factory_fn=factory)
                    return parameter_proxy_cache[name]
            return None
        if isinstance(attr_val, Parameter):
            found = lookup(self.root.named_parameters())
            if found is not None:
                return found
        if self.proxy_buffer_attributes and isinstance(attr_val, Tensor):
            found = lookup(self.root.named_buffers())
            if found is not None:
                return found
        return attr_val

    def create_arg(self, a):
        """Parameters and tensor attributes of the root become get_attr nodes; other tensors become
        attributes `_tensor_constant<n>` of the root."""
        if isinstance(a, Parameter):
            for name, p in self.root.named_parameters():
                if a is p:
                    return self.create_node("get_attr", name, (), {})
            raise NameError("parameter is not a member of this module")
        if isinstance(a, Tensor):
            name = self.tensor_attrs.get(id(a))
            if name is None:
                i = 0
                while hasattr(self.root, f"_tensor_constant{i}"):
                    i += 1
                name = f"_tensor_constant{i}"
                setattr(self.root, name, a)
                self.tensor_attrs[id(a)] = name
            return self.create_node("get_attr", name, (), {})
        if isinstance(a, Module):
            raise NotImplementedError(f"argument of type: {type(a)}")
        return super().create_arg(a)

    # -- the trace ---------------------------------------------------------------------------------------
    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        """Placeholders for root_fn's parameters (self skipped), and the values to call it with."""
        sig = inspect.signature(root_fn)
        params = list(sig.parameters.values())
        if is_module:
            params = params[1:]
        concrete_args = concrete_args or {}
        if isinstance(concrete_args, tuple):
            concrete_args = {p.name: v for p, v in zip(params, concrete_args)}
        args, kwargs = [], {}
        for p in params:
            if p.name in concrete_args and not isinstance(concrete_args[p.name], PHBase):
                value = concrete_args[p.name]
                # the value is baked in; the placeholder stays so the signature does
                self.create_proxy("placeholder", f"{p.name}_1", (value,), {}, name=f"{p.name}_1")
            elif p.kind is p.VAR_POSITIONAL:
                raise NotImplementedError("symbolic tracing of *args is not supported by jtorch.fx yet")
            elif p.kind is p.VAR_KEYWORD:
                continue
            else:
                default = () if p.default is p.empty else (p.default,)
                value = self.create_proxy("placeholder", p.name, default, {},
                                          type_expr=None if p.annotation is p.empty else p.annotation)
            if p.kind is p.KEYWORD_ONLY:
                kwargs[p.name] = value
            else:
                args.append(value)
        return args, kwargs

    def trace(self, root, concrete_args=None):
        """Record root's forward (or root itself, a function) as a Graph."""
        if isinstance(root, Module):
            self.root = root
            fn = type(root).forward
            bound_self = [root]
            self.traced_func_name = "forward"
        else:
            self.root = Module()
            fn = root
            bound_self = []
        tracer_cls = getattr(self, "__class__", None)
        self.graph = Graph(tracer_cls=tracer_cls)
        self.tensor_attrs = {}
        for name, t in list(self.root.named_buffers()):
            self.tensor_attrs[id(t)] = name
        for name, mod in self.root.named_modules():
            for k, v in vars(mod).items():
                if isinstance(v, Tensor) and not isinstance(v, Parameter):
                    self.tensor_attrs.setdefault(id(v), f"{name}.{k}" if name else k)
        self.submodule_paths = {mod: name for name, mod in self.root.named_modules()}
        args, kwargs = self.create_args_for_root(fn, bool(bound_self), concrete_args)
        parameter_proxy_cache = {}
        tracer = self
        original_call = Module.__call__
        original_getattr = Module.__getattr__

        def module_getattr_wrapper(mod, attr):
            return tracer.getattr(attr, original_getattr(mod, attr), parameter_proxy_cache)

        def module_call_wrapper(mod, *args, **kwargs):
            def forward(*args, **kwargs):
                return original_call(mod, *args, **kwargs)
            return tracer.call_module(mod, forward, args, kwargs)

        _tracing[0] += 1
        try:
            with _Patcher() as patcher:
                patcher.set(Module, "__getattr__", module_getattr_wrapper)
                patcher.set(Module, "__call__", module_call_wrapper)
                self._patch_functions(patcher, fn)
                result = fn(*bound_self, *args, **kwargs)
            self.create_node("output", "output", (self.create_arg(result),), {},
                             type_expr=fn.__annotations__.get("return", None))
        finally:
            _tracing[0] -= 1
            self.submodule_paths = None
        return self.graph

    def _patch_functions(self, patcher, fn):
        """Entries that record one node: math's functions and wrap()ed ones in fn's globals, and jtorch's
        Python-level functions (nn.functional's, torch.*'s) in their namespaces."""
        fn_globals = getattr(fn, "__globals__", {})
        for name, value in list(fn_globals.items()):
            if not name.startswith("_") and id(value) in self._autowrap_function_ids:
                patcher.set(fn_globals, name, _recording(value), as_item=True)
        for module in self._autowrap_search:  # `math.sqrt(...)` reads the module's own attribute
            for name, value in list(vars(module).items()):
                if not name.startswith("_") and id(value) in self._autowrap_function_ids:
                    patcher.set(module, name, _recording(value))
        for (gid, name), g in _wrapped_fns.items():
            if gid == id(fn_globals) or g is fn_globals:
                target = g.get(name, getattr(builtins, name, None))
                if target is not None:
                    patcher.set(g, name, _recording(target), as_item=True)
        seen = set()
        jtorch = sys.modules.get("jtorch")
        spaces = [(_F, None)]
        if jtorch is not None:
            spaces.append((jtorch, [n for n in _ops.registry.FUNCTIONS if n in vars(jtorch)]))
        for ns, names in spaces:
            for name, f in _python_functions(ns, names).items():
                entry = _recording(f)
                patcher.set(ns, name, entry)
                # library code calls some of these through the module defining them (`_S.embedding(...)`)
                home = sys.modules.get(f.__module__)
                if home is not None and id(f) not in seen and getattr(home, f.__name__, None) is f:
                    patcher.set(home, f.__name__, entry)
                seen.add(id(f))

    def keys(self, obj):
        return super().keys(obj)


def symbolic_trace(root, concrete_args=None):
    """Trace root (a Module or function) into a GraphModule."""
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = root.__class__.__name__ if isinstance(root, Module) else root.__name__
    return GraphModule(tracer.root, graph, name)
