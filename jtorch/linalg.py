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
from ._ops.reduction import return_type as _return_type

__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "householder_product", "inv", "matmul", "matrix_exp",
           "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve",
           "solve_triangular", "svd", "svdvals", "vdot", "vector_norm"]

_ = _return_type
