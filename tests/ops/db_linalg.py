"""Linear algebra: products, einsum, decompositions and norms (torch.* and torch.linalg.*)."""
import numpy as np

import jtorch.linalg  # noqa: F401  (makes jtorch.linalg reachable as m.linalg)

from tests.ops.opinfo import OpInfo, S, arr

I = dict(dtype="int64", low=-3, high=3)


def _spd(n, batch=()):
    a = arr(*batch, n, n)
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(np.float32)


def _wellcond(n, batch=()):
    return (arr(*batch, n, n) + 3 * np.eye(n)).astype(np.float32)


def _svd_recon(m, a):
    u, s, vh = m.linalg.svd(a, full_matrices=False)
    return (u * s.unsqueeze(-2)) @ vh, s


def _qr_recon(m, a):
    q, r = m.linalg.qr(a)
    return q @ r, r.abs()


def _eigh_proj(m, a):
    w, v = m.linalg.eigh(a)
    return w, (v * w.unsqueeze(-2)) @ v.mT


def _symm(m, a):
    return a + a.mT


OPS = [
    OpInfo("matmul_ranks", lambda m, x, y: m.matmul(x, y),
           [S(arr(2, 3), arr(3, 4)), S(arr(3), arr(3, 4)), S(arr(2, 3), arr(3)), S(arr(5, 2, 3), arr(3, 2)),
            S(arr(2, 3), arr(4, 3, 2)), S(arr(3), arr(2, 3, 4)), S(arr(4, 1, 2, 3), arr(5, 3, 2)),
            S(arr(2, 3, **I), arr(3, **I)), S(arr(0, 3), arr(3, 2))]),
    OpInfo("mm", lambda m, x, y: m.mm(x, y), [S(arr(2, 3), arr(3, 4)), S(arr(2, 2, **I), arr(2, 2, **I))]),
    OpInfo("bmm", lambda m, x, y: x.bmm(y), [S(arr(2, 3, 4), arr(2, 4, 1))]),
    OpInfo("mv", lambda m, x, y: m.mv(x, y), [S(arr(2, 3), arr(3))]),
    OpInfo("dot", lambda m, x, y: m.dot(x, y), [S(arr(3), arr(3)), S(arr(3, **I), arr(3, **I))]),
    OpInfo("vdot", lambda m, x, y: m.vdot(x, y), [S(arr(4), arr(4))]),
    OpInfo("outer", lambda m, x, y: m.outer(x, y), [S(arr(3), arr(2)), S(arr(2), arr(2, **I))]),
    OpInfo("einsum", lambda m, eq, *xs: m.einsum(eq, *xs),
           [S("ij,jk->ik", arr(2, 3), arr(3, 4)), S("bij,bj->bi", arr(2, 3, 4), arr(2, 4)),
            S("...ii->...i", arr(2, 3, 3))]),
    OpInfo("einsum_list", lambda m, x, y: m.einsum("i j, j", [x, y]), [S(arr(2, 3), arr(3))]),
    OpInfo("addmm", lambda m, b, x, y, **k: m.addmm(b, x, y, **k),
           [S(arr(4), arr(2, 3), arr(3, 4)), S(arr(2, 4), arr(2, 3), arr(3, 4), beta=0.5, alpha=2.0),
            S(arr(2, 4), arr(2, 3), arr(3, 4), beta=0)]),
    OpInfo("addmv", lambda m, b, x, y, **k: m.addmv(b, x, y, **k),
           [S(arr(2), arr(2, 3), arr(3)), S(arr(1), arr(2, 3), arr(3), beta=2, alpha=-1)]),
    OpInfo("addbmm", lambda m, b, x, y, **k: b.addbmm(x, y, **k),
           [S(arr(3, 4), arr(2, 3, 2), arr(2, 2, 4), alpha=0.5)]),
    OpInfo("baddbmm", lambda m, b, x, y, **k: m.baddbmm(b, x, y, **k),
           [S(arr(2, 3, 4), arr(2, 3, 2), arr(2, 2, 4)), S(arr(4), arr(2, 3, 2), arr(2, 2, 4), beta=0.5)]),
    OpInfo("addmm_", lambda m, b, x, y: (b * 1).addmm_(x, y), [S(arr(2, 4), arr(2, 3), arr(3, 4))]),
    OpInfo("tensordot", lambda m, x, y, d: m.tensordot(x, y, dims=d),
           [S(arr(2, 3, 4), arr(3, 4, 5), 2), S(arr(2, 3), arr(3, 2), ([1, 0], [0, 1])), S(arr(2), arr(3), 0)]),
    OpInfo("kron", lambda m, x, y: m.kron(x, y), [S(arr(2, 3), arr(2, 2)), S(arr(2, 3), arr(2, **I))]),
    OpInfo("cross", lambda m, x, y, *d: m.cross(x, y, *d), [S(arr(2, 3), arr(2, 3), 1), S(arr(3, 2), arr(3, 2), 0)]),
    OpInfo("linalg_cross", lambda m, x, y: m.linalg.cross(x, y), [S(arr(2, 3), arr(1, 3))]),
    OpInfo("trace", lambda m, x: m.trace(x), [S(arr(3, 4)), S(arr(3, 3, dtype="int32", low=-3, high=3))]),
    OpInfo("det", lambda m, a: m.det(a), [S(_wellcond(3)), S(_wellcond(2, (2,)))], atol=1e-4, grad_atol=1e-3),
    OpInfo("inverse", lambda m, a: a.inverse(), [S(_wellcond(3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("linalg_inv", lambda m, a: m.linalg.inv(a), [S(_wellcond(3, (2,)))], atol=1e-4, grad_atol=1e-3),
    OpInfo("slogdet", lambda m, a: m.linalg.slogdet(a), [S(-_wellcond(3, (2,)))], atol=1e-4,
           grad_atol=1e-3),
    OpInfo("logdet", lambda m, a: m.logdet(a), [S(_spd(3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("matrix_exp", lambda m, a: (m.linalg.matrix_exp(a), a.matrix_exp()),
           [S(arr(2, 3, 3) * 0.5)], atol=1e-5, grad_atol=1e-4),
    OpInfo("solve_triangular", lambda m, a, b: (m.linalg.solve_triangular(a.tril(), b, upper=False),
                                                 m.linalg.solve_triangular(a.triu(), b.mT, upper=True, left=False),
                                                 m.linalg.solve_triangular(a, b, upper=True, unitriangular=True)),
           [S(_wellcond(3), arr(3, 3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("householder_product", lambda m, a, t: (m.linalg.householder_product(a, t), m.orgqr(a[:3], t[:2])),
           [S(arr(4, 3), arr(3))], atol=1e-5, grad_atol=1e-4),
    OpInfo("solve", lambda m, a, b, **k: m.linalg.solve(a, b, **k),
           [S(_wellcond(3), arr(3)), S(_wellcond(3, (2,)), arr(2, 3)),
            S(_wellcond(3), arr(2, 3), left=False)], atol=1e-4, grad_atol=1e-3),
    OpInfo("cholesky", lambda m, a, **k: m.linalg.cholesky(a, **k), [S(_spd(3)), S(_spd(3, (2,)), upper=True)],
           atol=1e-4, grad_atol=1e-3),
    OpInfo("qr", _qr_recon, [S(arr(2, 4, 3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("svd", _svd_recon, [S(arr(2, 3, 4))], atol=1e-4, grad_atol=1e-3),
    OpInfo("svdvals", lambda m, a: m.linalg.svdvals(a), [S(arr(3, 4))], atol=1e-4, grad_atol=1e-3),
    OpInfo("eigh", lambda m, a: _eigh_proj(m, _symm(m, a)), [S(arr(2, 3, 3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("eigvalsh", lambda m, a: m.linalg.eigvalsh(_symm(m, a)), [S(arr(3, 3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("pinv", lambda m, a: m.linalg.pinv(a), [S(arr(2, 2, 3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("matrix_rank", lambda m, a: m.linalg.matrix_rank(a),
           [S(arr(3, 4)), S(np.outer(arr(3), arr(3)).astype(np.float32))], grad=False),
    OpInfo("multi_dot", lambda m, xs: m.linalg.multi_dot(xs), [S([arr(3), arr(3, 2), arr(2, 4)])], atol=1e-5),
    OpInfo("matrix_power", lambda m, a, n: m.matrix_power(a, n), [S(arr(2, 3, 3), 3)], atol=1e-4),
    OpInfo("vector_norm", lambda m, x, *a, **k: m.linalg.vector_norm(x, *a, **k),
           [S(arr(3, 4), 1, -1, keepdim=True), S(arr(3, 4), float("inf"), (0, 1)), S(arr(2, 3), 3.0, 0),
            S(np.zeros(3, np.float32))], atol=1e-4),
    OpInfo("matrix_norm", lambda m, x, *a, **k: m.linalg.matrix_norm(x, *a, **k),
           [S(arr(2, 3, 3), "nuc"), S(arr(3, 4), float("-inf"), keepdim=True), S(arr(3, 4), 2),
            S(arr(2, 3, 4), "fro", (0, 2))], atol=1e-4, grad_atol=1e-3),
    OpInfo("linalg_norm", lambda m, x, *a, **k: m.linalg.norm(x, *a, **k),
           [S(arr(3, 4)), S(arr(3, 4), 2), S(arr(3), 1), S(arr(2, 3, 4), None, (1, 2))], atol=1e-4, grad_atol=1e-3),
    OpInfo("norm", lambda m, x, *a, **k: x.norm(*a, **k),
           [S(arr(3, 4)), S(arr(3, 4), 1, 1), S(arr(3, 4), "nuc")], atol=1e-4, grad_atol=1e-3),
]


def _eig_invariant(m, a):
    w, v = m.linalg.eig(a)
    return m.view_as_real(w), v.abs()  # |v| does not depend on the eigenvectors' phase (the gradient is defined)


def _lu_solve(m, a, b):
    LU, piv = m.linalg.lu_factor(a)
    return (m.linalg.lu_solve(LU, piv, b), m.linalg.lu_solve(LU, piv, b, adjoint=True),
            m.linalg.lu_solve(LU, piv, b.mT, left=False))


def _ldl(m, a, b):
    LD, piv = m.linalg.ldl_factor(a.detach())
    return LD, piv, m.linalg.ldl_solve(LD, piv, b.detach())


OPS += [
    OpInfo("lu_factor", lambda m, a: m.linalg.lu_factor(a), [S(arr(3, 3)), S(arr(2, 3, 3))], atol=1e-4,
           grad_atol=1e-3),
    OpInfo("lu_factor_ex", lambda m, a: m.linalg.lu_factor_ex(a), [S(arr(3, 3)), S(np.zeros((2, 2), np.float32),
                                                                                  grad=False)], atol=1e-4,
           grad_atol=1e-3),
    OpInfo("lu", lambda m, a: m.linalg.lu(a), [S(arr(3, 3)), S(arr(4, 3)), S(arr(2, 4))], atol=1e-4, grad_atol=1e-3),
    OpInfo("lu_solve", _lu_solve, [S(_wellcond(3), arr(3, 2))], atol=1e-4, grad_atol=1e-3),
    OpInfo("inv_ex", lambda m, a: m.linalg.inv_ex(a), [S(_wellcond(3, (2,))), S(np.zeros((2, 2), np.float32),
                                                                               grad=False)], atol=1e-4, grad_atol=1e-3),
    OpInfo("cholesky_ex", lambda m, a, **k: m.linalg.cholesky_ex(a, **k),
           [S(_spd(3)), S(_spd(3, (2,)), upper=True)], atol=1e-4, grad_atol=1e-3),
    OpInfo("cholesky_ex_info", lambda m, a: m.linalg.cholesky_ex(a).info,
           [S(np.diag([1.0, -1.0, 2.0]).astype(np.float32)), S(np.array([[[1, 2], [2, 1]], [[1, 0], [0, 1]]],
                                                                       np.float32))], grad=False),
    OpInfo("solve_ex", lambda m, a, b: m.linalg.solve_ex(a, b), [S(_wellcond(3), arr(3, 2))], atol=1e-4,
           grad_atol=1e-3),
    OpInfo("lstsq", lambda m, a, b, **k: m.linalg.lstsq(a, b, **k),
           [S(arr(5, 3), arr(5, 2)), S(arr(5, 3), arr(5, 2), driver="gelsd"), S(arr(5, 3), arr(5, 2), driver="gels"),
            S(arr(3, 3), arr(3), driver="gelss")], atol=1e-4, grad_atol=1e-3),
    OpInfo("eig", _eig_invariant, [S(arr(3, 3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("eigvals", lambda m, a: m.view_as_real(m.linalg.eigvals(a)), [S(arr(2, 3, 3))], atol=1e-4,
           grad_atol=1e-3),
    OpInfo("ldl_factor", _ldl, [S(arr(3, 3), arr(3, 2)), S(_spd(3, (2,)), arr(3, 1))], atol=1e-4, rtol=1e-5,
           grad=False),
    OpInfo("cond", lambda m, a, *p: m.linalg.cond(a, *p),
           # torch's own backward fails for the orders it computes through inv_ex (an in-place fill)
           [S(_wellcond(3)), S(_wellcond(3), "fro", grad=False), S(_wellcond(3), "nuc"), S(_wellcond(3), 1, grad=False),
            S(_wellcond(3), -2), S(np.zeros((2, 2), np.float32), 1, grad=False)], atol=1e-3, rtol=1e-4,
           grad_atol=1e-3),
    OpInfo("tensorinv", lambda m, a: m.linalg.tensorinv(a, ind=1), [S(_wellcond(4).reshape(4, 2, 2))], atol=1e-4,
           grad_atol=1e-3),
    OpInfo("tensorsolve", lambda m, a, b: m.linalg.tensorsolve(a, b),
           [S(_wellcond(6).reshape(2, 3, 6), arr(2, 3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("vander", lambda m, x, **k: m.linalg.vander(x, **k),
           [S(arr(3)), S(arr(2, 3), N=4), S(arr(3, **I))], atol=1e-5),
    OpInfo("vecdot", lambda m, x, y, **k: m.linalg.vecdot(x, y, **k), [S(arr(2, 3), arr(3)), S(arr(3, 2), arr(3, 2),
                                                                                        dim=0)]),
    OpInfo("linalg_diagonal", lambda m, a, **k: m.linalg.diagonal(a, **k), [S(arr(2, 3, 4), offset=1, dim1=0)]),
]
OPS.append(OpInfo("ger", lambda m, x, y, a, b: (m.ger(x, y), x.ger(y), m.chain_matmul(a, b, a), m.pinverse(a),
                                                 a.pinverse(rcond=1e-3)),
                  [S(arr(3), arr(4), arr(3, 2), arr(2, 3))], atol=1e-4, grad_atol=1e-3))
