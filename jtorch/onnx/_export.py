"""torch.onnx.export: model -> jaxpr (jtorch.jit's tracing) -> ONNX graph (see _lowering)."""
import contextlib
import enum
import io
import os
import re

import jax
import numpy as np

from .._tensor import Tensor
from ..jit._trace import _pure_function, _state_tensors, _as_array
from ..serialization import _atomic_write

_EXPORTING = [0]
DEFAULT_OPSET = 17


class OnnxExporterError(RuntimeError):
    pass


class TrainingMode(enum.IntEnum):
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


# how torch's TorchScript exporter treats ops without an ONNX form; jtorch's exporter always raises
OperatorExportTypes = enum.IntEnum("OperatorExportTypes", [("ONNX", 0), ("ONNX_ATEN", 1), ("ONNX_ATEN_FALLBACK", 2),
                                                           ("ONNX_FALLTHROUGH", 3)])


def is_in_onnx_export():
    return _EXPORTING[0] > 0


def _require_onnx():
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise ImportError("jtorch.onnx.export needs the `onnx` package: pip install onnx (and onnxruntime to run "
                          "the exported model)") from None


@contextlib.contextmanager
def _mode(model, training):
    was = getattr(model, "training", None)
    if was is None or training == TrainingMode.PRESERVE or not hasattr(model, "train"):
        yield
        return
    model.train(training == TrainingMode.TRAINING)
    try:
        yield
    finally:
        model.train(was)


def _sym_name(name):
    name = re.sub(r"\W", "_", str(name))
    return name if re.match(r"[A-Za-z_]", name) else "d_" + name


def _input_specs(arrays, input_names, dynamic_axes):
    """ShapeDtypeStructs for the inputs, with jax symbolic dimensions where dynamic_axes asks."""
    symbols = {}
    specs_src = []
    for i, (a, name) in enumerate(zip(arrays, input_names)):
        axes = (dynamic_axes or {}).get(name)
        if isinstance(axes, (list, tuple)):
            axes = {ax: f"{_sym_name(name)}_dynamic_axes_{ax}" for ax in axes}
        dims = []
        for ax, d in enumerate(np.shape(a)):
            if axes and ax in axes:
                sym = _sym_name(axes[ax])
                symbols.setdefault(sym, (name, ax))
                dims.append(sym)
            else:
                dims.append(str(d))
        specs_src.append(dims)
    if not symbols:
        return [jax.ShapeDtypeStruct(np.shape(a), a.dtype) for a in arrays], {}
    scope = jax.export.SymbolicScope()
    specs = [jax.ShapeDtypeStruct(jax.export.symbolic_shape(", ".join(d), scope=scope) if d else (), a.dtype)
             for d, a in zip(specs_src, arrays)]
    return specs, symbols


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None, output_names=None,
           opset_version=None, dynamo=True, external_data=True, dynamic_shapes=None, custom_translation_table=None,
           report=False, optimize=True, verify=False, profile=False, dump_exported_program=False, artifacts_dir=".",
           export_params=True, keep_initializers_as_inputs=False, dynamic_axes=None, training=TrainingMode.EVAL,
           operator_export_type=OperatorExportTypes.ONNX, do_constant_folding=True, custom_opsets=None,
           export_modules_as_functions=False, autograd_inlining=True):
    """Write `model` (a jtorch Module or function) applied to `args` as an ONNX model to `f`.

    torch's signature (everything after `f` by keyword); jtorch has one exporter (jaxpr -> ONNX),
    so `dynamo` and the options of torch's two exporters that tune them are accepted and unused.
    Returns the onnx.ModelProto (torch returns an ONNXProgram; wrap it in jtorch.onnx.ONNXProgram
    for that interface). dynamic_axes ({input or output name: {axis: name} or [axis]})
    makes those input axes symbolic (typically the batch). Ops without an ONNX mapping raise
    NotImplementedError naming the jax primitive.
    """
    _require_onnx()
    import onnx
    from onnx import helper
    from . import _lowering

    if kwargs:
        raise NotImplementedError("jtorch.onnx.export: keyword inputs (kwargs)")
    if isinstance(args, Tensor):
        args = (args,)
    args = tuple(args)
    if args and isinstance(args[-1], dict):
        if args[-1]:
            raise NotImplementedError("jtorch.onnx.export: keyword inputs as a trailing dict in args")
        args = args[:-1]
    opset = opset_version or DEFAULT_OPSET
    arrays = [_as_array(a) for a in args]
    if any(isinstance(a, (list, tuple, dict)) for a in args):
        raise NotImplementedError("jtorch.onnx.export: nested (list/tuple/dict) inputs")
    input_names = list(input_names or [])
    input_names += [f"input_{i}" if len(arrays) > 1 else "input" for i in range(len(input_names), len(arrays))]
    names, tensors = _state_tensors(model)
    what = getattr(model, "__name__", type(model).__name__)
    fn = _pure_function(model, tensors, what)
    weights = [np.asarray(t._value("onnx export")) for t in tensors]
    specs, symbols = _input_specs(arrays, input_names, dynamic_axes)
    wspecs = [jax.ShapeDtypeStruct(w.shape, w.dtype) for w in weights]
    _EXPORTING[0] += 1
    try:
        with _mode(model, training):
            closed = jax.make_jaxpr(fn)(wspecs, *specs)
    finally:
        _EXPORTING[0] -= 1
    jaxpr = closed.jaxpr
    g = _lowering.Graph(opset, symbols=symbols)
    weight_names = []
    for n, w in zip(names, weights):
        weight_names.append(g.const(w, name=n))
    const_names = [g.const(np.asarray(c)) for c in closed.consts]
    outs = _lowering.convert(g, jaxpr, weight_names + input_names, const_names)
    n_out = len(outs)
    output_names = list(output_names or [])
    output_names += [f"output_{i}" if n_out > 1 else "output" for i in range(len(output_names), n_out)]
    for o, name in zip(outs, output_names):
        g.nodes.append(helper.make_node("Identity", [o], [name], name=g.fresh("n_output")))
    dyn_out = dynamic_axes or {}

    def info(name, aval, dyn=None):
        dims = []
        for ax, d in enumerate(aval.shape):
            if dyn and ax in (dyn if isinstance(dyn, dict) else {a: None for a in dyn}):
                dims.append(str((dyn.get(ax) if isinstance(dyn, dict) else None) or f"{name}_dynamic_axes_{ax}"))
            else:
                dims.append(d if isinstance(d, (int, np.integer)) else str(d))
        return helper.make_tensor_value_info(name, _lowering.onnx_dtype(aval.dtype), dims)

    in_vars = jaxpr.invars[len(weights):]
    graph_inputs = [info(n, v.aval, (dynamic_axes or {}).get(n)) for n, v in zip(input_names, in_vars)]
    graph_outputs = [info(n, v.aval, dyn_out.get(n)) for n, v in zip(output_names, jaxpr.outvars)]
    inits = _lowering.prune(g.nodes, g.inits, output_names)
    graph = helper.make_graph(g.nodes, what, graph_inputs, graph_outputs, initializer=inits)
    model_proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                    producer_name="jtorch", producer_version="0.1.0")
    model_proto.ir_version = min(model_proto.ir_version, 10)
    onnx.checker.check_model(model_proto)
    if f is not None:
        data = model_proto.SerializeToString()
        if isinstance(f, (str, os.PathLike)):
            _atomic_write(os.fspath(f), data)
        elif isinstance(f, io.IOBase) or hasattr(f, "write"):
            f.write(data)
    return model_proto
