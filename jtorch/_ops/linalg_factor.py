"""torch.linalg's factorisations that return their pieces (LU, LDL, eig, lstsq), the `_ex`
variants with an `info` tensor, and the small helpers built on them (cond, tensorinv, vander ...).

`info` is computed from the result itself (a zero pivot, a NaN in a Cholesky factor), so it
stays a pending tensor like any other: only `check_errors=True` reads it (a sync, as in torch).
LDL (LAPACK's sytrf / sytrs) has no jax primitive: it runs on the host through scipy's LAPACK
bindings, so the factors are bit-for-bit LAPACK's, as torch's are.
"""
import builtins
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .registry import op
from .reduction import return_type
from .linalg import _float, _mat, _no_out, _square, _tname, LinAlgError
from .linalg import solve
from .linalg import matrix_norm, svdvals
from .linalg import inv

_I32 = jnp.int32


def _is_float_or_complex(dtype):
    return dtype.is_floating_point or dtype.is_complex


def _nd2(name, A):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")


def _lapack_dtype(kernel, A):
    if not (jnp.issubdtype(A.dtype, jnp.floating) or jnp.issubdtype(A.dtype, jnp.complexfloating)):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_tname(A)}'")


def _first_zero(d):
    """LAPACK's info from a factor's diagonal: 1 + index of the first zero (or NaN), else 0."""
    bad = (d == 0) | jnp.isnan(d)
    k = jnp.argmax(bad, axis=-1)
    return jnp.where(jnp.any(bad, axis=-1), k + 1, 0).astype(_I32)


# -- LU ------------------------------------------------------------------------------------------

@op(tensors=("A",), method=False, function=False, grad_name="LinalgLuFactorExBackward0")
def _lu_factor(A):
    _nd2("torch.lu_factor", A)
    _lapack_dtype("lu_cpu", A)
    lu, piv, _ = jax.lax.linalg.lu(A)
    return lu, (piv + 1).astype(_I32), _first_zero(jnp.diagonal(lu, axis1=-2, axis2=-1))


def _no_pivot(name, pivot):
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    _no_out("linalg.lu_factor_ex", out)
    _no_pivot("linalg.lu_factor", pivot)
    LU, pivots, info = _lu_factor(A)
    if check_errors:
        _raise_info(info, lambda i, b: f"torch.linalg.lu_factor_ex:{b} U[{i},{i}] is zero and using it on lu_solve "
                                       "would result in a division by zero. If you still want to perform the "
                                       "factorization, consider calling linalg.lu(A, pivot) or "
                                       "linalg.lu_factor_ex(A, pivot)", RuntimeError)
    return return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))(LU, pivots, info)


def lu_factor(A, *, pivot=True, out=None):
    _no_out("linalg.lu_factor", out)
    _no_pivot("linalg.lu_factor", pivot)
    LU, pivots, info = _lu_factor(A)
    _raise_info(info, lambda i, b: f"torch.linalg.lu_factor:{b} U[{i},{i}] is zero and using it on lu_solve would "
                                   "result in a division by zero. If you still want to perform the factorization, "
                                   "consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)",
                RuntimeError)
    return return_type("linalg_lu_factor", ("LU", "pivots"))(LU, pivots)


def _raise_info(info, message, kind=LinAlgError):
    """torch's check_errors: read info (a sync) and raise for the first failed batch element."""
    v = np.asarray(info.numpy()).reshape(-1)
    bad = np.flatnonzero(v)
    if bad.size:
        b = f" (Batch element {int(bad[0])}):" if info.dim() else ""
        raise kind(message(int(v[bad[0]]), b))


@op(tensors=("A",), method=False, function=False, grad_name="LinalgLuBackward0")
def _lu(A):
    _nd2("linalg.lu", A)
    _lapack_dtype("lu_cpu", A)
    lu, _, perm = jax.lax.linalg.lu(A)
    m, n = A.shape[-2:]
    k = builtins.min(m, n)
    L = jnp.tril(lu[..., :, :k], -1) + jnp.eye(m, k, dtype=A.dtype)
    U = jnp.triu(lu[..., :k, :])
    # lax gives A[perm] = L U, torch A = P L U: P is the transposed permutation matrix
    P = jnp.swapaxes(jax.nn.one_hot(perm, m, dtype=A.dtype), -1, -2)
    return P, L, U


def lu(A, *, pivot=True, out=None):
    _no_out("linalg.lu", out)
    _no_pivot("linalg.lu", pivot)
    return return_type("linalg_lu", ("P", "L", "U"))(*_lu(A))


@op(tensors=("LU", "pivots", "B"), method=False, function=False, grad_name="LinalgLuSolveBackward0")
def _lu_solve(LU, pivots, B, *, left, adjoint):
    n = LU.shape[-1]
    if not left:  # X A = B  <=>  A^H X^H = B^H
        Xh = _lu_solve.op.fn(LU, pivots, jnp.conj(jnp.swapaxes(B, -1, -2)), left=True, adjoint=not adjoint)
        return jnp.conj(jnp.swapaxes(Xh, -1, -2))
    if B.shape[-2] != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({_mat(LU.shape[-2:])} and {_mat(B.shape[-2:])})")
    batch = jnp.broadcast_shapes(LU.shape[:-2], pivots.shape[:-1], B.shape[:-2])
    LU = jnp.broadcast_to(LU, batch + LU.shape[-2:])
    B = jnp.broadcast_to(B, batch + B.shape[-2:])
    perm = jax.lax.linalg.lu_pivots_to_permutation(jnp.broadcast_to(pivots, batch + pivots.shape[-1:]) - 1, n)
    tri = jax.lax.linalg.triangular_solve
    if not adjoint:  # A = P L U:  X = U^-1 L^-1 P^T B
        y = jnp.take_along_axis(B, perm[..., :, None], axis=-2)
        y = tri(LU, y, left_side=True, lower=True, unit_diagonal=True)
        return tri(LU, y, left_side=True, lower=False)
    # A^H X = B:  U^H L^H P^T X = B
    y = tri(LU, B, left_side=True, lower=False, transpose_a=True, conjugate_a=True)
    y = tri(LU, y, left_side=True, lower=True, unit_diagonal=True, transpose_a=True, conjugate_a=True)
    inv = jnp.argsort(perm, axis=-1)
    return jnp.take_along_axis(y, inv[..., :, None], axis=-2)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    _no_out("linalg.lu_solve", out)
    if LU.dim() < 2:
        raise RuntimeError(f"linalg.lu_solve: The input tensor LU must have at least 2 dimensions.")
    _square("linalg.lu_solve", LU)
    if LU.dtype != B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{_tname(LU)} and B of type {_tname(B)} instead")
    if pivots.dtype != _dtype.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    return _lu_solve(LU, pivots, B, left=bool(left), adjoint=bool(adjoint))


# -- the _ex variants ----------------------------------------------------------------------------

@op(tensors=("A",), method=False, function=False, grad_name="LinalgInvExBackward0")
def _inv_ex(A):
    _square("linalg.inv", A)
    _float("linalg.inv", A)
    lu, _, _ = jax.lax.linalg.lu(jax.lax.stop_gradient(A))
    return jnp.linalg.inv(A), _first_zero(jnp.diagonal(lu, axis1=-2, axis2=-1))


def inv_ex(A, *, check_errors=False, out=None):
    _no_out("linalg.inv_ex", out)
    inverse, info = _inv_ex(A)
    if check_errors:
        _raise_info(info, lambda i, b: f"linalg.inv_ex:{b} The diagonal element {i} is zero, the inversion could "
                                       "not be completed because the input matrix is singular.")
    return return_type("linalg_inv_ex", ("inverse", "info"))(inverse, info)


@op(tensors=("A",), method=False, function=False, grad_name="LinalgCholeskyExBackward0")
def _cholesky_ex(A, *, upper):
    _square("linalg.cholesky", A)
    _float("linalg.cholesky", A)
    L = jnp.linalg.cholesky(A)
    return (jnp.conj(jnp.swapaxes(L, -1, -2)) if upper else L), _cholesky_info(jax.lax.stop_gradient(A))


def _cholesky_info(A):
    """potrf's info: the order of the first leading minor that is not positive-definite (0: none).
    jax's Cholesky turns a failure into NaN everywhere, so the elimination runs again here, unpivoted."""
    n = A.shape[-1]
    idx = jnp.arange(n)

    def step(k, carry):
        M, info = carry
        d = jnp.real(M[..., k, k])
        bad = ~(d > 0) & (info == 0)
        info = jnp.where(bad, k + 1, info)
        col = jnp.where(idx > k, M[..., :, k], 0)
        row = jnp.where(idx > k, jnp.conj(M[..., :, k]), 0)
        M = M - col[..., :, None] * row[..., None, :] / jnp.where(d > 0, d, 1)[..., None, None]
        return M, info

    _, info = jax.lax.fori_loop(0, n, step, (A, jnp.zeros(A.shape[:-2], _I32)))
    return info


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    _no_out("linalg.cholesky_ex", out)
    L, info = _cholesky_ex(A, upper=bool(upper))
    if check_errors:
        _raise_info(info, lambda i, b: f"linalg.cholesky_ex:{b} The factorization could not be completed because "
                                       f"the input is not positive-definite (the leading minor of order {i} is not "
                                       "positive-definite).")
    return return_type("linalg_cholesky_ex", ("L", "info"))(L, info)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    _no_out("linalg.solve_ex", out)
    result = solve(A, B, left=left)
    info = _inv_ex(A)[1]  # LAPACK's getrf info for A (the factorisation solve runs on)
    if check_errors:
        _raise_info(info, lambda i, b: f"torch.linalg.solve_ex:{b} The solver failed because the input matrix is "
                                       "singular.")
    return return_type("linalg_solve_ex", ("result", "info"))(result, info)


# -- eigen-decomposition of general matrices -----------------------------------------------------

def _complex_of(dtype):
    return jnp.complex128 if dtype in (jnp.float64, jnp.complex128) else jnp.complex64


@jax.custom_jvp
def _eig_pair(A):
    w, v = jnp.linalg.eig(A)
    return w, v


@_eig_pair.defjvp
def _eig_pair_jvp(primals, tangents):
    (A,), (dA,) = primals, tangents
    w, V = _eig_pair(A)
    # C = V^-1 dA V: its diagonal moves the eigenvalues, the rest rotates the eigenvectors
    C = jnp.linalg.solve(V, dA.astype(V.dtype) @ V)
    dw = jnp.diagonal(C, axis1=-2, axis2=-1)
    gap = w[..., None, :] - w[..., :, None]
    off = ~jnp.eye(w.shape[-1], dtype=bool)
    dV = V @ jnp.where(off, C / jnp.where(off, gap, 1), 0)
    # torch's eigenvectors have unit norm: remove the component that would change it
    dV = dV - V * jnp.real(jnp.sum(jnp.conj(V) * dV, axis=-2, keepdims=True))
    return (w, V), (dw, dV)


@op(tensors=("A",), method=False, function=False, grad_name="LinalgEigBackward0")
def _eig(A):
    _nd2_eig("linalg.eig", A)
    if A.dtype == jnp.float16 or A.dtype == jnp.bfloat16 or not (
            jnp.issubdtype(A.dtype, jnp.floating) or jnp.issubdtype(A.dtype, jnp.complexfloating)):
        raise RuntimeError(f"Unknown Complex ScalarType for {_tname(A)}")
    w, V = _eig_pair(A)
    return w.astype(_complex_of(A.dtype)), V.astype(_complex_of(A.dtype))


@op(tensors=("A",), method=False, function=False, grad_name="LinalgEigBackward0")
def _eigvals(A):
    _nd2_eig("linalg.eigvals", A)
    if not (jnp.issubdtype(A.dtype, jnp.floating) or jnp.issubdtype(A.dtype, jnp.complexfloating)):
        raise RuntimeError(f"Unknown Complex ScalarType for {_tname(A)}")
    return jnp.linalg.eigvals(A).astype(_complex_of(A.dtype))


def _nd2_eig(name, A):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _square(name, A)


def eig(A, *, out=None):
    _no_out("linalg.eig", out)
    return return_type("linalg_eig", ("eigenvalues", "eigenvectors"))(*_eig(A))


def eigvals(A, *, out=None):
    _no_out("linalg.eigvals", out)
    return _eigvals(A)


# -- least squares -------------------------------------------------------------------------------

_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


@op(tensors=("A", "B"), method=False, function=False, grad_name="LinalgLstsqBackward0")
def _lstsq(A, B, *, rcond, driver):
    vector = B.ndim == A.ndim - 1
    b = B[..., None] if vector else B
    if A.shape[-2] != b.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    batch = jnp.broadcast_shapes(A.shape[:-2], b.shape[:-2])
    A = jnp.broadcast_to(A, batch + A.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    m, n = A.shape[-2:]
    eps = jnp.finfo(A.dtype).eps
    if rcond is None:
        rcond = eps * builtins.max(m, n)
    U, S, Vh = jnp.linalg.svd(A, full_matrices=False)
    keep = S > rcond * jnp.max(S, axis=-1, keepdims=True) if S.shape[-1] else S > 0
    s_inv = jnp.where(keep, 1 / jnp.where(keep, S, 1), 0)
    X = jnp.conj(jnp.swapaxes(Vh, -1, -2)) @ (s_inv[..., :, None] * (jnp.conj(jnp.swapaxes(U, -1, -2)) @ b))
    rank = jnp.sum(keep, axis=-1).astype(jnp.int64)
    real = jnp.real(jnp.zeros((), A.dtype)).dtype
    if driver != "gelsy" and m > n:  # gelsy reports no residuals
        residuals = jnp.sum(jnp.abs(A @ X - b) ** 2, axis=-2)
    else:
        residuals = jnp.zeros((0,), real)
    sv = S if driver in ("gelsd", "gelss") else jnp.zeros((0,), real)
    rank = rank if driver != "gels" else jnp.zeros((0,), jnp.int64)
    return (X[..., 0] if vector else X), residuals.astype(real), rank, sv.astype(real)


def lstsq(A, B, rcond=None, *, driver=None, out=None):
    _no_out("linalg.lstsq", out)
    if not (_is_float_or_complex(A.dtype) and _is_float_or_complex(B.dtype)):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if driver is None:
        driver = "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if A.dim() < 2:
        raise RuntimeError(f"torch.linalg.lstsq: input must have at least 2 dimensions.")
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {A.dtype} and other's dtype {B.dtype}")
    sol, res, rank, sv = _lstsq(A, B, rcond=None if rcond is None else float(rcond), driver=driver)
    if driver not in ("gels", "gelsy") and A.shape[-2] > A.shape[-1] and not bool((rank == A.shape[-1]).all()):
        res = res[..., :0].reshape(0)  # torch: no residuals unless every matrix has full rank
    return return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(sol, res, rank, sv)


# -- LDL (Bunch-Kaufman, on the host through LAPACK) --------------------------------------------

def _sytrf_host(a, hermitian):
    from scipy.linalg import lapack
    a = np.asarray(a)
    prefix = {np.dtype(np.float32): "s", np.dtype(np.float64): "d", np.dtype(np.complex64): "c",
              np.dtype(np.complex128): "z"}[a.dtype]
    fn = getattr(lapack, prefix + ("hetrf" if hermitian and prefix in "cz" else "sytrf"))
    flat = a.reshape((-1,) + a.shape[-2:])
    LD, piv, info = np.empty_like(flat), np.empty(flat.shape[:-1], np.int32), np.empty(flat.shape[0], np.int32)
    for i, m in enumerate(flat):
        ld, p, inf = fn(m, lower=1)
        LD[i], piv[i], info[i] = np.tril(ld), p, inf
    return LD.reshape(a.shape), piv.reshape(a.shape[:-1]), info.reshape(a.shape[:-2])


@op(tensors=("A",), method=False, function=False, differentiable=False)
def _ldl_factor(A, *, hermitian):
    name = "torch.linalg.ldl_factor_ex"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _square(name, A)
    _float(name, A)
    shapes = (jax.ShapeDtypeStruct(A.shape, A.dtype), jax.ShapeDtypeStruct(A.shape[:-1], _I32),
              jax.ShapeDtypeStruct(A.shape[:-2], _I32))
    return jax.pure_callback(lambda a: _sytrf_host(a, hermitian), shapes, A, vmap_method="expand_dims")


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    _no_out("linalg.ldl_factor_ex", out)
    LD, pivots, info = _ldl_factor(A, hermitian=bool(hermitian))
    if check_errors:
        _raise_info(info, lambda i, b: f"torch.linalg.ldl_factor_ex:{b} The factorization could not be completed "
                                       f"because the input is not invertible (D[{i},{i}] is zero).")
    return return_type("linalg_ldl_factor_ex", ("LD", "pivots", "info"))(LD, pivots, info)


def ldl_factor(A, *, hermitian=False, out=None):
    _no_out("linalg.ldl_factor", out)
    LD, pivots, _ = ldl_factor_ex(A, hermitian=hermitian)
    return return_type("linalg_ldl_factor", ("LD", "pivots"))(LD, pivots)


def _sytrs_host(ld, piv, b, hermitian):
    from scipy.linalg import lapack
    ld, piv, b = np.asarray(ld), np.asarray(piv), np.asarray(b)
    prefix = {np.dtype(np.float32): "s", np.dtype(np.float64): "d", np.dtype(np.complex64): "c",
              np.dtype(np.complex128): "z"}[ld.dtype]
    fn = getattr(lapack, prefix + ("hetrs" if hermitian and prefix in "cz" else "sytrs"))
    batch = np.broadcast_shapes(ld.shape[:-2], piv.shape[:-1], b.shape[:-2])
    ld = np.broadcast_to(ld, batch + ld.shape[-2:]).reshape((-1,) + ld.shape[-2:])
    piv = np.broadcast_to(piv, batch + piv.shape[-1:]).reshape((-1,) + piv.shape[-1:])
    bb = np.broadcast_to(b, batch + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    out = np.empty_like(bb)
    for i in range(bb.shape[0]):
        out[i] = fn(ld[i], piv[i], bb[i], lower=1)[0]
    return out.reshape(batch + b.shape[-2:])


@op(tensors=("LD", "pivots", "B"), method=False, function=False, differentiable=False)
def _ldl_solve(LD, pivots, B, *, hermitian):
    if LD.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: The input tensor LD must have at least 2 dimensions.")
    _square("torch.linalg.ldl_solve", LD)
    if B.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: The input tensor B must have at least 2 dimensions.")
    if LD.shape[-1] != B.shape[-2]:
        raise RuntimeError(f"torch.linalg.ldl_solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({_mat(LD.shape[-2:])} and {_mat(B.shape[-2:])})")
    batch = jnp.broadcast_shapes(LD.shape[:-2], pivots.shape[:-1], B.shape[:-2])
    shape = jax.ShapeDtypeStruct(batch + B.shape[-2:], B.dtype)
    return jax.pure_callback(lambda l, p, b: _sytrs_host(l, p, b, hermitian), shape, LD, pivots, B,
                             vmap_method="expand_dims")


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    _no_out("linalg.ldl_solve", out)
    if LD.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, but found LD of type "
                           f"{_tname(LD)} and B of type {_tname(B)} instead")
    if pivots.dtype != _dtype.int32:
        raise RuntimeError("torch.linalg.ldl_solve: Expected pivots to be integers. Got Long")
    return _ldl_solve(LD, pivots, B, hermitian=bool(hermitian))


# -- built on the above ----------------------------------------------------------------------------

def cond(A, p=None, *, out=None):
    _no_out("linalg.cond", out)
    norms = (None, "fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)
    if p not in norms:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if A.dim() < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if p in (None, 2, -2):
        s = svdvals(A)
        hi, lo = s.amax(-1), s.amin(-1)
        return hi / lo if p != -2 else lo / hi
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if p == "nuc":  # from the singular values: sum(s) * sum(1 / s)
        s = svdvals(A)
        return s.sum(-1) * s.reciprocal().sum(-1)
    inverse, info = _inv_ex(A)
    # a singular matrix (a zero pivot) has an infinite condition number
    c = matrix_norm(A, p) * matrix_norm(inverse, p)
    return c.masked_fill(info > 0, math.inf)


def tensorinv(A, ind=2, *, out=None):
    _no_out("linalg.tensorinv", out)
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = list(A.shape)
    if ind > len(shape):
        raise RuntimeError(f"ArrayRef: invalid slice, N = {ind}; size = {len(shape)}")
    rows, cols = math.prod(shape[:ind]), math.prod(shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(A.reshape(rows, cols)).reshape(shape[ind:] + shape[:ind])


def tensorsolve(A, B, dims=None, *, out=None):
    _no_out("linalg.tensorsolve", out)
    nd = A.dim()
    if dims is not None:
        dims = [d % nd for d in dims]
        A = A.permute([d for d in range(nd) if d not in dims] + dims)
    result_shape = list(A.shape[B.dim():])
    rows, cols = B.numel(), math.prod(result_shape)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {rows}")
    return solve(A.reshape(rows, cols), B.reshape(rows)).reshape(result_shape)


@op(tensors=("x",), method=False, function=False, grad_name="CumprodBackward0")
def _vander(x, *, N):
    powers = jnp.concatenate([jnp.ones(x.shape + (1,), x.dtype),
                              jnp.cumprod(jnp.broadcast_to(x[..., None], x.shape + (N - 1,)), axis=-1)], axis=-1)
    return powers


def vander(x, *, N=None):
    if x.dtype == _dtype.bool:
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, but got Bool")
    n = x.shape[-1] if x.dim() else 1
    N = n if N is None else int(N)
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    x = x if x.dtype.is_floating_point or x.dtype.is_complex else x.long()
    return _vander(x, N=N)


def vecdot(x, y, *, dim=-1, out=None):
    _no_out("linalg.vecdot", out)
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_tname(x)} and y of type {_tname(y)} instead")
    if x.dim() == y.dim() == 1 and x.shape[0] != y.shape[0]:
        xd, yd = x.shape[0], y.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{xd}] and src [{yd}] to have the same number "
                           f"of elements, but got {xd} and {yd} elements respectively")
    return (x.conj() * y).sum(dim) if x.dtype.is_complex else (x * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset=offset, dim1=dim1, dim2=dim2)


_ = _float
