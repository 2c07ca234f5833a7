"""jtorch.special's surface against torch.special (values and gradients: tests/ops/db_special.py)."""
import numpy as np
import pytest

import jtorch
import jtorch.special as js
from jtorch._ops.registry import MissingOp

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

# module attributes of torch.special that are not functions of it
NOT_API = {"Tensor", "torch", "common_args", "multi_dim_common"}
NEW = ("airy_ai", "modified_bessel_k0", "scaled_modified_bessel_k1", "bessel_j0", "bessel_j1", "bessel_y0",
       "bessel_y1", "entr", "erfcx", "i0e", "i1", "i1e", "log_ndtr", "modified_bessel_i0", "modified_bessel_i1",
       "ndtr", "ndtri", "spherical_bessel_j0", "xlog1py", "zeta", "chebyshev_polynomial_t",
       "shifted_chebyshev_polynomial_w", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p")


def test_names_cover_torch_special():
    torch_names = {n for n in dir(torch.special) if not n.startswith("_")} - NOT_API
    assert set(js.__all__) | set(js.MISSING) == torch_names
    assert not set(js.__all__) & set(js.MISSING)
    assert all(callable(getattr(js, n)) for n in js.__all__)


def test_missing_functions_raise(monkeypatch):
    monkeypatch.setattr(js, "MISSING", ("some_future_function",))
    with pytest.raises(NotImplementedError, match=r"torch\.special\.some_future_function"):
        js.some_future_function  # noqa: B018
    assert not hasattr(js, "some_future_function")
    with pytest.raises(AttributeError) as e:
        js.no_such_function  # noqa: B018
    assert not isinstance(e.value, MissingOp)


def test_reexports_are_the_torch_ops():
    same = {"gammaln": "lgamma", "expit": "sigmoid", "gammainc": "igamma", "gammaincc": "igammac",
            "multigammaln": "mvlgamma", "psi": "digamma", "digamma": "digamma", "erf": "erf", "erfinv": "erfinv",
            "logit": "logit", "xlogy": "xlogy", "i0": "i0", "sinc": "sinc", "logsumexp": "logsumexp",
            "round": "round", "exp2": "exp2", "expm1": "expm1", "log1p": "log1p", "erfc": "erfc"}
    for name, op in same.items():
        assert getattr(js, name).__wrapped__ is getattr(jtorch, op), name
    assert js.softmax is jtorch.softmax and js.log_softmax is jtorch.log_softmax and js.polygamma is jtorch.polygamma
    # like torch, the special-only functions are neither torch.<name> nor Tensor.<name>
    for name in NEW:
        assert hasattr(jtorch, name) == hasattr(torch, name) and \
            hasattr(jtorch.Tensor, name) == hasattr(torch.Tensor, name), name


def test_out_and_autograd_metadata():
    x = np.array([0.25, 0.5, 0.75], "float32")
    out = jtorch.empty(3)
    assert js.i0e(jtorch.tensor(x), out=out) is out
    res = js.xlog1py(jtorch.tensor(x), jtorch.tensor(x), out=jtorch.empty(3, dtype=jtorch.float64))
    assert res.dtype == jtorch.float64
    np.testing.assert_allclose(np.stack([out.numpy(), res.numpy()]),
                               np.stack([torch.special.i0e(torch.tensor(x)).numpy(),
                                         torch.special.xlog1py(torch.tensor(x), torch.tensor(x)).numpy()]),
                               rtol=1e-6)
    jx, tx = jtorch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for name in NEW:
        args = (2.5, x) if name == "zeta" else (x, x) if name == "xlog1py" else (x, 3) if "poly" in name else (x,)
        j = getattr(js, name)(*(jx if a is x else a for a in args))
        t = getattr(torch.special, name)(*(tx if a is x else a for a in args))
        assert j.requires_grad == t.requires_grad, name  # Bessel functions, polynomials: no derivative
        if name != "zeta":  # torch numbers zeta's grad_fn by overload (a Python-number x: Backward1)
            assert j.requires_grad is False or j.grad_fn.name() == t.grad_fn.name(), name


def test_zeta_gradient_in_both_arguments():
    # torch raises for d/dx zeta(x, q); jtorch gives the true derivative (checked by central differences)
    x = jtorch.tensor([3.0, 2.5], dtype=jtorch.float64, requires_grad=True)
    q = jtorch.tensor([2.0, 1.5], dtype=jtorch.float64, requires_grad=True)
    js.zeta(x, q).sum().backward()
    tx, tq, h = torch.tensor([3.0, 2.5], dtype=torch.float64), torch.tensor([2.0, 1.5], dtype=torch.float64), 1e-6
    fd = (torch.special.zeta(tx + h, tq) - torch.special.zeta(tx - h, tq)) / (2 * h)
    np.testing.assert_allclose(x.grad.numpy(), fd.numpy(), rtol=1e-6)
    np.testing.assert_allclose(q.grad.numpy(), (-tx * torch.special.zeta(tx + 1, tq)).numpy(), rtol=1e-10)
    with pytest.raises(RuntimeError, match="derivative for 'zeta' is not implemented"):
        torch.special.zeta(tx.requires_grad_(), tq).sum().backward()
