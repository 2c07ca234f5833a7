"""torch.onnx.export on jax: trace the model to a jaxpr, lower each primitive to ONNX.

`onnx` is an optional dependency (`pip install onnx onnxruntime`); importing jtorch never
imports it, only calling export does.
"""
from ._export import export as export, is_in_onnx_export as is_in_onnx_export
from ._export import OnnxExporterError as OnnxExporterError, TrainingMode as TrainingMode

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError", "TrainingMode"]
