"""Matrix products with torch's shape checks and messages."""
import jax.numpy as jnp

from .registry import op


def _mat(shape):
    return "x".join(str(s) for s in shape)


@op(tensors=("input", "other"), promote="same", grad_name="MmBackward0")
def matmul(input, other):
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and "
                           f"{other.ndim}D")
    if input.ndim == 2 and other.ndim == 2 and input.shape[1] != other.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(input.shape)} and "
                           f"{_mat(other.shape)})")
    if input.ndim == 1 and other.ndim == 1 and input.shape[0] != other.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
                           f"[{other.shape[0]}] to have the same number of elements, but got {input.shape[0]} and "
                           f"{other.shape[0]} elements respectively")
    k1 = input.shape[-1]
    k2 = other.shape[-2] if other.ndim > 1 else other.shape[0]
    if k1 != k2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{', '.join(str(s) for s in other.shape[:-2])}, {k1}] but got: "
                           f"[{', '.join(str(s) for s in other.shape)}]." if other.ndim > 2 else
                           f"mat1 and mat2 shapes cannot be multiplied ({_mat(input.shape[-2:])} and "
                           f"{_mat(other.shape)})")
    return jnp.matmul(input, other)


@op(tensors=("input", "mat2"), promote="same")
def mm(input, mat2):
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(input.shape)} and "
                           f"{_mat(mat2.shape)})")
    return input @ mat2


@op(tensors=("input", "weight", "bias"), promote="same", method=False, grad_name="AddmmBackward0")
def linear(input, weight, bias=None):
    if input.shape[-1] != weight.shape[-1]:
        rows = 1
        for s in input.shape[:-1]:
            rows *= s
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
                           f"{_mat(weight.shape[::-1])})")
    out = jnp.matmul(input, weight.T)
    return out if bias is None else out + bias
