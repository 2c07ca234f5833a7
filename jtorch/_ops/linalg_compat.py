"""torch's top-level and Tensor spellings of linear algebra that torch.linalg superseded or never took:
cholesky_solve/cholesky_inverse, lu_solve/lu_unpack/lu, triangular_solve, geqrf/ormqr, addr, inner, dist,
nuclear_norm and frobenius_norm. Each is one lowering here, or a call into the torch.linalg op it now is."""
import warnings

import jax
import jax.numpy as jnp

from .linalg import _solve_triangular, matrix_norm, orgqr, vector_norm
from .reduction import return_type
from .registry import op, public
from .._dtype import scalar_name
from jax._src.lax.linalg import geqrf as lapack_geqrf

def _name(dt):
    return scalar_name(dt)


def _same_dtype_b_A(b, A):
    if b.dtype is not A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {_name(b.dtype)} and A of "
                           f"type {_name(A.dtype)} instead.")


def _at_least_2d(name, t):
    if t.dim() < 2:
        raise RuntimeError(f"{name} should have at least 2 dimensions, but has {t.dim()} dimensions instead")


def _batched(b, A):
    batch = jnp.broadcast_shapes(b.shape[:-2], A.shape[:-2])
    return jnp.broadcast_to(b, batch + b.shape[-2:]), jnp.broadcast_to(A, batch + A.shape[-2:])


# -- Cholesky ----------------------------------------------------------------------------------

@op(tensors=("input", "input2"), method=False, function=False, grad_name="CholeskySolveBackward0")
def _cholesky_solve(input, input2, *, upper):
    b, L = _batched(input, input2)
    return jax.scipy.linalg.cho_solve((L, not upper), b)


@public()
def cholesky_solve(input, input2, upper=False):
    """Solve A X = input for A = L L^H given its Cholesky factor input2 (U^H U with upper=True)."""
    _at_least_2d("b", input)
    _at_least_2d("u", input2)
    _same_dtype_b_A(input, input2)
    return _cholesky_solve(input, input2, upper=bool(upper))


@op(method=False, function=False, grad_name="CholeskyInverseBackward0")
def _cholesky_inverse(input, *, upper):
    eye = jnp.broadcast_to(jnp.eye(input.shape[-1], dtype=input.dtype), input.shape)
    return jax.scipy.linalg.cho_solve((input, not upper), eye)


@public()
def cholesky_inverse(input, upper=False):
    """The inverse of A from its Cholesky factor (A = L L^H, or U^H U with upper=True)."""
    if input.dim() < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are "
                           f"{input.shape[-2] if input.dim() > 1 else 1} by {input.shape[-1]} matrices")
    return _cholesky_inverse(input, upper=bool(upper))


# -- LU ------------------------------------------------------------------------------------------

@public(method=False)
def lu_solve(b, LU_data, LU_pivots):
    """Deprecated spelling of torch.linalg.lu_solve(LU_data, LU_pivots, b)."""
    from .linalg_factor import lu_solve as linalg_lu_solve
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be removed in a future "
                  "PyTorch release. Note that torch.linalg.lu_solve has its arguments reversed.", UserWarning,
                  stacklevel=2)
    _same_dtype_b_A(b, LU_data)
    return linalg_lu_solve(LU_data, LU_pivots, b)


@public("lu_solve", function=False)
def _tensor_lu_solve(self, LU_data, LU_pivots):
    return lu_solve(self, LU_data, LU_pivots)


@op(tensors=("LU_data", "LU_pivots"), method=False, function=False, grad_name="LuUnpackBackward0")
def _lu_unpack(LU_data, LU_pivots):
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    L = jnp.tril(LU_data[..., :, :k], -1) + jnp.eye(m, k, dtype=LU_data.dtype)
    U = jnp.triu(LU_data[..., :k, :])
    # LAPACK's pivots (1-based) swap row i with row piv[i] in turn; perm[j] is the row that ends in place j
    perm = jnp.broadcast_to(jnp.arange(m), LU_pivots.shape[:-1] + (m,))
    piv = LU_pivots.astype(jnp.int32) - 1
    for i in range(k):
        j = piv[..., i:i + 1]
        pi = perm[..., i:i + 1]
        pj = jnp.take_along_axis(perm, j, axis=-1)
        perm = perm.at[..., i].set(pj[..., 0])
        perm = jnp.where(jnp.arange(m) == j, pi, perm)
    P = (perm[..., None, :] == jnp.arange(m)[:, None]).astype(LU_data.dtype)
    return P, L, U


@public(method=False)
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) with A = P @ L @ U from torch.linalg.lu_factor's output."""
    from .creation import empty
    if LU_data.dim() < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU_data.shape)} instead")
    if LU_pivots.dtype.name != "int32":
        raise RuntimeError(f"torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype. "
                           f"Note: this function is intended to be used with the output produced by torch.linalg."
                           f"lu_factor")
    P, L, U = _lu_unpack(LU_data, LU_pivots)
    none = empty(0, dtype=LU_data.dtype)
    return return_type("lu_unpack", ("P", "L", "U"))(P if unpack_pivots else none, L if unpack_data else none,
                                                      U if unpack_data else none)


@public(method=False)
def lu(A, pivot=True, get_infos=False, out=None):
    """Deprecated torch.lu: (LU, pivots[, infos]) as torch.linalg.lu_factor_ex gives them."""
    from .linalg_factor import lu_factor_ex
    LU, pivots, infos = lu_factor_ex(A, pivot=pivot)
    result = (LU, pivots, infos) if get_infos else (LU, pivots)
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(tuple(out), result)


@public("lu", function=False)
def _tensor_lu(self, pivot=True, get_infos=False):
    return lu(self, pivot, get_infos)


# -- triangular systems and Householder products --------------------------------------------------

@public()
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """(solution, cloned_coefficient) of A X = input (A^T X = input with transpose=True)."""
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    _at_least_2d("torch.triangular_solve: b", input)
    _same_dtype_b_A(input, A)
    coeff = A.mT if transpose else A
    solution = _solve_triangular(coeff, input, upper=bool(upper) != bool(transpose), left=True,
                                 unitriangular=bool(unitriangular))
    return return_type("triangular_solve", ("solution", "cloned_coefficient"))(solution, A.clone())


@op(method=False, function=False, differentiable=False)
def _geqrf(input):
    return lapack_geqrf(input)


@public()
def geqrf(input):
    """LAPACK's geqrf: R above the diagonal, the Householder vectors below it, and their scales tau."""
    if input.dim() < 2:
        raise RuntimeError(f"torch.geqrf: input must have at least 2 dimensions.")
    a, tau = _geqrf(input)
    return return_type("geqrf", ("a", "tau"))(a, tau)


@op(tensors=("input", "input2", "input3"), method=True, function=True, grad_name="OrmqrBackward0")
def ormqr(input, input2, input3, left=True, transpose=False):
    """Q @ input3 (or Q^H, or on the right) for the Q whose Householder vectors geqrf left in input."""
    m, k = input.shape[-2], input2.shape[-1]
    # the full m x m Q: the k reflectors, with the columns beyond them taken as identity (tau = 0)
    square = jnp.zeros(input.shape[:-1] + (m,), input.dtype).at[..., :, :k].set(input[..., :, :k])
    tau = jnp.zeros(input2.shape[:-1] + (m,), input2.dtype).at[..., :k].set(input2)
    Q = orgqr.op.fn(square, tau)
    if transpose:
        Q = jnp.conj(jnp.swapaxes(Q, -1, -2))
    return Q @ input3 if left else input3 @ Q


# -- products and norms ----------------------------------------------------------------------------

@op(tensors=("input", "vec1", "vec2"), promote="same", inplace=True, grad_name="AddrBackward0")
def addr(input, vec1, vec2, *, beta=1, alpha=1):
    if vec1.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D")
    if vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    outer = jnp.outer(vec1, vec2)
    shape = jnp.broadcast_shapes(input.shape, outer.shape)
    if outer.dtype == jnp.bool_:  # torch: (beta and input) or (alpha and vec1 * vec2)
        product = outer & bool(alpha)
        return jnp.broadcast_to(product | (input & bool(beta)), shape)
    product = outer * alpha if alpha != 1 else outer
    if beta == 0:  # torch ignores input then (NaN in it does not propagate)
        return jnp.broadcast_to(product, shape)
    return product + (input * beta if beta != 1 else input)


@op(tensors=("input", "other"), promote="same", grad_name="InnerBackward0")
def inner(input, other):
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return jnp.inner(input, other)


@public()
def dist(input, other, p=2):
    """The p-norm of input - other over all elements."""
    diff = input - other
    if not (diff.dtype.is_floating_point or diff.dtype.is_complex):
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_name(diff.dtype)} instead.")
    return vector_norm(diff, p)


def _deprecated_norm(name, instead):
    warnings.warn(f"at::{name} is deprecated and it is just left for JIT compatibility. It will be removed in a "
                  f"future PyTorch release. Please use `{instead}` instead", UserWarning, stacklevel=3)


@public(method=False)
def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """Deprecated: torch.linalg.matrix_norm(input, 'nuc', dim, keepdim). torch.nuclear_norm(input, keepdim) also
    takes keepdim second."""
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    _deprecated_norm("nuclear_norm", "linalg.matrix_norm(A, 'nuc', dim, keepdim)")
    result = matrix_norm(input, "nuc", (-2, -1) if dim is None else tuple(dim), keepdim)
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public(method=False)
def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """Deprecated: torch.linalg.vector_norm(input, 2, dim, keepdim)."""
    _deprecated_norm("frobenius_norm", "linalg.vector_norm(A, 2., dim, keepdim)")
    result = vector_norm(input, 2, dim, keepdim)
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)


@public(method=False)
def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """The k largest (or smallest) eigenpairs of the symmetric A x = w B x. torch iterates (LOBPCG); here the dense
    problem is solved exactly with eigh (through B's Cholesky factor), which LOBPCG converges to. The
    iteration's knobs (X, iK, niter, tol, method, tracker, ortho_*) have nothing to tune."""
    from .linalg import cholesky, eigh
    k = (X.shape[-1] if X is not None else 1) if k is None else k
    m = A.shape[-1]
    if m < 3 * k:
        raise ValueError(f"LPBPCG algorithm is not applicable when the number of A rows (={m}) is smaller than 3 x "
                         f"the number of requested eigenpairs (={k})")
    largest = True if largest is None else largest
    if B is None:
        w, v = eigh(A)
    else:
        L = cholesky(B)
        eye = jnp_eye_like(L)
        Linv = _solve_triangular(L, eye, upper=False, left=True, unitriangular=False)
        w, v = eigh(Linv @ A @ Linv.mT)
        v = Linv.mT @ v
    if largest:
        return w[..., -k:].flip(-1), v[..., -k:].flip(-1)
    return w[..., :k], v[..., :k]


def jnp_eye_like(L):
    from .creation import eye
    return eye(L.shape[-1], dtype=L.dtype).expand(L.shape)
