"""torch.onnx.ONNXProgram, ExportableModule and InputObserver over jtorch's exporter."""
import os
from ..nn.modules.module import Module
import numpy as np
from .._ops.creation import tensor

__all__ = ["ONNXProgram", "ExportableModule", "InputObserver"]


class ONNXProgram:
    """An exported ONNX model: `model_proto`, `save(path)`, and `__call__` through onnxruntime."""

    def __init__(self, model, exported_program):
        self.model = model
        self.exported_program = exported_program
        self._session = None

    @property
    def model_proto(self):
        return self.model

    def save(self, destination, *, include_initializers=True, keep_initializers_as_inputs=False,
             external_data=None):
        data = self.model.SerializeToString()
        if isinstance(destination, (str, os.PathLike)):
            with open(destination, "wb") as fh:
                fh.write(data)
        else:
            destination.write(data)

    def initialize_inference_session(self, initializer=None):
        import onnxruntime
        self._session = (initializer or (lambda m: onnxruntime.InferenceSession(
            m.SerializeToString(), providers=["CPUExecutionProvider"])))(self.model)

    def release(self):
        self._session = None

    def __call__(self, *args, **kwargs):
        if self._session is None:
            self.initialize_inference_session()
        names = [i.name for i in self._session.get_inputs()]
        feeds = {n: np.asarray(a.numpy() if hasattr(a, "numpy") else a) for n, a in zip(names, args)}
        return [tensor(o) for o in self._session.run(None, feeds)]

    def __repr__(self):
        return f"ONNXProgram(\n    model=\n{self.model}\n)"


def _module_class():
    return Module


class InputObserver:
    """Records the arguments a model is called with (to pick example inputs and dynamic axes)."""

    def __init__(self, value_if_missing=None):
        self.value_if_missing = value_if_missing or {}
        self.inputs = []

    @property
    def num_obs(self):
        return len(self.inputs)

    def __call__(self, model):
        observer = self

        class _Observed:
            def __enter__(self_inner):
                self_inner.original = model.forward

                def watched(*args, **kwargs):
                    observer.inputs.append((args, kwargs))
                    return self_inner.original(*args, **kwargs)
                model.forward = watched
                return observer

            def __exit__(self_inner, *exc):
                model.forward = self_inner.original
                return False
        return _Observed()

    def infer_arguments(self, index_or_args_or_kwargs=None, flat=False):
        if not self.inputs:
            raise RuntimeError("No inputs were captured.")
        index = 0 if index_or_args_or_kwargs is None else index_or_args_or_kwargs
        return self.inputs[index][0]

    def infer_dynamic_shapes(self, set_batch_dimension_for=None, return_flat=False):
        if len(self.inputs) < 2:
            return None
        first = self.inputs[0][0]
        dyn = []
        for pos, a in enumerate(first):
            shape = tuple(getattr(a, "shape", ()))
            axes = {ax: f"dim_{pos}_{ax}" for ax in range(len(shape))
                    if any(tuple(getattr(o[0][pos], "shape", ()))[ax] != shape[ax] for o in self.inputs[1:])}
            dyn.append(axes or None)
        return tuple(dyn)

    def check_discrepancies(self, *args, **kwargs):
        return []


_EXPORTABLE = []


def _exportable():
    if not _EXPORTABLE:
        Module = _module_class()

        class ExportableModule(Module):
            """A Module that says how it is exported: example_arguments / dynamic_shapes / names, then
            `to_onnx()` runs jtorch.onnx.export with them."""

            def example_arguments(self):
                raise NotImplementedError

            def dynamic_shapes(self):
                return None

            def input_names(self):
                return None

            def output_names(self):
                return None

            def to_onnx(self, **kwargs):
                from ._export import export
                args = self.example_arguments()
                proto = export(self, args if isinstance(args, tuple) else (args,), input_names=self.input_names(),
                               output_names=self.output_names(), **kwargs)
                return ONNXProgram(proto, None)

        ExportableModule.__module__, ExportableModule.__qualname__ = "torch.onnx", "ExportableModule"
        _EXPORTABLE.append(ExportableModule)
    return _EXPORTABLE[0]


ONNXProgram.__module__ = InputObserver.__module__ = "torch.onnx"
