"""More factories: empty_strided, empty_permuted, Tensor.new_empty_strided, and torch.fill (a filled copy).

jtorch values are row-major jax arrays, so the strides these ask for are not kept: the result has the requested
sizes (and values are uninitialised in torch; zeros here), and stride() reports row-major strides.
"""
import jax.numpy as jnp

from .creation import _follow, _size, zeros
from .registry import op, public
import numpy as np
from .. import _dtype
import os


def _check_sizes(name, size, stride):
    size = _size((size,))
    if len(size) != len(tuple(stride)):
        raise RuntimeError("mismatch in length of strides and shape")
    return size


@public(method=False)
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return zeros(_check_sizes("empty_strided", size, stride), dtype=dtype, device=device,
                 requires_grad=requires_grad)


@public(method=False)
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    size = _size((size,))
    order = tuple(physical_layout)
    if sorted(order) != list(range(len(size))):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; "
                           f"i.e. len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}"
                           if len(order) != len(size) else "physical_layout must be a permutation of the dimensions")
    return zeros(size, dtype=dtype, device=device, requires_grad=requires_grad)


@public(function=False)
def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False):
    return zeros(_check_sizes("new_empty_strided", size, stride), dtype=dtype or self.dtype,
                 device=_follow(self, device), requires_grad=requires_grad)


@op("fill", tensors=("input", "value"), method=False, grad_name="FillBackward0")
def fill(input, value):
    """A tensor like `input` holding `value` everywhere (torch.fill: the out-of-place fill_)."""
    if value.ndim != 0:
        raise RuntimeError(f"fill only supports 0-dimension value tensor but got tensor with {value.ndim} "
                           f"dimensions.")
    # `where` keeps input in the graph with a zero gradient, as torch's FillBackward
    return jnp.where(True, jnp.broadcast_to(value.astype(input.dtype), input.shape), input)


@public(method=False)
def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None, pin_memory=False):
    """A tensor of `size` elements read from a file's first bytes. torch maps the file; jax arrays own their
    memory, so the elements are copied and writes to the tensor never reach the file."""

    from .creation import tensor
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    need = int(size) * dt.itemsize
    if shared:
        with open(filename, "ab") as f:  # torch creates (and grows) a shared file as needed
            if f.tell() < need:
                f.write(b"\0" * (need - f.tell()))
    with open(filename, "rb") as f:
        raw = f.read(need)
    if len(raw) < need:
        raise RuntimeError(f"file <{filename}> size <{os.path.getsize(filename)}> is smaller than the required "
                           f"mapping size <{need}>")
    return tensor(np.frombuffer(raw, dtype=dt.np, count=int(size)).copy(), dtype=dt, device=device)
