"""torch.optim.swap_in_optimizer_params_and_state against real torch: the step inside the block updates the
swapped-in tensors with the swapped-in hyperparameters and state, in-place state updates reach the caller's dict,
and the live groups, parameters and state come back untouched."""
import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need real torch")


def _run(m):
    rng = np.random.default_rng(0)
    w0, w1 = rng.standard_normal((3, 2)).astype(np.float32), rng.standard_normal(2).astype(np.float32)
    live = [m.nn.Parameter(m.tensor(w0)), m.nn.Parameter(m.tensor(w1))]
    opt = m.optim.Adam([{"params": [live[0]]}, {"params": [live[1]], "lr": 0.01}], lr=0.1)
    (live[0].sum() * 2 + live[1].pow(2).sum()).backward()
    opt.step()
    sd = opt.state_dict()
    swap_sd = {"state": {k: {n: v.clone() if hasattr(v, "clone") else v for n, v in s.items()}
                         for k, s in sd["state"].items()},
               "param_groups": [dict(g) for g in sd["param_groups"]]}
    swap_sd["param_groups"][0]["lr"] = 0.5
    other = [m.nn.Parameter(m.ones(3, 2)), m.nn.Parameter(m.full((2,), 2.0))]
    (other[0].sum() + other[1].sum()).backward()
    with m.optim.swap_in_optimizer_params_and_state(opt, {"a": other[0], "b": other[1]}, swap_sd):
        assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["params"][0] is other[0]
        opt.step()
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["params"][0] is live[0]
    return [t.detach().numpy().copy() for t in other + live] + [
        np.asarray(swap_sd["state"][0]["exp_avg"]), np.asarray(opt.state[live[0]]["exp_avg"])]


def test_swap_in_matches_torch():
    for a, b in zip(_run(torch), _run(jtorch)):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_swap_in_errors_match_torch():
    for m in (torch, jtorch):
        p = m.nn.Parameter(m.ones(2))
        opt = m.optim.SGD([p], lr=0.1)
        with pytest.raises(RuntimeError, match="requires initialized optimizer state"):
            with m.optim.swap_in_optimizer_params_and_state(opt, {"p": p}, opt.state_dict()):
                pass
