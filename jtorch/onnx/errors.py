"""torch.onnx.errors: the exporter's error and warning types."""

__all__ = ["OnnxExporterError", "OnnxExporterWarning", "SymbolicValueError", "UnsupportedOperatorError"]

from ._export import OnnxExporterError as OnnxExporterError  # noqa: E402


class OnnxExporterWarning(UserWarning):
    """Warnings from the ONNX exporter."""


class SymbolicValueError(OnnxExporterError):
    """An error about a value seen while converting an op."""

    def __init__(self, msg, value=None):
        super().__init__(msg)


class UnsupportedOperatorError(OnnxExporterError):
    """No ONNX mapping exists for an operator at the requested opset."""

    def __init__(self, name, version, supported_version):
        if supported_version is not None:
            msg = (f"Exporting the operator '{name}' to ONNX opset version {version} is not supported. Support for "
                   f"this operator was added in version {supported_version}, try exporting with this version.")
        else:
            msg = f"Exporting the operator '{name}' to ONNX opset version {version} is not supported."
        super().__init__(msg)


for _cls in (OnnxExporterWarning, SymbolicValueError, UnsupportedOperatorError):
    _cls.__module__ = "torch.onnx.errors"
