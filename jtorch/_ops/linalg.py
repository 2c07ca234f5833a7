"""Matrix products and linear algebra (torch.* and torch.linalg.*) with torch's shape checks.

Data-dependent failures (a singular matrix in inv, a non-positive-definite one in
cholesky) cannot raise without a sync: the result holds inf/nan instead, as in jax.
"""
import builtins
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ._checks import host_value
from .registry import op, public
from .._shape import wrap_dim as _wrap_dim
from .reduction import return_type


def _mat(shape):
    return "x".join(str(s) for s in shape)


_C_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
            "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
def _tname(a):
    return _dtype.scalar_name(a.dtype)


def _same_dtype(a, b, style="scalar"):
    if a.dtype == b.dtype:
        return
    if style == "mm":
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_C_NAMES.get(str(a.dtype))} != "
                           f"{_C_NAMES.get(str(b.dtype))}")
    if style == "dot":
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_tname(a)} and {_tname(b)}")
    raise RuntimeError(f"expected scalar type {_tname(a)} but found {_tname(b)}")


def _bmm_check(k1, batch, other):
    raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k1}] but got: "
                       f"[{batch}, {other}].")


# -- products --------------------------------------------------------------------------------

@op(tensors=("input", "other"), grad_name="MmBackward0")
def matmul(input, other):
    a, b = input, other
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:
        if a.shape[0] != b.shape[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                               f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                               f"respectively")
        _same_dtype(a, b, "dot")
    elif b.ndim == 1:
        rows = math.prod(a.shape[:-1])
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{a.shape[-1]}), vec ({b.shape[0]})")
        if a.dtype != b.dtype:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_tname(a)}, {_tname(a)}, and "
                               f"{_tname(b)}")
    elif b.ndim == 2 and a.ndim <= 2 or (b.ndim == 2 and a.ndim > 2):
        rows = math.prod(a.shape[:-1])
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a.shape[-1]} and "
                               f"{_mat(b.shape)})")
        _same_dtype(a, b, "mm")
    else:
        try:
            batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            sa, sb = a.shape[:-2], b.shape[:-2]
            for i in range(1, builtins.min(len(sa), len(sb)) + 1):
                if sa[-i] != sb[-i] and 1 not in (sa[-i], sb[-i]):
                    raise RuntimeError(f"The size of tensor a ({sa[-i]}) must match the size of tensor b ({sb[-i]}) "
                                       f"at non-singleton dimension {builtins.max(len(sa), len(sb)) - i}") from None
            raise
        k2 = b.shape[-2]
        if a.shape[-1] != k2:
            _bmm_check(a.shape[-1], math.prod(batch), k2)
        _same_dtype(a, b)
    return jnp.matmul(a, b)


@op(tensors=("input", "mat2"))
def mm(input, mat2):
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(input.shape)} and "
                           f"{_mat(mat2.shape)})")
    _same_dtype(input, mat2, "mm")
    return input @ mat2


@op(tensors=("input", "mat2"))
def bmm(input, mat2):
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if mat2.shape[0] != input.shape[0] or mat2.shape[1] != input.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{input.shape[0]}, "
                           f"{input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    _same_dtype(input, mat2)
    return jnp.matmul(input, mat2)


@op(tensors=("input", "vec"))
def mv(input, vec):
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({_mat(input.shape)}), vec "
                           f"({vec.shape[0]})")
    _same_dtype(input, vec)
    return input @ vec


def _dot_check(input, other):
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{other.shape[0]}] "
                           f"to have the same number of elements, but got {input.shape[0]} and {other.shape[0]} "
                           f"elements respectively")
    _same_dtype(input, other, "dot")


@op(tensors=("input", "other"))
def dot(input, other):
    _dot_check(input, other)
    return jnp.dot(input, other)


inner_product = dot


@op(tensors=("input", "other"))
def vdot(input, other):
    _dot_check(input, other)
    return jnp.vdot(input, other)


@op(tensors=("input", "vec2"), promote="same")
def outer(input, vec2):
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D" if input.ndim != 1 else
                           f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return jnp.outer(input, vec2)


public("ger")(outer)
ger = outer


@op(list_input="operands", promote="same", method=False, function=False, grad_name="EinsumBackward0")
def _einsum(*operands, equation):
    try:
        return jnp.einsum(equation, *operands)
    except ValueError as e:
        raise RuntimeError(f"einsum(): {e}") from None


@public(method=False)
def einsum(*args):
    """torch.einsum(equation, *operands) or torch.einsum(equation, [operands])."""
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, or at least one "
                        "operand and its subscripts list")
    equation, operands = args[0], args[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for x in operands[1:]:  # torch's contractions take one dtype (no promotion)
        _same_dtype(operands[0], x)
    return _einsum(list(operands), equation=equation.replace(" ", ""))


def _input_dtype(input, mat2):
    if input.dtype != mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_tname(input)} and {_tname(mat2)}")


def _scaled(beta, input, alpha, prod):
    # torch ignores `input` when beta == 0 (nan/inf in it do not propagate)
    out = prod if alpha == 1 else prod * jnp.asarray(alpha, prod.dtype)
    n = out.ndim - input.ndim
    for i, size in enumerate(input.shape):
        if n < 0 or (size != 1 and size != out.shape[i + n]):
            raise RuntimeError(f"The expanded size of the tensor ({out.shape[i + n] if n >= 0 else '?'}) must match "
                               f"the existing size ({size}) at non-singleton dimension {i + n}.  Target sizes: "
                               f"{list(out.shape)}.  Tensor sizes: {list(input.shape)}")
    if beta == 0:
        return jnp.broadcast_to(out, jnp.broadcast_shapes(input.shape, out.shape))
    return out + (input if beta == 1 else input * jnp.asarray(beta, input.dtype))


@op(tensors=("input", "mat1", "mat2"), inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got " f"{mat1.ndim}-D tensor" if mat1.ndim != 2 else
                           f"mat2 must be a matrix, got {mat2.ndim}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat(mat1.shape)} and {_mat(mat2.shape)})")
    _same_dtype(mat1, mat2, "mm")
    _input_dtype(input, mat2)
    return _scaled(beta, input, alpha, mat1 @ mat2)


@op(tensors=("input", "mat", "vec"), inplace=True)
def addmv(input, mat, vec, *, beta=1, alpha=1):
    if mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if not input.dtype == mat.dtype == vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_tname(input)}, {_tname(mat)}, "
                           f"and {_tname(vec)}")
    if mat.shape[1] != vec.shape[0] or input.ndim > 1 or (input.ndim == 1 and input.shape[0] not in (1, mat.shape[0])):
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), mat "
                           f"({_mat(mat.shape)}), vec "
                           f"({vec.shape[0]})")
    return _scaled(beta, input, alpha, mat @ vec)


def _batch_check(b1, b2):
    if b1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b1.shape[0] != b2.shape[0] or b1.shape[2] != b2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b1.shape[0]}, "
                           f"{b1.shape[2]}] but got: [{b2.shape[0]}, {b2.shape[1]}].")


@op(tensors=("input", "batch1", "batch2"), inplace=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    _batch_check(batch1, batch2)
    if batch1.dtype != batch2.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_tname(batch1)} and {_tname(batch2)}")
    _input_dtype(input, batch2)
    return _scaled(beta, input, alpha, jnp.einsum("bij,bjk->ik", batch1, batch2))


@op(tensors=("input", "batch1", "batch2"), inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    _batch_check(batch1, batch2)
    if not input.dtype == batch1.dtype == batch2.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_tname(input).lower()}, batch1: "
                           f"{_tname(batch1).lower()}, batch2: {_tname(batch2).lower()}")
    return _scaled(beta, input, alpha, jnp.matmul(batch1, batch2))


@op(tensors=("a", "b"), promote="same", method=False, function=False, grad_name="TensordotBackward0")
def _tensordot(a, b, *, dims):
    da, db = dims
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {x} "
                               f"and second has size {b.shape[y]} in dim {y}")
    return jnp.tensordot(a, b, (da, db))


@public(method=False)
def tensordot(a, b, dims=2, out=None):
    _no_out("tensordot", out)
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if hasattr(dims, "tolist"):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims = (tuple(range(a.dim() - dims, a.dim())), tuple(range(dims)))
    else:
        da, db = dims
        da = (da,) if isinstance(da, int) else tuple(da)
        db = (db,) if isinstance(db, int) else tuple(db)
        dims = (tuple(d % a.dim() for d in da), tuple(d % b.dim() for d in db))
    return _tensordot(a, b, dims=dims)


@op(tensors=("input", "other"), promote="same")
def kron(input, other):
    return jnp.kron(input, other)


def _cross_lower(input, other, dim):
    shape = jnp.broadcast_shapes(input.shape, other.shape)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and "
                           f"{other.shape[dim]}")
    a, b = jnp.broadcast_to(input, shape), jnp.broadcast_to(other, shape)
    return jnp.cross(a, b, axis=dim)


@op(tensors=("input", "other"), promote="same", method=False, function=False, grad_name="LinalgCrossBackward0")
def _cross(input, other, *, dim):
    return _cross_lower(input, other, dim)


def _cross_dtypes(input, other):
    if input.dtype == _dtype.bool:
        raise NotImplementedError('"cross" not implemented for \'Bool\'')
    _same_dtype(input, other)  # no promotion in torch's kernel


@public()
def cross(input, other, dim=None):
    _cross_dtypes(input, other)
    if dim is None:  # torch's deprecated default: the first dim of size 3
        shape = jnp.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _cross(input, other, dim=int(dim) if dim < 0 else int(dim) - builtins.max(input.dim(), other.dim()))


@op(grad_name="TraceBackward0")
def trace(input):
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    dt = jnp.int64 if jnp.issubdtype(input.dtype, jnp.integer) or input.dtype == jnp.bool_ else input.dtype
    return jnp.trace(input).astype(dt)


# -- triangles and diagonals --------------------------------------------------------------------

def _tri(name, fn):
    def lowering(input, diagonal=0):
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return fn(input, diagonal)
    lowering.__name__ = name
    return op(name, inplace=True)(lowering)


tril = _tri("tril", jnp.tril)
triu = _tri("triu", jnp.triu)


@op(grad_name="DiagEmbedBackward0")
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    nd = input.ndim + 1
    a, b = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    m = input.shape[-1]
    n = m + builtins.abs(offset)
    i = np.arange(m)
    out = jnp.zeros(input.shape[:-1] + (n, n), input.dtype)
    out = out.at[..., i + builtins.max(-offset, 0), i + builtins.max(offset, 0)].set(input)
    return jnp.moveaxis(out, (-2, -1), (a, b))


@op(grad_name="DiagBackward0", method=False, function=False)
def _diag(input, *, diagonal):
    if input.ndim == 1:
        return jnp.diag(input, diagonal)
    return jnp.diagonal(input, diagonal)


@public()
def diag(input, diagonal=0):
    if input.dim() not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")
    return _diag(input, diagonal=int(diagonal))


# -- decompositions and solvers (torch.linalg.*) ------------------------------------------------

def _no_out(name, out):
    if out is not None:
        raise NotImplementedError(f"jtorch has no lowering for torch.{name}(out=...) yet")


def _square(name, A):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")


def _float(name, A, arg="A"):
    if not (jnp.issubdtype(A.dtype, jnp.floating) or jnp.issubdtype(A.dtype, jnp.complexfloating)):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tname(A)}")


@op(tensors=("A",), method=False, function=False, grad_name="LinalgInvExBackward0")
def _inv(A):
    _square("linalg.inv", A)
    _float("linalg.inv", A)
    return jnp.linalg.inv(A)


@op(tensors=("A",), method=False, function=False, grad_name="LinalgDetBackward0")
def _det(A):
    _square("linalg.det", A)
    _float("linalg.det", A)
    return jnp.linalg.det(A)


@op(tensors=("A",), method=False, function=False, grad_name="LinalgSlogdetBackward0")
def _slogdet(A):
    _square("linalg.slogdet", A)
    _float("linalg.slogdet", A)
    sign, logabs = jnp.linalg.slogdet(A)
    # torch's sign of a NaN pivot is 0 (its sign(nan) is 0), so a NaN determinant has sign 0
    return jnp.where(jnp.isnan(logabs), jnp.zeros_like(sign), sign), logabs


def inv(A, *, out=None):
    _no_out("linalg.inv", out)
    return _inv(A)


def det(A, *, out=None):
    _no_out("linalg.det", out)
    return _det(A)


def slogdet(A, *, out=None):
    _no_out("linalg.slogdet", out)
    return return_type("linalg_slogdet", ("sign", "logabsdet"))(*_slogdet(A))


@public()
def inverse(input):
    return _inv(input)


public("det")(det)


@public("slogdet")
def _torch_slogdet(input):
    return return_type("slogdet", ("sign", "logabsdet"))(*_slogdet(input))


@public()
def logdet(input):
    sign, logabs = _slogdet(input)
    from .elementwise import log
    return logabs + log(sign)


@op(tensors=("A", "B"), promote="same", method=False, function=False, grad_name="LinalgSolveExBackward0")
def _solve(A, B, *, left):
    _square("linalg.solve", A)
    _float("linalg.solve", A)
    if not left:
        return jnp.swapaxes(_solve.op.fn(jnp.swapaxes(A, -1, -2), jnp.swapaxes(B, -1, -2), left=True), -1, -2)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    b = B[..., None] if vector else B
    if b.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({_mat(A.shape[-2:])} and {_mat(B.shape[-2:])})")
    batch = jnp.broadcast_shapes(A.shape[:-2], b.shape[:-2])
    x = jnp.linalg.solve(jnp.broadcast_to(A, batch + A.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:]))
    return x[..., 0] if vector else x


def solve(A, B, *, left=True, out=None):
    _no_out("linalg.solve", out)
    if not (A.dtype.is_floating_point or A.dtype.is_complex):  # before the promotion the op applies
        raise RuntimeError(f"linalg.solve: Expected a floating point or complex tensor as input. Got {_tname(A)}")
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {_tname(A)} "
                           f"and B of type {_tname(B)} instead")
    return _solve(A, B, left=bool(left))


@op(tensors=("A", "B"), promote="same", method=False, function=False,
    grad_name="LinalgSolveTriangularBackward0")
def _solve_triangular(A, B, *, upper, left, unitriangular):
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return jnp.swapaxes(_solve_triangular.op.fn(jnp.swapaxes(A, -1, -2), jnp.swapaxes(B, -1, -2),
                                                    upper=not upper, left=True, unitriangular=unitriangular), -1, -2)
    batch = jnp.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    return jax.scipy.linalg.solve_triangular(jnp.broadcast_to(A, batch + A.shape[-2:]),
                                             jnp.broadcast_to(B, batch + B.shape[-2:]), lower=not upper,
                                             unit_diagonal=unitriangular)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    _no_out("linalg.solve_triangular", out)
    return _solve_triangular(A, B, upper=bool(upper), left=bool(left), unitriangular=bool(unitriangular))


@op(tensors=("A",), method=False, function=False, grad_name="LinalgCholeskyExBackward0")
def _cholesky(A, *, upper):
    _square("linalg.cholesky", A)
    _float("linalg.cholesky", A)
    L = jnp.linalg.cholesky(A)
    return jnp.swapaxes(L, -1, -2).conj() if upper else L


def cholesky(A, *, upper=False, out=None):
    _no_out("linalg.cholesky", out)
    return _cholesky(A, upper=bool(upper))


@public("cholesky")
def _torch_cholesky(input, upper=False):
    return _cholesky(input, upper=bool(upper))


@op(tensors=("A",), method=False, function=False, grad_name="LinalgQrBackward0")
def _qr(A, *, mode):
    if A.ndim < 2:
        raise RuntimeError(f"linalg.qr: The input tensor A must have at least 2 dimensions.")
    _float("linalg.qr", A)
    if mode == "r":
        return jnp.zeros((0,), A.dtype), jnp.linalg.qr(A, mode="r")
    return tuple(jnp.linalg.qr(A, mode=mode))


def qr(A, mode="reduced", *, out=None):
    _no_out("linalg.qr", out)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           f"'r', or 'complete'")
    return return_type("linalg_qr", ("Q", "R"))(*_qr(A, mode=mode))


@public("qr")
def _torch_qr(input, some=True):
    return return_type("qr", ("Q", "R"))(*_qr(input, mode="reduced" if some else "complete"))


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a factorisation LAPACK could not complete."""


_LinAlgError.__module__ = "torch._C"
LinAlgError = _LinAlgError


def _svd_input(A):
    """torch's SVD (LAPACK gesdd) refuses a matrix holding NaN; XLA's returns NaN. Checked where
    A's value is on the host (a pending A is not computed early to check it)."""
    v = host_value(A)
    if v is None or v.ndim < 2 or v.dtype.kind not in "fc":
        return A
    bad = np.isnan(v).any(axis=(-2, -1)).reshape(-1)
    if bad.any():
        batch = f"(Batch element {int(np.argmax(bad))}): " if v.ndim > 2 else ""
        raise _LinAlgError(f"linalg.svd: {batch}The algorithm failed to converge because the input matrix "
                           "contained non-finite values.")
    return A


@op(tensors=("A",), method=False, function=False, grad_name="LinalgSvdBackward0")
def _svd(A, *, full_matrices):
    if A.ndim < 2:
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    _float("linalg.svd", A)
    # XLA's CPU SVD never returns when A holds an infinity and U, V are asked for; torch gives
    # NaN singular values there, so the factors of a non-finite matrix are NaN here
    A = jnp.where(jnp.isfinite(A), A, jnp.nan)
    U, S, Vh = jnp.linalg.svd(A, full_matrices=full_matrices)
    return U, S, Vh


def svd(A, full_matrices=True, *, driver=None, out=None):
    _no_out("linalg.svd", out)
    return return_type("linalg_svd", ("U", "S", "Vh"))(*_svd(_svd_input(A), full_matrices=bool(full_matrices)))


@public("svd")
def _torch_svd(input, some=True, compute_uv=True):
    U, S, Vh = _svd(_svd_input(input), full_matrices=not some)
    return return_type("svd", ("U", "S", "V"))(U, S, Vh.mH)


@op(tensors=("A",), method=False, function=False, grad_name="LinalgSvdBackward0")
def _svdvals(A):
    if A.ndim < 2:
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    _float("linalg.svd", A)
    return jnp.linalg.svd(A, compute_uv=False)


def svdvals(A, *, driver=None, out=None):
    _no_out("linalg.svdvals", out)
    return _svdvals(_svd_input(A))


def _hermitian_part(A, lower):
    """The Hermitian matrix that one triangle of A stands for (torch never reads the other).

    Its value comes from that triangle, its derivative is A's own: torch differentiates with
    respect to the Hermitian matrix, so its gradient is that matrix's (symmetric) one. jax's
    eigh derivative would otherwise use the unread triangle too."""
    n = A.shape[-1]
    tri = jnp.tril(A, -1) if lower else jnp.triu(A, 1)
    diag = jnp.real(jnp.diagonal(A, axis1=-2, axis2=-1)).astype(A.dtype)
    H = tri + jnp.conj(jnp.swapaxes(tri, -1, -2)) + diag[..., :, None] * jnp.eye(n, dtype=A.dtype)
    return A + jax.lax.stop_gradient(H - A)


@op(tensors=("A",), method=False, function=False, grad_name="LinalgEighBackward0")
def _eigh(A, *, UPLO):
    _square("linalg.eigh", A)
    w, v = jnp.linalg.eigh(_hermitian_part(A, UPLO == "L"), UPLO=UPLO, symmetrize_input=False)
    return w, v


def eigh(A, UPLO="L", *, out=None):
    _no_out("linalg.eigh", out)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))(*_eigh(A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    _no_out("linalg.eigvalsh", out)
    return eigh(A, UPLO)[0]


@op(tensors=("A",), method=False, function=False, grad_name="LinalgPinvBackward0")
def _pinv(A, *, hermitian, rtol):
    if A.ndim < 2:
        raise RuntimeError("linalg.pinv(A): The input tensor A must have at least 2 dimensions.")
    if not hermitian:
        # the SVD under it never returns on an infinity (see _svd)
        return jnp.linalg.pinv(jnp.where(jnp.isfinite(A), A, jnp.nan), rtol=rtol)
    # torch: eigenvalues of the lower triangle's Hermitian matrix, those at most rtol * max|w| dropped
    _square("linalg.pinv", A)
    w, v = jnp.linalg.eigh(_hermitian_part(A, True), symmetrize_input=False)
    if rtol is None:
        rtol = jnp.finfo(A.dtype).eps * A.shape[-1]
    size = jnp.abs(w)
    keep = size > rtol * jnp.max(size, axis=-1, keepdims=True)
    inv = jnp.where(keep, 1 / jnp.where(keep, w, 1), 0).astype(A.dtype)
    P = jax.lax.stop_gradient((v * inv[..., None, :]) @ _mH(v))
    # the derivative is the general pseudo-inverse's (as torch's backward, with A itself): eigh's
    # would only see the Hermitian part of a perturbation. D is zero with A's derivative.
    A0 = jax.lax.stop_gradient(A)
    D = A - A0
    eye = jnp.eye(A.shape[-1], dtype=A.dtype)
    return P + (-P @ D @ P + P @ _mH(P) @ _mH(D) @ (eye - A0 @ P) + (eye - P @ A0) @ _mH(D) @ _mH(P) @ P)


def _mH(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    _no_out("linalg.pinv", out)
    if atol is not None:
        raise NotImplementedError("jtorch has no lowering for torch.linalg.pinv(atol=...) yet")
    return _pinv(A if hermitian else _svd_input(A), hermitian=bool(hermitian), rtol=rtol)


@public("pinverse")
def _torch_pinverse(input, rcond=1e-15):
    return _pinv(_svd_input(input), hermitian=False, rtol=rcond)


@op(tensors=("A",), method=False, function=False, differentiable=False)
def _matrix_rank(A, *, atol, rtol, hermitian):
    S = jnp.abs(jnp.linalg.eigvalsh(A)) if hermitian else jnp.linalg.svd(A, compute_uv=False)
    smax = jnp.max(S, axis=-1, keepdims=True) if S.shape[-1] else jnp.zeros(S.shape[:-1] + (1,), S.dtype)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else builtins.max(A.shape[-2:]) * jnp.finfo(S.dtype).eps
    tol = jnp.maximum(0.0 if atol is None else atol, rtol * smax)
    return jnp.sum(S > tol, axis=-1).astype(jnp.int64)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    _no_out("linalg.matrix_rank", out)
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError("This function doesn't handle types other than float and double")
    return _matrix_rank(A if hermitian else _svd_input(A), atol=atol, rtol=rtol, hermitian=bool(hermitian))


def _linalg_cross(input, other, *, dim=-1, out=None):
    _no_out("linalg.cross", out)
    _cross_dtypes(input, other)
    return _cross(input, other, dim=int(dim) if dim < 0 else int(dim) - builtins.max(input.dim(), other.dim()))


def multi_dot(tensors, *, out=None):
    _no_out("linalg.multi_dot", out)
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for k, t in enumerate(tensors):
        if t.dim() not in (1, 2) or (0 < k < len(tensors) - 1 and t.dim() != 2):
            which = "first" if k == 0 else "last" if k == len(tensors) - 1 else None
            if which:
                raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.dim()}D")
            raise RuntimeError(f"multi_dot(): tensor {k} must be 2D but got {t.dim()}D")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


@op(tensors=("input",), method=False, function=False, grad_name="LinalgMatrixExpBackward0")
def _matrix_power(input, *, n):
    if n < 0:
        _float("linalg.inv", input)
    elif n >= 2 and input.dtype == jnp.bool_:
        kernel = "bmm" if input.ndim > 2 else "addmm_impl_cpu_"  # torch's kernel for a batch or one matrix
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    return jnp.linalg.matrix_power(input, n)


@public()
def matrix_power(input, n):
    _square("linalg.matrix_power", input)
    return _matrix_power(input, n=int(n))


# -- norms -------------------------------------------------------------------------------------

def _norm_dims(dim, ndim):
    from .reduction import _dims
    return _dims(dim, ndim)


def _safe_root(s, p):
    """s ** (1/p) with torch's zero gradient at s == 0 (jax's would be inf/nan)."""
    zero = s == 0
    out = jnp.where(zero, 1, s) ** (1 / p)
    return jnp.where(zero, 0, out)


def _vector_norm(x, ord, dims, keepdim):
    a = jnp.abs(x)
    if ord == math.inf:
        return jnp.max(a, axis=dims, keepdims=keepdim)
    if ord == -math.inf:
        return jnp.min(a, axis=dims, keepdims=keepdim)
    if ord == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=dims, keepdims=keepdim)
    if ord == 1:
        return jnp.sum(a, axis=dims, keepdims=keepdim)
    if ord == 2:
        return _safe_root(jnp.sum(jnp.real(x * jnp.conj(x)), axis=dims, keepdims=keepdim), 2)
    safe = jnp.where(a == 0, 1, a)
    powed = jnp.where(a == 0, 0 if ord > 0 else jnp.inf, safe ** ord)
    return _safe_root(jnp.sum(powed, axis=dims, keepdims=keepdim), ord)


@op(tensors=("x",), method=False, function=False, grad_name="LinalgVectorNormBackward0")
def _vnorm(x, *, ord, dim, keepdim, dtype):
    if not (jnp.issubdtype(x.dtype, jnp.floating) or jnp.issubdtype(x.dtype, jnp.complexfloating)):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_tname(x)}")
    if dtype is not None:
        x = x.astype(dtype)
    if x.ndim == 0:
        return _vector_norm(x.reshape(1), ord, None, False)
    return _vector_norm(x, ord, _norm_dims(dim, x.ndim), keepdim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    _no_out("linalg.vector_norm", out)
    dt = None if dtype is None else _dtype.to_dtype(dtype).np
    return _vnorm(x, ord=float(ord), dim=dim if dim is None or isinstance(dim, int) else tuple(dim),
                  keepdim=bool(keepdim), dtype=dt)


@op(tensors=("A",), method=False, function=False, grad_name="LinalgMatrixNormBackward0")
def _mnorm(A, *, ord, dim, keepdim, dtype):
    if dtype is not None:
        A = A.astype(dtype)
    _float("linalg.matrix_norm", A)
    if A.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    d0, d1 = (d % A.ndim for d in dim)
    if ord == "fro":
        out = _safe_root(jnp.sum(jnp.real(A * jnp.conj(A)), axis=(d0, d1)), 2)
    elif ord == "nuc":
        out = jnp.sum(jnp.linalg.svd(jnp.moveaxis(A, (d0, d1), (-2, -1)), compute_uv=False), axis=-1)
    elif ord in (2, -2):
        s = jnp.linalg.svd(jnp.moveaxis(A, (d0, d1), (-2, -1)), compute_uv=False)
        out = jnp.max(s, axis=-1) if ord == 2 else jnp.min(s, axis=-1)
    elif ord in (1, -1, math.inf, -math.inf):
        sum_dim, red_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = jnp.sum(jnp.abs(A), axis=sum_dim, keepdims=True)
        out = (jnp.max if ord > 0 else jnp.min)(s, axis=red_dim, keepdims=True)
        out = jnp.squeeze(out, axis=(d0, d1))
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        out = jnp.expand_dims(out, tuple(sorted((d0, d1))))
    return out


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    _no_out("linalg.matrix_norm", out)
    dt = None if dtype is None else _dtype.to_dtype(dtype).np
    if not isinstance(ord, str):
        ord = float(ord) if abs(ord) == math.inf else int(ord)
    if ord in ("nuc", 2, -2) and A.dim() >= 2 and tuple(d % A.dim() for d in dim) == (A.dim() - 2, A.dim() - 1):
        # these take an SVD, which refuses NaN
        A = _svd_input(A)
    return _mnorm(A, ord=ord, dim=tuple(dim), keepdim=bool(keepdim), dtype=dt)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    _no_out("linalg.norm", out)
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if A.dim() not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{A.dim()}D.")
        dim = tuple(range(A.dim()))
    if len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


@public("norm", method=False)
def _torch_norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    result = _tensor_norm(input, p, dim, keepdim, dtype)
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public("norm", function=False)
def _tensor_norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    input = self
    if isinstance(dim, int):
        dim = (dim,)
    if p == "fro" and (dim is None or len(dim) != 2):
        return vector_norm(input, 2, dim, keepdim, dtype=dtype)
    if isinstance(p, str):
        return matrix_norm(input, p, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    if dim is not None and len(dim) == 2 and p in ("fro", "nuc"):
        return matrix_norm(input, p, dim, keepdim, dtype=dtype)
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


@op(tensors=("input", "weight", "bias"), promote="same", method=False, grad_name="AddmmBackward0")
def linear(input, weight, bias=None):
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and "
                           f"{weight.ndim}D")
    if input.shape[-1] != weight.shape[-1]:
        rows = 1
        for s in input.shape[:-1]:
            rows *= s
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
                           f"{_mat(weight.shape[::-1])})")
    out = jnp.matmul(input, weight.T)
    return out if bias is None else out + bias


_ = jax  # jax.numpy.linalg is reached through jnp


@op(grad_name="LinalgMatrixExpBackward0")
def matrix_exp(input):
    """torch.matrix_exp / torch.linalg.matrix_exp: exp(A) of (batches of) square matrices."""
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: A must be batches of square matrices, but they are "
                           f"{input.shape[-2] if input.ndim > 1 else 1} by {input.shape[-1]} matrices")
    return jax.scipy.linalg.expm(input)


@op(tensors=("input", "tau"), grad_name="LinalgHouseholderProductBackward0")
def orgqr(input, tau):
    """torch.orgqr / torch.linalg.householder_product: the first n columns of H_0 ... H_{k-1}, with
    H_i = I - tau_i v_i v_i^H and v_i = (0, .., 0, 1, input[i+1:, i])."""
    m, n = input.shape[-2:]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if tau.dtype != input.dtype:  # no promotion in torch
        raise RuntimeError(f"torch.linalg.householder_product: tau dtype {_tname(tau)} does not match input dtype "
                           f"{_tname(input)}")
    row = jnp.arange(m)
    Q = jnp.broadcast_to(jnp.eye(m, n, dtype=input.dtype), input.shape)
    for i in reversed(range(tau.shape[-1])):
        v = jnp.where(row < i, 0, jnp.where(row == i, 1, input[..., :, i]))
        Q = Q - tau[..., i, None, None] * v[..., :, None] * jnp.einsum("...m,...mn->...n", v.conj(), Q)[..., None, :]
    return Q
