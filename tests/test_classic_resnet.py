"""examples/classic/resnet_cifar.py, trained step by step under jtorch and PyTorch from the same weights (issue 9).

In float32 the two trajectories part after a few steps (a ReLU input within rounding of zero flips sign, and
SGD with momentum amplifies it; PyTorch float32 against float64 does the same), so the README row compares the
mean over 20 seeds. Here both run in float64, where rounding cannot flip a sign, and every piece the run uses
must agree closely: BatchNorm batch statistics and running mean/var (unbiased), eval mode from the running
statistics, adaptive_avg_pool2d and its gradient, SGD with momentum and weight decay, CosineAnnealingLR.
"""
import importlib
import os
import sys

import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "examples", "classic", "resnet_cifar.py")
ALIASED = ["torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils", "torch.utils.data"]


def load_script(under_jtorch):
    """The script's module namespace, with `torch` bound to PyTorch or (as `jtorch run` does) to jtorch."""
    saved = {n: sys.modules.get(n) for n in ALIASED}
    try:
        if under_jtorch:
            for n in ALIASED:
                sys.modules[n] = importlib.import_module("j" + n)
        ns = {"__name__": "resnet_cifar", "__file__": SCRIPT}
        exec(compile(open(SCRIPT).read(), SCRIPT, "exec"), ns)
    finally:
        for n, m in saved.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m
    assert ns["torch"] is (jtorch if under_jtorch else torch)
    return ns


def arr(t):
    return np.asarray(t.detach().numpy())


def test_resnet_cifar_steps_match_torch_in_float64():
    T, J = load_script(False), load_script(True)
    torch.manual_seed(0)
    tnet = T["ResNet"](width=4).double()
    jnet = J["ResNet"](width=4).double()
    jnet.load_state_dict({k: jtorch.tensor(arr(v)) for k, v in tnet.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (4, 8, 3, 16, 16))
    y = rng.integers(0, 10, (4, 8))
    x_test = rng.normal(0, 1, (16, 3, 16, 16))

    def optim(lib, net):
        opt = lib.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
        return opt, lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=2)

    (topt, tsch), (jopt, jsch) = optim(torch, tnet), optim(jtorch, jnet)
    for epoch in range(2):
        tnet.train()
        jnet.train()
        for xb, yb in zip(x[2 * epoch:2 * epoch + 2], y[2 * epoch:2 * epoch + 2]):
            topt.zero_grad()
            tl = torch.nn.functional.cross_entropy(tnet(torch.tensor(xb)), torch.tensor(yb))
            tl.backward()
            topt.step()
            jopt.zero_grad()
            jl = jtorch.nn.functional.cross_entropy(jnet(jtorch.tensor(xb)), jtorch.tensor(yb))
            jl.backward()
            jopt.step()
            np.testing.assert_allclose(jl.item(), tl.item(), rtol=1e-10)
        tsch.step()
        jsch.step()
        assert jopt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12)
        tsd, jsd = tnet.state_dict(), jnet.state_dict()
        assert list(tsd) == list(jsd)
        for k in tsd:  # weights, BatchNorm running_mean/running_var/num_batches_tracked
            np.testing.assert_allclose(arr(jsd[k]), arr(tsd[k]), rtol=1e-8, atol=1e-10, err_msg=k)
        for tp, jp in zip(tnet.parameters(), jnet.parameters()):
            np.testing.assert_allclose(arr(jopt.state[jp]["momentum_buffer"]),
                                       arr(topt.state[tp]["momentum_buffer"]), rtol=1e-8, atol=1e-10)
        tnet.eval()
        jnet.eval()
        with torch.no_grad(), jtorch.no_grad():
            np.testing.assert_allclose(arr(jnet(jtorch.tensor(x_test))), arr(tnet(torch.tensor(x_test))),
                                       rtol=1e-8, atol=1e-10)


def test_seed_mean_final_line_in_the_table():
    sys.path.insert(0, os.path.dirname(SCRIPT))
    import run_table
    from programs import parse_final
    res = parse_final("per-seed accuracy: 70.00 60.00\nFINAL accuracy=65.00 accuracy_sd=7.07 seeds=2\n")
    assert res == {"accuracy": 65.0, "accuracy_sd": 7.07, "seeds": 2.0}
    assert run_table.shown(res, "accuracy") == "accuracy 65.000 (mean of 2 seeds, sd 7.1)"
    assert run_table.shown({"accuracy": 61.2}, "accuracy") == "accuracy 61.200"
