"""torch.export.exported_program: ExportedProgram, and export() that builds one.

export() traces the module with the fx tracer of `_trace` (every Proxy carries its example value),
then lifts parameters, buffers and tensor constants out of the graph into inputs, in torch's
order: parameters, buffers, constants, user inputs. `module()` puts them back as attributes.
"""
import copy
import dataclasses
import inspect
from typing import Optional

from ..fx.graph import _CODE_NAMES, Graph, _Namespace
from ..fx.graph_module import GraphModule
from ..nn.modules.module import Module
from ..utils import _pytree
from ._trace import ExportTracer
from .dynamic_shapes import _dynamic_dims
from .graph_signature import (
    ConstantArgument, ExportGraphSignature, InputKind, InputSpec, OutputKind, OutputSpec, TensorArgument,
)

__all__ = ["ExportedProgram", "ModuleCallEntry", "ModuleCallSignature", "default_decompositions"]


@dataclasses.dataclass
class ModuleCallSignature:
    inputs: list
    outputs: list
    in_spec: object
    out_spec: object
    forward_arg_names: Optional[list] = None


@dataclasses.dataclass
class ModuleCallEntry:
    fqn: str
    signature: Optional[ModuleCallSignature] = None


class CustomDecompTable(dict):
    """The decomposition table run_decompositions takes: op -> decomposition."""

    def copy(self):
        return CustomDecompTable(self)

    def materialize(self):
        return dict(self)


def default_decompositions():
    """jtorch's graphs are already in the functions jtorch lowers directly: nothing to decompose."""
    return CustomDecompTable()


def _lifted_name(prefix, target):
    return prefix + target.replace(".", "_")


class ExportedProgram:
    """A traced program with its state: `graph_module` takes (parameters, buffers, constants, user
    inputs) flat; `module()` gives back a Module called like the original."""

    def __init__(self, root, graph, graph_signature, state_dict, range_constraints, module_call_graph,
                 example_inputs=None, constants=None, *, verifiers=None):
        graph.owning_module = None
        self._graph_module = GraphModule(root, graph, "GraphModule")
        self._graph_signature = graph_signature
        self._state_dict = state_dict
        self._range_constraints = range_constraints
        self._module_call_graph = module_call_graph
        self._example_inputs = example_inputs
        self._constants = constants if constants is not None else {}
        self._verifiers = verifiers or []

    @property
    def graph_module(self):
        return self._graph_module

    @property
    def graph(self):
        return self._graph_module.graph

    @property
    def graph_signature(self):
        return self._graph_signature

    @property
    def state_dict(self):
        return self._state_dict

    @property
    def constants(self):
        return self._constants

    @property
    def tensor_constants(self):
        return self._constants

    @property
    def range_constraints(self):
        return self._range_constraints

    @property
    def module_call_graph(self):
        return self._module_call_graph

    @property
    def example_inputs(self):
        return self._example_inputs

    @property
    def call_spec(self):
        sig = self._module_call_graph[0].signature if self._module_call_graph else None
        return (sig.in_spec, sig.out_spec) if sig is not None else (None, None)

    @property
    def verifier(self):
        return self._verifiers[0] if self._verifiers else None

    @property
    def dialect(self):
        return "ATEN"

    def parameters(self):
        for _, p in self.named_parameters():
            yield p

    def named_parameters(self):
        for name in self._graph_signature.parameters:
            yield name, self._state_dict[name]

    def buffers(self):
        for _, b in self.named_buffers():
            yield b

    def named_buffers(self):
        for name in self._graph_signature.buffers:
            yield name, self._state_dict[name] if name in self._state_dict else self._constants[name]

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Unable to call ExportedProgram directly. You should use `exported_program.module()` "
                           "instead.")

    def validate(self):
        self.graph.lint()

    def run_decompositions(self, decomp_table=None, decompose_custom_triton_ops=False):
        """A copy of the program: its graph already calls only functions jtorch lowers directly."""
        ep = ExportedProgram(self._graph_module, copy.deepcopy(self.graph), copy.deepcopy(self._graph_signature),
                             self._state_dict, self._range_constraints, self._module_call_graph,
                             self._example_inputs, self._constants)
        ep._guards = dict(getattr(self, "_guards", {}))
        return ep

    def module(self, *, check_guards=True):
        """A Module running the program with its parameters and buffers as attributes (a GraphModule)."""
        sig = self._graph_signature
        lifted = {s.arg.name: s for s in sig.input_specs if s.kind != InputKind.USER_INPUT}
        graph = Graph()
        graph._ns = _Namespace(_CODE_NAMES)
        env = {}
        for node in self.graph.nodes:
            if node.op == "placeholder" and node.name in lifted:
                env[node] = graph.get_attr(lifted[node.name].target)
            else:
                env[node] = graph.node_copy(node, lambda n: env[n])
        root = {}
        for s in sig.input_specs:
            if s.kind == InputKind.PARAMETER:
                root[s.target] = self._state_dict[s.target]
            elif s.kind == InputKind.BUFFER:
                root[s.target] = self._state_dict.get(s.target, self._constants.get(s.target))
            elif s.kind == InputKind.CONSTANT_TENSOR:
                root[s.target] = self._constants[s.target]
        for node in self.graph.nodes:
            if node.op == "call_module":
                root[node.target] = self._graph_module.get_submodule(node.target)
        gm = GraphModule(root, graph, "GraphModule")
        for s in sig.input_specs:  # buffers go back as buffers (so state_dict() lists them, as torch's does)
            if s.kind == InputKind.BUFFER:
                owner, _, leaf = s.target.rpartition(".")
                holder = gm.get_submodule(owner) if owner else gm
                value = root[s.target]
                delattr(holder, leaf)
                holder.register_buffer(leaf, value, persistent=bool(s.persistent))
        _bind_pytree_calling(gm, self._module_call_graph[0].signature, getattr(self, "_guards", {}))
        return gm

    def __str__(self):
        code = self._graph_module.print_readable(print_output=False).replace("\n", "\n    ")
        return (f"ExportedProgram:\n    {code}\nGraph signature: {self._graph_signature}\n"
                f"Range constraints: {self._range_constraints}\n")

    def __repr__(self):
        return str(self)


def _bind_pytree_calling(gm, signature, guards):
    """Make gm callable like the exported module: inputs flattened as at export (their sizes checked
    against the example's where not declared dynamic), outputs rebuilt."""
    flat_forward = type(gm).forward
    in_spec, out_spec = signature.in_spec, signature.out_spec
    leaf_is_input = [not isinstance(a, ConstantArgument) for a in signature.inputs]

    def forward(self, *args, **kwargs):
        leaves, spec = _pytree.tree_flatten((args, kwargs))
        if spec != in_spec:
            raise ValueError(f"Trying to flatten user inputs with exported input tree spec: \n{in_spec}\n"
                             f"but actually got inputs with tree spec of: \n{spec}.\n")
        flat = [leaf for leaf, is_input in zip(leaves, leaf_is_input) if is_input]
        for arg, value in zip((a for a, i in zip(signature.inputs, leaf_is_input) if i), flat):
            guard = guards.get(arg.name)
            if guard is not None and hasattr(value, "shape"):
                shape, dynamic = guard
                got = tuple(value.shape)
                if len(got) != len(shape):
                    raise AssertionError(f"Guard failed: {arg.name}.dim() == {len(shape)}")
                for d, (want, have) in enumerate(zip(shape, got)):
                    if want != have and d not in dynamic:
                        raise AssertionError(f"Guard failed: {arg.name}.size()[{d}] == {want}")
        out = flat_forward(self, *flat)
        return _pytree.tree_unflatten(list(out), out_spec)
    type(gm).forward = forward
    type(gm)._flat_forward = flat_forward


def export(mod, args, kwargs=None, *, dynamic_shapes=None, strict=False, preserve_module_call_signature=(),
           prefer_deferred_runtime_asserts_over_guards=False):
    """Trace mod(*args, **kwargs) into an ExportedProgram (see the module docstring for how)."""
    if not isinstance(mod, Module):
        raise ValueError(f"Expected `mod` to be an instance of `torch.nn.Module`, got {type(mod)}.")
    if not isinstance(args, tuple):
        raise ValueError(f"Expecting `args` to be a tuple of example positional inputs, got {type(args)}")
    kwargs = dict(kwargs or {})
    flat_inputs, in_spec = _pytree.tree_flatten((args, kwargs))
    names = _argument_names(mod, args, kwargs)
    dynamic = _dynamic_dims(dynamic_shapes, names, list(args) + list(kwargs.values()))
    tracer = ExportTracer(args, kwargs)
    traced = tracer.trace(mod)
    if dynamic and tracer.sizes_read:
        dims = ", ".join(f"{n}.shape[{d}]" for n, ds in dynamic.items() for d in sorted(ds))
        raise ValueError(f"Constraints violated ({dims})! jtorch's export keeps every size the program reads as a "
                         "constant of the graph, and this program reads tensor sizes, so those dimensions cannot "
                         "stay dynamic: export without dynamic_shapes (one program per input size)")

    # outputs: one flat tuple, the structure kept aside
    out_node = traced.output_node()
    out_leaves, out_spec = _pytree.tree_flatten(out_node.args[0])
    out_node.args = (tuple(out_leaves),)

    params = list(mod.named_parameters())
    buffers = list(mod.named_buffers())
    persistent = set(mod.state_dict(keep_vars=True))
    used = {n.target for n in traced.nodes if n.op == "get_attr"}
    buffer_names = {n for n, _ in buffers}
    constants = {k: v for k, v in tracer.constants.items() if k in used}
    # tensor attributes that are not buffers are constants of the program too
    for name in sorted(used - {n for n, _ in params} - buffer_names - set(constants)):
        constants[name] = mod.get_submodule(name.rpartition(".")[0]).__getattr__(name.rpartition(".")[2]) \
            if "." in name else getattr(mod, name)

    graph = Graph()
    graph._ns = _Namespace(_CODE_NAMES)
    specs, env, lifted = [], {}, {}
    for name, _ in params:
        lifted[name] = graph.placeholder(_lifted_name("p_", name))
        specs.append(InputSpec(InputKind.PARAMETER, TensorArgument(lifted[name].name), name))
    for name, _ in buffers:
        lifted[name] = graph.placeholder(_lifted_name("b_", name))
        specs.append(InputSpec(InputKind.BUFFER, TensorArgument(lifted[name].name), name,
                               persistent=name in persistent))
    for name in constants:
        lifted[name] = graph.placeholder(_lifted_name("c_", name.lstrip("_")) if name.startswith("_tensor_constant")
                                         else _lifted_name("c_", name))
        specs.append(InputSpec(InputKind.CONSTANT_TENSOR, TensorArgument(lifted[name].name), name))
    user_args = []
    for node in traced.nodes:
        if node.op == "placeholder":
            env[node] = graph.placeholder(node.name)
            specs.append(InputSpec(InputKind.USER_INPUT, TensorArgument(env[node].name), None))
        elif node.op == "get_attr" and node.target in lifted:
            env[node] = lifted[node.target]
        else:
            env[node] = graph.node_copy(node, lambda n: env[n])
    placeholders = iter(n for n in traced.nodes if n.op == "placeholder")
    for leaf_name, value in zip(tracer.user_input_leaves, flat_inputs):
        user_args.append(TensorArgument(next(placeholders).name) if leaf_name is not None
                         else ConstantArgument("", value))
    out_specs = []
    for leaf in graph.output_node().args[0]:
        arg = TensorArgument(leaf.name) if hasattr(leaf, "op") else ConstantArgument("", leaf)
        out_specs.append(OutputSpec(OutputKind.USER_OUTPUT, arg, None))

    state_dict = {}
    for name, p in params:
        state_dict[name] = p
    for name, b in buffers:
        if name in persistent:
            state_dict[name] = b
        else:
            constants[name] = b
    signature = ExportGraphSignature(specs, out_specs)
    call_sig = ModuleCallSignature(user_args, [s.arg for s in out_specs], in_spec, out_spec,
                                   forward_arg_names=None)
    ep = ExportedProgram(mod, graph, signature, state_dict, {}, [ModuleCallEntry("", call_sig)],
                         example_inputs=(args, kwargs), constants=constants)
    # what module() checks of its inputs: the example sizes, except dimensions declared dynamic
    values = dict(zip(names, list(args) + list(kwargs.values())))
    ep._guards = {node: (tuple(values[arg].shape), sorted(dynamic.get(arg, ())))
                  for node, arg in tracer.top_level.items() if arg in values}
    return ep


def _argument_names(mod, args, kwargs):
    """The forward parameter each example argument is passed to (extra positionals: args_<i>)."""
    params = [p for p in inspect.signature(mod.forward).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [params[i].name if i < len(params) else f"args_{i - len(params)}" for i in range(len(args))] + list(kwargs)

