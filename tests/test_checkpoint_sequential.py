"""checkpoint_sequential's segmenting against torch: values and gradients for several segment counts,
and the error for more segments than functions."""
import numpy as np
import pytest

import jtorch
import jtorch.utils.checkpoint  # noqa: F401

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import torch.utils.checkpoint  # noqa: E402,F401


def _run(m, segments, n=5):
    fns = [(lambda k: (lambda a: a * (k + 1.5) - k))(k) for k in range(n)]
    x = m.tensor(np.array([0.5, -1.0], np.float32)).requires_grad_()
    y = m.utils.checkpoint.checkpoint_sequential(fns, segments, x, use_reentrant=False)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("segments", [1, 2, 3, 5])
def test_segments_match_torch(segments):
    (ty, tg), (jy, jg) = _run(torch, segments), _run(jtorch, segments)
    np.testing.assert_allclose(jy, ty, rtol=1e-6)
    np.testing.assert_allclose(jg, tg, rtol=1e-6)


def test_more_segments_than_functions_fails_like_torch():
    for m in (torch, jtorch):
        with pytest.raises(ValueError):
            _run(m, 7, n=3)
