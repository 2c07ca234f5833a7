"""Tensor-parallel styles inside one process: how a module's parameters, inputs and outputs are laid out.

Torch's styles turn parameters into DTensors and a rank's plain inputs into its local pieces. Here one
process drives every device of the mesh, so a plain tensor crossing a parallelized module's boundary is the
whole tensor, and a style only decides its layout: parameters keep being Parameters (optimizers and state
dicts see them as before) whose values are split over the devices by the style's placements, inputs are laid
out as the module wants them, and outputs leave laid out as `output_layouts` say: as the whole tensor (a plain
Tensor) with `use_local_output=True`, else as a DTensor. XLA's partitioner inserts the collectives
(ColwiseParallel then RowwiseParallel: the all-reduce after the second matmul).
"""
from ...._ops import torch_function as _tf
from ...._tensor import Tensor
from ....nn.modules.linear import Linear
from ....nn.modules.sparse import Embedding
from .._api import DTensor, _wrap, laid_out, lay_out_parameters
from ..placement_types import Replicate, Shard
from ...._tensor import Tensor
from ...._ops import torch_function as _tf
from ....nn.modules.linear import Linear
from ....nn.modules.sparse import Embedding

__all__ = ["ParallelStyle", "ColwiseParallel", "RowwiseParallel", "SequenceParallel", "PrepareModuleInput",
           "PrepareModuleOutput", "PrepareModuleInputOutput"]


class ParallelStyle:
    """What parallelize_module applies to a submodule: `_apply(module, device_mesh)` lays it out."""

    src_data_rank = 0

    def _apply(self, module, device_mesh):
        raise NotImplementedError


def _one(layouts):
    if layouts is None:
        return None
    return layouts[0] if isinstance(layouts, (list, tuple)) else layouts


def _arrive(x, mesh, desired):
    """A module input (the whole tensor, plain or DTensor) as the plain tensor laid out `desired`."""
    if not isinstance(x, Tensor):
        return x
    if isinstance(x, DTensor):
        return _unwrap(x.redistribute(mesh, [desired]) if desired is not None else x)
    return laid_out(x, mesh, [desired]) if desired is not None else x


def _unwrap(x):
    with _tf.DisableTorchFunctionSubclass():
        return x.as_subclass(Tensor)


def _leave(out, mesh, layout, use_local_output):
    """A module output laid out by `layout`: the whole tensor (plain) or a DTensor."""
    if not isinstance(out, Tensor):
        return out
    if isinstance(out, DTensor):
        out = _unwrap(out)
    if layout is not None:
        out = laid_out(out, mesh, [layout])
    if use_local_output:
        return out
    return _wrap(out, mesh, tuple(_normal(layout, out.dim()) for layout in [layout or Replicate()]))


def _normal(p, ndim):
    return Shard(p.dim + ndim) if isinstance(p, Shard) and p.dim < 0 else p


def _hooks(module, mesh, prepare_input, prepare_output):
    if prepare_input is not None:
        module.register_forward_pre_hook(lambda m, args: tuple(prepare_input(a) for a in args))
    if prepare_output is not None:
        module.register_forward_hook(lambda m, args, out: prepare_output(out))


class _Linearish(ParallelStyle):
    def __init__(self, *, input_layouts=None, output_layouts=None, use_local_output=True):
        self.input_layouts = (_one(input_layouts) or self._default_input,)
        self.output_layouts = (_one(output_layouts) or self._default_output,)
        self.desired_input_layouts = (self._desired_input,)
        self.use_local_output = use_local_output

    def _placements(self, module):
        if isinstance(module, Linear):
            return self._linear
        if isinstance(module, Embedding):
            return self._embedding
        raise NotImplementedError(f"{type(self).__name__} currently only support nn.Linear and nn.Embedding!")

    def _apply(self, module, device_mesh):
        placements = self._placements(module)
        lay_out_parameters(module, device_mesh, placements)
        desired = self._desired_input if not self._embedding_input(module) else Replicate()
        _hooks(module, device_mesh, lambda x: _arrive(x, device_mesh, desired),
               lambda out: _leave(out, device_mesh, self.output_layouts[0], self.use_local_output))
        return module

    def _embedding_input(self, module):
        return isinstance(module, Embedding)

    def __repr__(self):
        return (f"{type(self).__name__}(input_layouts={self.input_layouts}, output_layouts={self.output_layouts}, "
                f"use_local_output={self.use_local_output})")


class ColwiseParallel(_Linearish):
    """Split a Linear's output features (weight and bias along dim 0; an Embedding's weight along dim 1) over
    the mesh. Input: replicated; output: split along its last dim (Shard(-1))."""
    _default_input, _default_output, _desired_input = Replicate(), Shard(-1), Replicate()
    _linear = {"weight": Shard(0), "bias": Shard(0)}
    _embedding = {"weight": Shard(1)}


class RowwiseParallel(_Linearish):
    """Split a Linear's input features (weight along dim 1, bias replicated; an Embedding's rows) over the
    mesh. Input: split along its last dim (Shard(-1)); output: replicated (XLA sums the partial products)."""
    _default_input, _default_output, _desired_input = Shard(-1), Replicate(), Shard(-1)
    _linear = {"weight": Shard(1), "bias": Replicate()}
    _embedding = {"weight": Shard(0)}


class SequenceParallel(ParallelStyle):
    """Replicate the module's parameters and split its input and output along `sequence_dim` (LayerNorm,
    RMSNorm, Dropout: per-position modules)."""

    def __init__(self, *, sequence_dim=1, use_local_output=False):
        self.sequence_dim = sequence_dim
        self.use_local_output = use_local_output

    def _apply(self, module, device_mesh):
        lay_out_parameters(module, device_mesh, {name: Replicate() for name, _ in module.named_parameters()})
        seq = Shard(self.sequence_dim)
        _hooks(module, device_mesh, lambda x: _arrive(x, device_mesh, seq),
               lambda out: _leave(out, device_mesh, seq, self.use_local_output))
        return module


def _prepare(values, layouts, desired, mesh, use_local_output, what):
    if layouts is None:
        return values
    layouts = layouts if isinstance(layouts, (list, tuple)) else (layouts,)
    desired = desired if isinstance(desired, (list, tuple)) else (desired,) * len(layouts)
    if len(layouts) != len(desired):
        raise AssertionError(f"{what} and desired {what} should have same length!")
    out = list(values)
    for i, (have, want) in enumerate(zip(layouts, desired)):
        if have is None or i >= len(out):
            continue
        out[i] = _leave(_arrive(out[i], mesh, have), mesh, want or have, use_local_output)
    return out


class PrepareModuleInput(ParallelStyle):
    """Lay the module's inputs out as `desired_input_layouts` (from `input_layouts`); None leaves one alone."""

    def __init__(self, *, input_layouts=None, desired_input_layouts=None, input_kwarg_layouts=None,
                 desired_input_kwarg_layouts=None, use_local_output=False):
        self.input_layouts = input_layouts
        self.desired_input_layouts = desired_input_layouts
        self.input_kwarg_layouts = input_kwarg_layouts or {}
        self.desired_input_kwarg_layouts = desired_input_kwarg_layouts or {}
        self.use_local_output = use_local_output

    def _apply(self, module, device_mesh):
        def pre(m, args, kwargs):
            args = tuple(_prepare(args, self.input_layouts, self.desired_input_layouts, device_mesh,
                                  self.use_local_output, "input_layouts"))
            for k, have in self.input_kwarg_layouts.items():
                if k in kwargs:
                    kwargs[k] = _prepare([kwargs[k]], have, self.desired_input_kwarg_layouts.get(k, have),
                                         device_mesh, self.use_local_output, "input_kwarg_layouts")[0]
            return args, kwargs
        module.register_forward_pre_hook(pre, with_kwargs=True)
        return module


class PrepareModuleOutput(ParallelStyle):
    """Lay the module's outputs out as `desired_output_layouts` (from `output_layouts`)."""

    def __init__(self, *, output_layouts, desired_output_layouts, use_local_output=True):
        self.output_layouts = output_layouts
        self.desired_output_layouts = desired_output_layouts
        self.use_local_output = use_local_output

    def _apply(self, module, device_mesh):
        def post(m, args, out):
            single = not isinstance(out, (list, tuple))
            got = _prepare([out] if single else out, self.output_layouts, self.desired_output_layouts, device_mesh,
                           self.use_local_output, "output_layouts")
            return got[0] if single else type(out)(got)
        module.register_forward_hook(post)
        return module



class PrepareModuleInputOutput(ParallelStyle):
    """PrepareModuleInput and PrepareModuleOutput on one module."""

    def __init__(self, *, input_layouts=None, desired_input_layouts=None, input_kwarg_layouts=None,
                 desired_input_kwarg_layouts=None, use_local_input=False, output_layouts, desired_output_layouts,
                 use_local_output=True):
        self.prepare_module_input = PrepareModuleInput(
            input_layouts=input_layouts, desired_input_layouts=desired_input_layouts,
            input_kwarg_layouts=input_kwarg_layouts, desired_input_kwarg_layouts=desired_input_kwarg_layouts,
            use_local_output=use_local_input)
        self.prepare_module_output = PrepareModuleOutput(
            output_layouts=output_layouts, desired_output_layouts=desired_output_layouts,
            use_local_output=use_local_output)

    def _apply(self, module, device_mesh):
        self.prepare_module_input._apply(module, device_mesh)
        self.prepare_module_output._apply(module, device_mesh)
        return module
