"""Autograd semantics: accumulation, second order, hooks, no_grad, retain_graph, errors."""
import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def both(fn):
    """Run fn(m) with m = torch and m = jtorch; return both results as numpy."""
    return [np.asarray(r.detach().numpy() if hasattr(r, "detach") else r) for r in (fn(torch), fn(jtorch))]


def test_seed_autograd_prints_like_torch():
    x = jtorch.tensor(1.0, requires_grad=True)
    z = 2 * x ** 2 + 3
    z.backward()
    assert repr(x.grad) == "tensor(4.)"
    assert repr(z) == "tensor(5., grad_fn=<AddBackward0>)"
    assert repr(x) == "tensor(1., requires_grad=True)"


def test_grad_accumulates_over_backward_calls():
    def fn(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        (3 * x).sum().backward()
        return x.grad
    a, b = both(fn)
    np.testing.assert_allclose(b, a)


def test_second_order_with_create_graph():
    def fn(m):
        x = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = (x ** 3).sum()
        (g,) = m.autograd.grad(y, x, create_graph=True)
        (h,) = m.autograd.grad(g.sum(), x)
        return h
    a, b = both(fn)
    np.testing.assert_allclose(b, a, rtol=1e-6)


def test_backward_with_gradient_for_non_scalar():
    def fn(m):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x.exp() * 2
        y.backward(m.tensor([[1.0, 0.5], [0.0, -1.0]]))
        return x.grad
    a, b = both(fn)
    np.testing.assert_allclose(b, a, rtol=1e-6)


def test_implicit_grad_needs_scalar():
    x = jtorch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_retain_graph():
    x = jtorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_backward_after_print_still_works():
    x = jtorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).sum()
    assert y.item() == 9.0
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_no_grad_and_set_grad_enabled():
    x = jtorch.ones(2, requires_grad=True)
    with jtorch.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    with jtorch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad

    @jtorch.no_grad()
    def f(t):
        return t * 2
    assert not f(x).requires_grad
    with jtorch.inference_mode():
        assert not (x + 1).requires_grad
    with jtorch.no_grad(), jtorch.enable_grad():
        assert (x + 1).requires_grad


def test_detach_and_requires_grad_flags():
    x = jtorch.ones(2, requires_grad=True)
    y = x * 2
    assert x.is_leaf and not y.is_leaf
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        jtorch.ones(2, dtype=jtorch.int64).requires_grad_()


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        jtorch.ones(2).sum().backward()


def test_inplace_on_leaf_requiring_grad_raises():
    x = jtorch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        x.add_(1)
    with jtorch.no_grad():
        x.add_(1)  # allowed, and x stays a leaf
    assert x.is_leaf and x.requires_grad
    np.testing.assert_allclose(x.detach().numpy(), [2.0, 2.0])


def test_hooks_and_retain_grad():
    def fn(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x.register_hook(lambda g: g * 10)
        y = x * x
        y.retain_grad()
        seen = []
        y.register_hook(lambda g: seen.append(g.detach().clone()) and None)
        y.sum().backward()
        return x.grad, y.grad, seen[0]
    t_res, j_res = fn(torch), fn(jtorch)
    for t, j in zip(t_res, j_res):
        np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy())


def test_hook_handle_remove():
    x = jtorch.tensor([1.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 100)
    h.remove()
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0


def test_autograd_grad_of_intermediate_and_unused():
    x = jtorch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    (gh,) = jtorch.autograd.grad(y, h, retain_graph=True)
    np.testing.assert_allclose(gh.numpy(), [6.0, 12.0])
    z = jtorch.ones(1, requires_grad=True)
    with pytest.raises(RuntimeError, match="Tensor at index 1 appears to not have been used"):
        jtorch.autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = jtorch.autograd.grad(y, [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_allclose(gx.numpy(), [18.0, 36.0])


def test_custom_function():
    class Exp(jtorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y * 2  # deliberately not the true gradient: proves backward is used

    x = jtorch.tensor([0.0, 1.0], requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), np.exp([0.0, 1.0]), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([0.0, 1.0]), rtol=1e-6)


def test_grad_fn_names_match_torch():
    def names(m):
        x = m.ones(2, 3, requires_grad=True)
        w = m.ones(3, 4, requires_grad=True)
        return [type(t.grad_fn).__name__ if m is torch else t.grad_fn.name()
                for t in (x + 1, x * 2, x.sum(), x.mean(), x @ w, x.view(6), x.exp(), x - 1, x / 2)]
    assert names(jtorch) == names(torch)


def test_hooks_on_intermediates_can_replace_gradients():
    def fn(m):
        x = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        a = x * 2
        b = a.exp()
        c = a * b
        a.register_hook(lambda g: g.clamp(-1, 1))
        b.register_hook(lambda g: g * 0.5)
        c.retain_grad()
        a.retain_grad()
        (c.sum() + a.sum()).backward()
        return x.grad, a.grad, c.grad
    for t, j in zip(fn(torch), fn(jtorch)):
        np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=1e-6)


def test_complex_gradients_follow_torchs_convention():
    def fn(m):
        z = m.tensor([1.0 + 2.0j, -0.5 + 0.25j], requires_grad=True)
        (z * z.conj()).real.sum().backward() if m is torch else (z.abs() ** 2).sum().backward()
        return z.grad
    t, j = fn(torch), fn(jtorch)
    np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=1e-6)


def test_hook_on_a_dropped_intermediate_still_fires():
    seen = []
    x = jtorch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.register_hook(lambda g: seen.append(g.tolist()))
    y = (h * h).sum()
    del h  # torch keeps the hook with the graph, not with the Python tensor
    y.backward()
    assert seen == [[6.0, 12.0]]
    np.testing.assert_allclose(x.grad.numpy(), [18.0, 36.0])
