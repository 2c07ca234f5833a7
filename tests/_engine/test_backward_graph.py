"""backward() on graphs whose non-differentiable inputs are still pending."""
import numpy as np
import pytest

import jtorch


def test_detached_pending_value_in_the_differentiated_graph():
    # `q.detach()` of a pending q is an input of the vjp that is computed from the forward graph;
    # taking q from the vjp afterwards would make the vjp its own input (this hung forever)
    p = jtorch.tensor([0.2, 0.3, 0.5], requires_grad=True)
    q = p * 2
    loss = (q - q.detach()).sum()
    loss.backward()
    np.testing.assert_allclose(p.grad.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(q.detach().numpy(), [0.4, 0.6, 1.0], rtol=1e-6)
    assert loss.item() == 0.0


def test_straight_through_estimator_matches_torch():
    torch = pytest.importorskip("torch", reason="parity with PyTorch needs torch installed")
    x = np.array([[0.3, -1.2, 2.5], [0.9, 0.1, -0.4]], np.float32)
    grads = []
    for m in (torch, jtorch):
        w = m.tensor(x, requires_grad=True)
        soft = (w * 3).softmax(-1)
        hard = (soft == soft.max(-1, keepdim=True).values).to(soft.dtype)
        out = hard - soft.detach() + soft  # forward: the one-hot; backward: the softmax's gradient
        (out * m.tensor([[1.0, 2.0, 3.0]])).sum().backward()
        grads.append((out.detach().numpy(), w.grad.numpy()))
    np.testing.assert_allclose(grads[1][0], grads[0][0], atol=1e-6)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-5, atol=1e-6)
