"""The module-level names of torch.nn.functional that are not functions: grid_sample's mode tables, the notes
torch splices into docstrings (our own wording; the keys are torch's), and small helpers."""
from typing import TYPE_CHECKING  # noqa: F401  (torch.nn.functional exposes it)

from .._ops.torch_function import (  # noqa: F401
    handle_torch_function as handle_torch_function, has_torch_function as has_torch_function,
    has_torch_function_unary as has_torch_function_unary,
    has_torch_function_variadic as has_torch_function_variadic,
)
from .._tensor import Tensor as Tensor  # noqa: F401
from ..jit.annotations import (  # noqa: F401
    BroadcastingList1 as BroadcastingList1, BroadcastingList2 as BroadcastingList2,
    BroadcastingList3 as BroadcastingList3,
)

GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}

reproducibility_notes = {
    "forward_reproducibility_note": "On a GPU this operation's results can vary from run to run (XLA may "
                                    "reorder floating-point sums).",
    "backward_reproducibility_note": "On a GPU this operation's gradients can vary from run to run (XLA may "
                                     "reorder floating-point sums).",
    "cudnn_reproducibility_note": "On a GPU the compiler may pick a faster algorithm whose results are not "
                                  "bit-identical from run to run.",
}
sparse_support_notes = {
    "sparse_beta_warning": "Sparse layouts are not supported by jtorch; sparse inputs are refused with an error.",
}
tf32_notes = {
    "tf32_note": "On GPUs with TensorFloat32 this operation may run in TF32 when torch.backends' TF32 switches "
                 "allow it.",
}


def assert_int_or_pair(arg, arg_name, message):
    """Raise AssertionError(message.format(arg_name)) unless `arg` is an int or has two entries."""
    if not isinstance(arg, int) and len(arg) != 2:
        raise AssertionError(message.format(arg_name))
