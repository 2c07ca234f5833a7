"""jtorch.compile on a real module + optimizer step gives the lazy path's trajectory."""
import copy

import numpy as np

import jtorch as torch
import jtorch.nn as nn


def _setup():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 3))
    return model


def _train(model, opt, compiled, data):
    crit = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    fn = torch.compile(step) if compiled else step
    return [fn(x, y).item() for x, y in data]


def test_compiled_step_matches_lazy_step():
    rng = np.random.default_rng(0)
    data = [(torch.from_numpy(rng.standard_normal((4, 8)).astype(np.float32)),
             torch.from_numpy(rng.integers(0, 3, 4))) for _ in range(6)]
    a = _setup()
    b = copy.deepcopy(a)
    opt_a = torch.optim.Adam(a.parameters(), lr=0.01)
    opt_b = torch.optim.Adam(b.parameters(), lr=0.01)
    lazy = _train(a, opt_a, False, data)
    before = torch.debug.metrics()["compiles"]
    compiled = _train(b, opt_b, True, data)
    np.testing.assert_allclose(compiled, lazy, rtol=1e-5)
    for (n, p), q in zip(a.named_parameters(), b.parameters()):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=n)
        assert q.is_leaf and q.requires_grad and q.grad is not None
    assert torch.debug.metrics()["compiles"] - before <= 2, torch.debug.compile_sites()  # lazy call, trace
    assert opt_b.state_dict()["state"][0]["step"].item() == len(data)
