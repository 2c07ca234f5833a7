"""torch.nn.utils.convert_conv{2,3}d_weight_memory_format.

jtorch values are always row-major (memory formats are accepted and ignored), so there is nothing
to convert: the module comes back with its parameters' identity and values, as in torch.
"""
__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def convert_conv2d_weight_memory_format(module, memory_format):
    """Convert the weights of every Conv2d / ConvTranspose2d in `module` to `memory_format` (a no-op here)."""
    return module


def convert_conv3d_weight_memory_format(module, memory_format):
    """Convert the weights of every Conv3d / ConvTranspose3d in `module` to `memory_format` (a no-op here)."""
    return module
