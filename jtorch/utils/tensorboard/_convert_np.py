"""make_np: jtorch tensors, numpy arrays and Python/numpy scalars to numpy (torch's _convert_np)."""
import jax
import numpy as np

from ... import _dtype
from ..._tensor import Tensor

__all__ = ["make_np"]


def make_np(x):
    """Convert x (jtorch Tensor, numpy array, jax array or scalar) into a numpy array."""
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        return _prepare_pytorch(x)
    if isinstance(x, jax.Array):  # jtorch users may log raw jax arrays too
        return np.asarray(x)
    raise NotImplementedError(f"Got {type(x)}, but numpy array or torch tensor are expected.")


def _prepare_pytorch(x):
    if x.dtype == _dtype.bfloat16:  # as torch: numpy has no native bfloat16
        x = x.to(_dtype.float16)
    return x.detach().cpu().numpy()
