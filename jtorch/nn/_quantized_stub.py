"""torch.nn.quantized / qat / quantizable / intrinsic: torch's (deprecated) homes of its quantized layers.

jtorch has no quantized tensors or int8 kernels, so these namespaces import (as torch's do) but hold no layers:
asking one for a name raises AttributeError saying why, and `hasattr` probes answer False."""


def refuse(namespace):
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{namespace}.{name}: jtorch has no quantized layers (no quantized tensors or int8 "
                             "kernels on JAX); use the float layers, or real torch for quantization")
    return __getattr__
