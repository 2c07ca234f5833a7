"""torch.linalg: linear algebra functions (defined once in jtorch._ops.linalg)."""
from ._ops.linalg import (  # noqa: F401
    _linalg_cross as cross, cholesky as cholesky, det as det, eigh as eigh, eigvalsh as eigvalsh, inv as inv,
    matrix_norm as matrix_norm, matrix_rank as matrix_rank, multi_dot as multi_dot, norm as norm, pinv as pinv,
    qr as qr, slogdet as slogdet, solve as solve, solve_triangular as solve_triangular, svd as svd,
    svdvals as svdvals, vector_norm as vector_norm,
)
from ._ops.linalg import matmul as matmul, matrix_exp as matrix_exp, matrix_power as matrix_power  # noqa: F401
from ._ops.linalg import orgqr as householder_product, vdot as vdot  # noqa: F401
from ._ops.linalg import LinAlgError as LinAlgError
from ._ops.linalg_factor import (  # noqa: F401
    cholesky_ex as cholesky_ex, cond as cond, diagonal as diagonal, eig as eig, eigvals as eigvals, inv_ex as inv_ex,
    ldl_factor as ldl_factor, ldl_factor_ex as ldl_factor_ex, ldl_solve as ldl_solve, lstsq as lstsq, lu as lu,
    lu_factor as lu_factor, lu_factor_ex as lu_factor_ex, lu_solve as lu_solve, solve_ex as solve_ex,
    tensorinv as tensorinv, tensorsolve as tensorsolve, vander as vander, vecdot as vecdot,
)
from ._ops.reduction import return_type as _return_type

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq",
           "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd",
           "svdvals", "tensorinv", "tensorsolve", "vander", "vdot", "vecdot", "vector_norm"]

# the shared paragraphs torch's linalg docstrings are assembled from (some libraries read them)
common_notes = {
    "experimental_warning": "This function is \"experimental\" and it may change in a future PyTorch release.",
    "sync_note": "When inputs are on a CUDA device, this function synchronizes that device with the CPU.",
    "sync_note_ex": "When the inputs are on a CUDA device, this function synchronizes only when "
                    ":attr:`check_errors`\\ `= True`.",
    "sync_note_has_ex": "When inputs are on a CUDA device, this function synchronizes that device with the CPU. For "
                        "a version of this function that does not synchronize, see :func:`{}`.",
}

_ = _return_type
