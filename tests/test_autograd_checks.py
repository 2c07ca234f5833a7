"""torch.autograd's checking tools against real torch: gradcheck / gradgradcheck, anomaly detection
(the backward function named when a gradient turns NaN), and the legacy names (Variable,
variable, NestedIOFunction, set_multithreading_enabled, enforce_grad_layout_policy)."""
import warnings

import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="autograd parity tests need PyTorch installed")


def _wrong_backward(m):
    class Wrong(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3
    return Wrong


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return type(e).__name__, str(e).split("\n")[0]
    return None


X = np.array([0.3, -1.2, 0.7])


@pytest.mark.parametrize("fn", [lambda m, x: x.sin() * x, lambda m, x: (x.exp(), x.sum()), lambda m, x: x.tanh()])
def test_gradcheck_passes_where_torch_passes(fn):
    for m in (torch, jtorch):
        x = m.tensor(X, dtype=m.float64, requires_grad=True)
        assert m.autograd.gradcheck(lambda x: fn(m, x), (x,))
        assert m.autograd.gradgradcheck(lambda x: fn(m, x), (x,))


def test_gradcheck_failure_matches_torch():
    results = []
    for m in (torch, jtorch):
        x = m.tensor(X, dtype=m.float64, requires_grad=True)
        f = _wrong_backward(m).apply
        assert m.autograd.gradcheck(f, (x,), raise_exception=False) is False
        with pytest.raises(RuntimeError) as info:
            m.autograd.gradcheck(f, (x,))
        assert type(info.value).__name__ == "GradcheckError"
        assert type(info.value).__module__ == "torch.autograd.gradcheck"
        results.append(str(info.value).split("\n")[0])
    assert results[0] == results[1] == "Jacobian mismatch for output 0 with respect to input 0,"


def test_gradcheck_without_grad_inputs():
    x = np.ones(2)
    t = _error(lambda: torch.autograd.gradcheck(torch.sin, (torch.tensor(x),)))
    j = _error(lambda: jtorch.autograd.gradcheck(jtorch.sin, (jtorch.tensor(x),)))
    assert j == t and t[0] == "ValueError"


def test_gradcheck_warns_for_single_precision():
    for m in (torch, jtorch):
        with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
            m.autograd.gradcheck(lambda x: x * 2, (m.ones(2, requires_grad=True),), atol=0.1, rtol=0.1)


@pytest.mark.parametrize("make", [
    lambda m, x: (m.sqrt(x) * 0).sum(),          # SqrtBackward0: 0 * inf
    lambda m, x: (m.log(x) * x).exp().sum(),     # ExpBackward0: the forward already holds NaN
])
@pytest.mark.parametrize("use_grad", [False, True])
def test_detect_anomaly_names_the_function(make, use_grad):
    errors = []
    for m in (torch, jtorch):
        x = m.tensor([0.0, 1.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                y = make(m, x)
                errors.append(_error(lambda: m.autograd.grad(y, x) if use_grad else y.backward()))
    assert errors[0] == errors[1]
    assert errors[1][1].startswith("Function '") and "returned nan values in its 0th output." in errors[1][1]


def test_anomaly_off_gives_nan_gradients():
    x = jtorch.tensor([0.0, 1.0], requires_grad=True)
    (jtorch.sqrt(x) * 0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])


def test_set_detect_anomaly_and_warning():
    from jtorch.autograd import anomaly_mode
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        jtorch.autograd.detect_anomaly()
    assert not anomaly_mode.is_anomaly_enabled()
    with jtorch.autograd.set_detect_anomaly(True, check_nan=False):
        assert anomaly_mode.is_anomaly_enabled() and not anomaly_mode.is_anomaly_check_nan_enabled()
        x = jtorch.tensor([0.0], requires_grad=True)
        (jtorch.sqrt(x) * 0).sum().backward()  # check_nan off: no error
    assert not anomaly_mode.is_anomaly_enabled()


def test_variable():
    for m in (torch, jtorch):
        x = m.ones(2, requires_grad=True)
        v = m.autograd.Variable(x * 2)
        assert isinstance(v, m.Tensor) and isinstance(m.ones(1), m.autograd.Variable)
        assert not v.requires_grad and v.grad_fn is None
        assert m.autograd.Variable(m.ones(2), requires_grad=True).requires_grad
        assert m.autograd.Variable.__module__ == "torch.autograd.variable"
    t = _error(lambda: torch.autograd.Variable([1, 2]))
    assert _error(lambda: jtorch.autograd.Variable([1, 2])) == t
    assert _error(lambda: jtorch.autograd.variable(1)) == _error(lambda: torch.autograd.variable(1))


def test_nested_io_function():
    # torch 2.13's own NestedIOFunction fails when called ('super' object has no attribute '_do_forward'):
    # the gradients are checked against the product rule instead
    for m in (jtorch,):
        class Mul(m.autograd.NestedIOFunction):
            def forward_extended(self, a, b):
                self.save_for_backward(a, b)
                return a * b

            def backward_extended(self, g):
                a, b = self.saved_tensors
                return g * b, g * a
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = m.tensor([3.0, 5.0], requires_grad=True)
        Mul()(a, b).sum().backward()
        assert (a.grad.tolist(), b.grad.tolist()) == ([3.0, 5.0], [1.0, 2.0])
    assert issubclass(jtorch.autograd.NestedIOFunction, jtorch.autograd.Function)


def test_no_effect_switches():
    for m in (torch, jtorch):
        with m.autograd.set_multithreading_enabled(False):
            with m.autograd.enforce_grad_layout_policy(False):
                x = m.ones(2, requires_grad=True)
                (x * 2).sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]
