"""Shared helpers for the text / sequence parity tests."""
import numpy as np


def to_np(t):
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)


def torch_to_jtorch(tm, jm):
    """Load torch module tm's state_dict into jtorch module jm (and check the keys match in order)."""
    import jtorch
    sd = {k: jtorch.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()}
    assert list(sd) == list(jm.state_dict()), (list(sd), list(jm.state_dict()))
    res = jm.load_state_dict(sd)
    assert not res.missing_keys and not res.unexpected_keys


def jtorch_to_torch(jm, tm):
    import torch
    sd = {k: torch.tensor(np.asarray(v.numpy())) for k, v in jm.state_dict().items()}
    tm.load_state_dict(sd)


def close(a, b, atol=1e-5, rtol=1e-4):
    np.testing.assert_allclose(to_np(a), to_np(b), atol=atol, rtol=rtol)


def grads_close(tm, jm, atol=1e-5, rtol=1e-4):
    tp = dict(tm.named_parameters())
    n = 0
    for name, p in jm.named_parameters():
        if p.grad is None and tp[name].grad is None:
            continue
        close(tp[name].grad, p.grad, atol, rtol)
        n += 1
    assert n > 0
