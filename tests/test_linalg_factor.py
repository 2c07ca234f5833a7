"""torch.linalg's factorisations (LU, LDL, eig, lstsq, the _ex variants): return types, errors and
check_errors against real torch. Values and gradients are in tests/ops/db_linalg.py."""
import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="linalg parity tests need PyTorch installed")


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return type(e).__name__, str(e)
    return None


def _both(fn, *arrays):
    t = fn(torch, *[torch.from_numpy(a) for a in arrays])
    j = fn(jtorch, *[jtorch.from_numpy(a) for a in arrays])
    return t, j


M23 = np.arange(6, dtype=np.float32).reshape(2, 3)
L33 = np.ones((3, 3), np.int64)
V3 = np.ones(3, np.float32)
Z33 = np.zeros((3, 3), np.float32)


@pytest.mark.parametrize("name", ["lu_factor", "lu_factor_ex", "lu", "eig", "eigvals", "inv_ex", "cholesky_ex",
                                  "ldl_factor", "cond"])
@pytest.mark.parametrize("a", [M23, L33, V3], ids=["rect", "long", "vector"])
def test_errors_match_torch(name, a):
    t = _error(lambda: getattr(torch.linalg, name)(torch.from_numpy(a)))
    j = _error(lambda: getattr(jtorch.linalg, name)(jtorch.from_numpy(a)))
    assert j == t


@pytest.mark.parametrize("call", [
    lambda m, a: m.linalg.lu_factor(a),
    lambda m, a: m.linalg.lu_factor_ex(a, check_errors=True),
    lambda m, a: m.linalg.inv_ex(a, check_errors=True),
    lambda m, a: m.linalg.cholesky_ex(a, check_errors=True),
    lambda m, a: m.linalg.solve_ex(a, a[0], check_errors=True),
    lambda m, a: m.linalg.lu_factor(a, pivot=False),
    lambda m, a: m.linalg.lstsq(a, a, driver="qr"),
    lambda m, a: m.linalg.lstsq(a, a[:2]),
    lambda m, a: m.linalg.cond(a, "foo"),
    lambda m, a: m.linalg.vander(a > 0),
    lambda m, a: m.linalg.vander(a[0], N=1),
    lambda m, a: m.linalg.vecdot(a, a[:2, 0]),
    lambda m, a: m.linalg.tensorinv(a[0]),
])
def test_value_errors_match_torch(call):
    t = _error(lambda: call(torch, torch.from_numpy(Z33)))
    j = _error(lambda: call(jtorch, jtorch.from_numpy(Z33)))
    assert t is not None and j is not None
    assert j[1] == t[1] and j[0].lstrip("_") == t[0].lstrip("_")


def test_linalg_error_is_linalg_error():
    with pytest.raises(jtorch.linalg.LinAlgError):
        jtorch.linalg.inv_ex(jtorch.zeros(2, 2), check_errors=True)


@pytest.mark.parametrize("name,fields", [
    ("lu_factor", ("LU", "pivots")), ("lu_factor_ex", ("LU", "pivots", "info")), ("lu", ("P", "L", "U")),
    ("eig", ("eigenvalues", "eigenvectors")), ("inv_ex", ("inverse", "info")), ("cholesky_ex", ("L", "info")),
    ("ldl_factor", ("LD", "pivots")), ("ldl_factor_ex", ("LD", "pivots", "info")),
])
def test_return_types(name, fields):
    a = np.eye(3, dtype=np.float32) * 2
    t, j = _both(lambda m, x: getattr(m.linalg, name)(x), a)
    assert type(j).__name__ == type(t).__name__ == f"linalg_{name}"
    assert type(j).__module__ == "torch.return_types"
    for f in fields:
        assert str(getattr(j, f).dtype) == str(getattr(t, f).dtype), f


def test_singular_info_and_pivots():
    t, j = _both(lambda m, x: m.linalg.lu_factor_ex(x), Z33)
    assert j.info.item() == t.info.item() == 1
    assert j.pivots.tolist() == t.pivots.tolist()
    t, j = _both(lambda m, x: m.linalg.cond(x, 1), Z33)
    assert j.item() == t.item() == float("inf")


def test_lstsq_residuals_rank_deficient():
    a = np.array([[1, 2], [2, 4], [3, 6]], np.float32)
    b = np.ones((3, 1), np.float32)
    t, j = _both(lambda m, x, y: m.linalg.lstsq(x, y, driver="gelsd"), a, b)
    assert tuple(j.residuals.shape) == tuple(t.residuals.shape) == (0,)
    assert j.rank.item() == t.rank.item() == 1
    np.testing.assert_allclose(j.solution.numpy(), t.solution.numpy(), atol=1e-5)


def test_common_notes_keys():
    assert set(jtorch.linalg.common_notes) == set(torch.linalg.common_notes)
