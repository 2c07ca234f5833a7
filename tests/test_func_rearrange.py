"""torch.func.rearrange (einops patterns) and debug_unwrap against torch."""
import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("pattern,shape,lengths", [
    ("a b c -> c b a", (2, 3, 4), {}), ("a b c -> a (b c)", (2, 3, 4), {}), ("a (h w) -> a h w", (2, 12), {"h": 2}),
    ("... c -> c ...", (2, 3, 4), {}), ("a b c -> (a b) 1 c", (2, 3, 4), {}),
])
def test_rearrange_matches_torch(pattern, shape, lengths):
    x = X.reshape(shape)
    t = torch.func.rearrange(torch.tensor(x), pattern, **lengths)
    j = jtorch.func.rearrange(jtorch.tensor(x), pattern, **lengths)
    assert tuple(j.shape) == tuple(t.shape)
    np.testing.assert_array_equal(j.numpy(), t.numpy())


def test_rearrange_list_and_debug_unwrap():
    parts = [np.ones(2, np.float32), np.zeros(2, np.float32)]
    t = torch.func.rearrange([torch.tensor(p) for p in parts], "n a -> a n")
    j = jtorch.func.rearrange([jtorch.tensor(p) for p in parts], "n a -> a n")
    np.testing.assert_array_equal(j.numpy(), t.numpy())
    x = jtorch.ones(2)
    assert jtorch.func.debug_unwrap(x) is x
    assert jtorch.fft.Tensor is jtorch.Tensor
