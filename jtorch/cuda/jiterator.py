"""torch.cuda.jiterator: elementwise kernels compiled from C++ source strings; XLA fuses jtorch's
elementwise ops itself, so there is no source-string kernel to build."""

__all__ = ["_create_jit_fn", "_create_multi_output_jit_fn"]


def _create_jit_fn(code_string, **kwargs):
    raise NotImplementedError("jtorch: jiterator kernels are CUDA C++ source; write the op in jtorch instead "
                              "(XLA fuses elementwise ops)")


def _create_multi_output_jit_fn(code_string, num_outputs, **kwargs):
    return _create_jit_fn(code_string)
