"""nn.functional's grouped and scaled matrix products: grouped_mm (mixture-of-experts layers), scaled_mm
(low-precision inputs with scale factors), scaled_grouped_mm (refused: a CUDA-only kernel in torch), and the
scaling/swizzle enums they take.

jtorch writes each as ordinary matmuls that XLA compiles: a group is selected with a mask built from `offs`
(no host sync on the offsets), and a scaled product dequantizes its operands (value * scale) in float32 first.
Only the scaling recipes whose meaning is plain (tensor-wise and row-wise scales) are accepted."""
import enum

from .. import _dtype
from .._ops.creation import arange
from .._ops.linalg import einsum

__all__ = ["ScalingType", "SwizzleType", "grouped_mm", "scaled_mm", "scaled_grouped_mm"]


class _ScalingType(enum.IntEnum):
    TensorWise = 0
    RowWise = 1
    BlockWise1x16 = 2
    BlockWise1x32 = 3
    BlockWise1x128 = 4
    BlockWise128x128 = 5


class _SwizzleType(enum.IntEnum):
    NO_SWIZZLE = 0
    SWIZZLE_32_4_4 = 1


ScalingType, SwizzleType = _ScalingType, _SwizzleType


def _group_masks(offs, length, dtype):
    """(G, length) 0/1 rows: entry i of row g is 1 when offs[g-1] <= i < offs[g] (0 before offs[0]); entries past
    offs[-1] belong to no group."""
    pos = arange(length, device=offs.device)
    ends = offs.long()
    group_of = (pos.unsqueeze(0) >= ends.unsqueeze(1)).long().sum(0)  # how many groups end at or before i
    return (arange(ends.shape[0], device=offs.device).unsqueeze(1) == group_of.unsqueeze(0)).to(dtype)


def grouped_mm(mat_a, mat_b, *, offs=None, bias=None, out_dtype=None):
    if bias is not None:
        raise NotImplementedError("jtorch: grouped_mm(bias=...) is not supported; add the bias to the result")
    a_dim, b_dim = mat_a.dim(), mat_b.dim()
    if a_dim not in (2, 3) or b_dim not in (2, 3):
        raise RuntimeError(f"grouped_mm: mat_a and mat_b must be 2D or 3D, got {a_dim}D and {b_dim}D")
    if a_dim == 3 and b_dim == 3:
        if offs is not None:
            raise RuntimeError("grouped_mm: offs must be None when both operands are 3D")
        out = mat_a @ mat_b
    else:
        if offs is None:
            raise RuntimeError("grouped_mm: offs is required when an operand is 2D")
        if offs.dim() != 1 or offs.dtype is not _dtype.int32:
            raise RuntimeError("grouped_mm: offs must be a 1D int32 tensor")
        if a_dim == 2 and b_dim == 3:    # rows of mat_a in groups, one (K, N) matrix per group
            mask = _group_masks(offs, mat_a.shape[0], mat_a.dtype)
            out = einsum("gm,mk,gkn->mn", mask, mat_a, mat_b)
        elif a_dim == 2:                 # the shared K dimension in groups: one (M, N) result per group
            mask = _group_masks(offs, mat_a.shape[1], mat_a.dtype)
            out = einsum("mk,gk,kn->gmn", mat_a, mask, mat_b)
        else:                            # columns of mat_b in groups, one (M, K) matrix per group
            mask = _group_masks(offs, mat_b.shape[1], mat_b.dtype)
            out = einsum("gmk,kn,gn->mn", mat_a, mat_b, mask)
    return out if out_dtype is None else out.to(out_dtype)


def _dequantize(mat, scale, recipe):
    recipe = _ScalingType(recipe)
    if recipe not in (_ScalingType.TensorWise, _ScalingType.RowWise):
        raise NotImplementedError(f"jtorch: scaled matmul with {recipe.name} scaling is not supported (tensor-wise "
                                  "and row-wise scales are)")
    return mat.float() * scale.float()


def _one(v, what):
    if isinstance(v, (list, tuple)):
        if len(v) != 1:
            raise NotImplementedError(f"jtorch: scaled matmul with several {what} entries is not supported")
        return v[0]
    return v


def scaled_mm(mat_a, mat_b, scale_a, scale_recipe_a, scale_b, scale_recipe_b, swizzle_a=None, swizzle_b=None,
              bias=None, output_dtype=_dtype.bfloat16, contraction_dim=(), use_fast_accum=False):
    for swizzle in (swizzle_a, swizzle_b):
        if _one(swizzle, "swizzle") not in (None, _SwizzleType.NO_SWIZZLE):
            raise NotImplementedError("jtorch: swizzled scale layouts are a GPU kernel detail it does not support")
    a = _dequantize(mat_a, _one(scale_a, "scale"), _one(scale_recipe_a, "recipe"))
    b = _dequantize(mat_b, _one(scale_b, "scale"), _one(scale_recipe_b, "recipe"))
    out = a @ b
    if bias is not None:
        out = out + bias.float()
    return out if output_dtype is None else out.to(output_dtype)


def scaled_grouped_mm(mat_a, mat_b, scale_a, scale_recipe_a, scale_b, scale_recipe_b, swizzle_a=None,
                      swizzle_b=None, bias=None, offs=None, output_dtype=_dtype.bfloat16, contraction_dim=(),
                      use_fast_accum=False):
    # torch runs it only on recent CUDA GPUs and its per-group scale layouts are kernel specific: refuse rather
    # than guess them (dequantize and call grouped_mm instead)
    raise NotImplementedError("jtorch: scaled_grouped_mm is not supported (torch has it only as a CUDA kernel); "
                              "dequantize the operands (mat.float() * scale) and call grouped_mm")
