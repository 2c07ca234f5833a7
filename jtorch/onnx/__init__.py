"""torch.onnx.export on jax: trace the model to a jaxpr, lower each primitive to ONNX.

`onnx` is an optional dependency (`pip install onnx onnxruntime`); importing jtorch never
imports it, only calling export does.
"""
from ._export import export as export, is_in_onnx_export as is_in_onnx_export
from ._export import OnnxExporterError as OnnxExporterError, TrainingMode as TrainingMode
from ._export import OperatorExportTypes as OperatorExportTypes
from . import errors as errors, ops as ops  # noqa: F401
from ._program import InputObserver as InputObserver, ONNXProgram as ONNXProgram

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError", "TrainingMode", "ONNXProgram", "ExportableModule",
           "InputObserver", "OperatorExportTypes", "errors", "ops"]


def __getattr__(name):
    # ExportableModule subclasses nn.Module, which imports after this package: built on first use
    if name == "ExportableModule":
        from ._program import _exportable
        return _exportable()
    raise AttributeError(f"module 'jtorch.onnx' has no attribute '{name}'")
