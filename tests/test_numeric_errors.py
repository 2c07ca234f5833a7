"""cov's degrees-of-freedom warning and in-place renorm_/fill_diagonal_ semantics, against real torch."""
import warnings

import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("m", [torch, jtorch], ids=["torch", "jtorch"])
def test_cov_dof_warning(m):
    x = m.ones(3, 4)
    with pytest.warns(UserWarning, match=r"cov\(\): degrees of freedom is <= 0"):
        out = m.cov(x, correction=4)
    assert np.isnan(out.numpy()).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.cov(x, correction=3)


def test_inplace_returns_self():
    for m in (torch, jtorch):
        x = m.ones(4, 3)
        assert x.fill_diagonal_(0.0, wrap=True) is x
        assert x.renorm_(2, 0, 1.0) is x
    t, j = torch.ones(4, 3), jtorch.ones(4, 3)
    for a in (t, j):
        a.fill_diagonal_(5.0).renorm_(1, 1, 3.0)
    np.testing.assert_allclose(j.numpy(), t.numpy(), rtol=1e-6)


def test_no_function_forms():
    for name in ("fill_diagonal_", "renorm_"):
        assert hasattr(torch, name) == hasattr(jtorch, name)
    for name in ("cdist", "trapezoid", "trapz", "cumulative_trapezoid", "vander", "combinations"):
        assert hasattr(torch.Tensor, name) == hasattr(jtorch.Tensor, name), name


def test_matrix_exp_rejects_non_square_as_torch():
    msgs = []
    for m in (torch, jtorch):
        with pytest.raises(RuntimeError) as e:
            m.linalg.matrix_exp(m.ones(2, 3))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
