"""torch.nn.utils.convert_conv{2,3}d_weight_memory_format.

jtorch values are always row-major (memory formats are accepted and ignored), so converting only walks
the modules; the parameters keep their identity and values, as in torch.
"""
__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module, memory_format, names):
    from ..modules import conv
    kinds = tuple(getattr(conv, n) for n in names if hasattr(conv, n))
    if isinstance(module, kinds):
        module.weight.data = module.weight.detach().clone(memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, names)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """Convert the weights of every Conv2d / ConvTranspose2d in `module` to `memory_format`."""
    return _convert(module, memory_format, ("Conv2d", "ConvTranspose2d"))


def convert_conv3d_weight_memory_format(module, memory_format):
    """Convert the weights of every Conv3d / ConvTranspose3d in `module` to `memory_format`."""
    return _convert(module, memory_format, ("Conv3d", "ConvTranspose3d"))
