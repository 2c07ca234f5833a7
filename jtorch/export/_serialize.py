"""torch.export.save / load: an ExportedProgram in a zip (.pt2) that loads without running stored code.

The graph is JSON: every call target is written as its public name (torch.<fn>, torch.nn.functional.<fn>,
operator.<fn>, builtins.<fn>, math.<fn>, a Tensor method's name) and resolved on load in those
namespaces only, so a file cannot name arbitrary code. Parameters, buffers and constants go through
jtorch.save and come back through jtorch.load(weights_only=True).
"""
import builtins
import io
import json
import math
import operator
import sys
import zipfile

from .. import _device, _dtype, _ops, _strides
from .. import serialization as _serialization
from ..fx.graph import _CODE_NAMES, Graph, _Namespace
from ..fx.node import Node, public_name
from ..nn import functional as _F
from ..utils import _pytree
from .exported_program import ExportedProgram, ModuleCallEntry, ModuleCallSignature
from .graph_signature import (
    ConstantArgument, ExportGraphSignature, InputKind, InputSpec, OutputKind, OutputSpec, TensorArgument,
)

__all__ = ["save", "load"]

_FORMAT = "jtorch-export-1"


def _namespaces():
    jtorch = sys.modules["jtorch"]
    return {"torch": jtorch, "torch.nn.functional": _F, "torch.linalg": jtorch.linalg, "torch.fft": jtorch.fft,
            "torch.special": jtorch.special, "operator": operator, "builtins": builtins, "math": math}


def _target_name(target):
    public = public_name(target)
    if public is not None:
        return public
    name = getattr(target, "__name__", None)
    opdef = getattr(target, "op", None)
    if opdef is not None and _ops.registry.OPS.get(getattr(opdef, "name", None)) is opdef:
        # an op entry torch has no public name for (torch.ops.aten.* in torch): by the module defining it
        home = opdef.fn.__module__
        if getattr(sys.modules.get(home), name, None) is target:
            return f"{home}.{name}"
    for prefix in ("operator", "builtins", "math"):
        if name and getattr(_namespaces()[prefix], name, None) is target:
            return f"{prefix}.{name}"
    raise ValueError(f"torch.export.save: cannot store a call of {target!r}: only functions of torch, "
                     "torch.nn.functional, torch.linalg/fft/special, operator, builtins and math are stored by name")


def _resolve(qualified):
    prefix, _, name = qualified.rpartition(".")
    if prefix.startswith("jtorch._ops."):
        fn = getattr(sys.modules.get(prefix), name, None)
        opdef = getattr(fn, "op", None)
        if opdef is None or _ops.registry.OPS.get(getattr(opdef, "name", None)) is not opdef:
            raise RuntimeError(f"torch.export.load: the file names {qualified!r}, which is no jtorch op")
        return fn
    ns = _namespaces().get(prefix)
    fn = getattr(ns, name, None) if ns is not None and not name.startswith("_") else None
    if not callable(fn):
        raise RuntimeError(f"torch.export.load: the file names {qualified!r}, which is no function jtorch stores")
    return fn


def _enc(a):
    if isinstance(a, Node):
        return {"node": a.name}
    if a is None or isinstance(a, (bool, int, str)):
        return a
    if isinstance(a, float):
        return a if math.isfinite(a) else {"float": repr(a)}
    if isinstance(a, complex):
        return {"complex": [_enc(a.real), _enc(a.imag)]}
    if isinstance(a, tuple):
        return {"tuple": [_enc(x) for x in a]}
    if isinstance(a, list):
        return {"list": [_enc(x) for x in a]}
    if isinstance(a, dict):
        return {"dict": [[_enc(k), _enc(v)] for k, v in a.items()]}
    if isinstance(a, slice):
        return {"slice": [_enc(a.start), _enc(a.stop), _enc(a.step)]}
    if a is Ellipsis:
        return {"ellipsis": True}
    if isinstance(a, _dtype.dtype):
        return {"dtype": a.name}
    if isinstance(a, _device.device):
        return {"device": str(a)}
    if isinstance(a, _strides.memory_format):
        return {"memory_format": str(a).rpartition(".")[2]}
    raise ValueError(f"torch.export.save: cannot store an argument of type {type(a).__name__}")


def _dec(a, env):
    if not isinstance(a, dict):
        return a
    (kind, v), = a.items()
    if kind == "node":
        return env[v]
    if kind == "float":
        return float(v)
    if kind == "complex":
        return complex(_dec(v[0], env), _dec(v[1], env))
    if kind == "tuple":
        return tuple(_dec(x, env) for x in v)
    if kind == "list":
        return [_dec(x, env) for x in v]
    if kind == "dict":
        return {_dec(k, env): _dec(x, env) for k, x in v}
    if kind == "slice":
        return slice(*(_dec(x, env) for x in v))
    if kind == "ellipsis":
        return Ellipsis
    jtorch = sys.modules["jtorch"]
    if kind == "dtype":
        return getattr(jtorch, v)
    if kind == "device":
        return _device.device(v)
    if kind == "memory_format":
        return getattr(jtorch, v)
    raise RuntimeError(f"torch.export.load: unknown entry {kind!r} in the stored graph")


def _arg_json(arg):
    if isinstance(arg, ConstantArgument):
        return {"const": _enc(arg.value), "name": arg.name}
    return {"tensor": arg.name}


def _arg_from(d):
    if "const" in d:
        return ConstantArgument(d.get("name", ""), _dec(d["const"], {}))
    return TensorArgument(d["tensor"])


def _program_json(ep):
    nodes = []
    for n in ep.graph.nodes:
        if n.op == "call_module":
            raise ValueError(f"torch.export.save: the program calls module '{n.target}' as a whole (its forward "
                             "could not be traced into), which cannot be stored without pickling code")
        if n.op == "get_attr":
            raise ValueError(f"torch.export.save: the graph reads attribute '{n.target}', which is not lifted")
        target = n.target if isinstance(n.target, str) else _target_name(n.target)
        nodes.append({"name": n.name, "op": n.op, "target": target, "args": _enc(n.args), "kwargs": _enc(n.kwargs)})
    sig = ep.graph_signature
    call = ep.module_call_graph[0].signature
    return {
        "format": _FORMAT,
        "nodes": nodes,
        "inputs": [{"kind": s.kind.name, "arg": _arg_json(s.arg), "target": s.target, "persistent": s.persistent}
                   for s in sig.input_specs],
        "outputs": [{"kind": s.kind.name, "arg": _arg_json(s.arg), "target": s.target} for s in sig.output_specs],
        "guards": {k: [list(shape), list(dyn)] for k, (shape, dyn) in getattr(ep, "_guards", {}).items()},
        "call": {"inputs": [_arg_json(a) for a in call.inputs], "outputs": [_arg_json(a) for a in call.outputs],
                 "in_spec": _pytree.treespec_dumps(call.in_spec), "out_spec": _pytree.treespec_dumps(call.out_spec)},
    }


def save(ep, f, *, extra_files=None, opset_version=None, pickle_protocol=2):
    """Write ep to f (a path or a binary file object) as a zip archive."""
    if not isinstance(ep, ExportedProgram):
        raise TypeError(f"The 'ep' parameter must be an instance of 'ExportedProgram', got '{type(ep).__name__}' "
                        "instead.")
    program = json.dumps(_program_json(ep))
    weights, constants = io.BytesIO(), io.BytesIO()
    _serialization.save(dict(ep.state_dict), weights)
    _serialization.save(dict(ep.constants), constants)
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("archive/archive_format", "pt2")
        z.writestr("archive/program.json", program)
        z.writestr("archive/state_dict.pt", weights.getvalue())
        z.writestr("archive/constants.pt", constants.getvalue())
        for name, content in (extra_files or {}).items():
            z.writestr(f"archive/extra/{name}", content)


_STORED_OPS = ("placeholder", "call_function", "call_method", "output")


def _check_node(n):
    """Names and method targets become Python code when the program is compiled: only plain identifiers."""
    op, name, target = n.get("op"), n.get("name"), n.get("target")
    if op not in _STORED_OPS or not isinstance(name, str) or not name.isidentifier():
        raise RuntimeError(f"torch.export.load: malformed node {name!r} ({op!r}) in the stored graph")
    if op in ("placeholder", "call_method") and not (isinstance(target, str) and target.isidentifier()
                                                     and not target.startswith("__")):
        raise RuntimeError(f"torch.export.load: node {name!r} has an invalid target {target!r}")


def load(f, *, extra_files=None, expected_opset_version=None):
    """Read an ExportedProgram written by save (no stored code runs: see the module docstring)."""
    with zipfile.ZipFile(f, "r") as z:
        names = set(z.namelist())
        if "archive/program.json" not in names:
            raise RuntimeError("torch.export.load: the file is not an exported program jtorch wrote "
                               "(no archive/program.json)")
        data = json.loads(z.read("archive/program.json"))
        state_dict = _serialization.load(io.BytesIO(z.read("archive/state_dict.pt")), weights_only=True)
        constants = _serialization.load(io.BytesIO(z.read("archive/constants.pt")), weights_only=True)
        if extra_files is not None:
            for name in list(extra_files):
                path = f"archive/extra/{name}"
                if path in names:
                    extra_files[name] = z.read(path).decode()
    if data.get("format") != _FORMAT:
        raise RuntimeError(f"torch.export.load: unknown program format {data.get('format')!r}")
    graph = Graph()
    graph._ns = _Namespace(_CODE_NAMES)
    env = {}
    for n in data["nodes"]:
        _check_node(n)
        target = n["target"] if n["op"] != "call_function" else _resolve(n["target"])
        node = graph.create_node(n["op"], target, _dec(n["args"], env), _dec(n["kwargs"], env), name=n["name"])
        if node.name != n["name"]:
            raise RuntimeError(f"torch.export.load: node name {n['name']!r} is not unique in the stored graph")
        env[n["name"]] = node
    specs = [InputSpec(InputKind[s["kind"]], _arg_from(s["arg"]), s["target"], s["persistent"]) for s in data["inputs"]]
    outs = [OutputSpec(OutputKind[s["kind"]], _arg_from(s["arg"]), s["target"]) for s in data["outputs"]]
    call = data["call"]
    call_sig = ModuleCallSignature([_arg_from(a) for a in call["inputs"]], [_arg_from(a) for a in call["outputs"]],
                                   _pytree.treespec_loads(call["in_spec"]), _pytree.treespec_loads(call["out_spec"]))
    ep = ExportedProgram({}, graph, ExportGraphSignature(specs, outs), state_dict, {},
                         [ModuleCallEntry("", call_sig)], constants=constants)
    ep._guards = {k: (tuple(int(x) for x in shape), [int(d) for d in dyn])
                  for k, (shape, dyn) in data.get("guards", {}).items()}
    return ep
