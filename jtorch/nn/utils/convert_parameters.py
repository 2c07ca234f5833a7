"""parameters_to_vector / vector_to_parameters."""
from ..._ops.movement import cat
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param, old_param_device):
    device = param.device
    if old_param_device is None:
        return device
    if device != old_param_device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return old_param_device


def _on_one_device(parameters):
    """The parameters one by one, each checked to live on the first one's device before it is used."""
    device = None
    for param in parameters:
        device = _check_param_device(param, device)
        yield param


def parameters_to_vector(parameters):
    return cat([param.view(-1) for param in _on_one_device(parameters)])


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    start = 0
    for param in _on_one_device(parameters):
        end = start + param.numel()
        param.data = vec[start:end].view_as(param).data  # consecutive slices, in the given order
        start = end
