"""Modes and pending graphs are per thread: two threads training at once match sequential runs."""
import threading

import numpy as np
import pytest

import jtorch as torch
from jtorch import nn


def _train(seed, steps, out, barrier=None):
    rs = np.random.RandomState(seed)
    model = nn.Linear(4, 3)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(rs.randn(3, 4).astype(np.float32)))
        model.bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.tensor(rs.randn(8, 4).astype(np.float32))
    y = torch.tensor(rs.randn(8, 3).astype(np.float32))
    if barrier is not None:
        barrier.wait()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()  # enters no_grad: it must not switch recording off in the other thread
        losses.append(loss.item())
    out[seed] = (losses, model.weight.detach().numpy().copy())


def _run_threads(targets):
    errors = []

    def guard(fn):
        def body():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                errors.append(e)
        return body

    threads = [threading.Thread(target=guard(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a training thread hung"
    if errors:
        raise errors[0]


def test_two_threads_training_equal_sequential_runs():
    alone = {}
    _train(1, 12, alone)
    _train(2, 12, alone)
    together = {}
    barrier = threading.Barrier(2)
    _run_threads([lambda: _train(1, 12, together, barrier), lambda: _train(2, 12, together, barrier)])
    for seed in (1, 2):
        np.testing.assert_allclose(together[seed][0], alone[seed][0], rtol=1e-6)
        np.testing.assert_allclose(together[seed][1], alone[seed][1], rtol=1e-6)


def test_no_grad_inference_in_one_thread_leaves_training_in_another_alone():
    alone = {}
    _train(3, 20, alone)
    stop = threading.Event()
    seen = []

    def infer():
        net = nn.Linear(4, 3)
        x = torch.ones(8, 4)
        while not stop.is_set():
            with torch.no_grad():
                out = net(x)
                seen.append((out.requires_grad, torch.is_grad_enabled()))
                out.sum().item()

    together = {}

    def train():
        try:
            _train(3, 20, together)
        finally:
            stop.set()

    _run_threads([infer, train])
    assert seen and all(flags == (False, False) for flags in seen)
    np.testing.assert_allclose(together[3][0], alone[3][0], rtol=1e-6)
    np.testing.assert_allclose(together[3][1], alone[3][1], rtol=1e-6)


def test_modes_start_at_their_defaults_in_a_new_thread():
    seen = {}

    def probe():
        seen["grad"] = torch.is_grad_enabled()
        seen["inference"] = torch.is_inference_mode_enabled()

    with torch.inference_mode():
        assert torch.is_inference_mode_enabled() and not torch.is_grad_enabled()
        t = threading.Thread(target=probe)
        t.start()
        t.join()
    assert seen == {"grad": True, "inference": False}
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()


def test_grad_mode_forms_match_torch():
    x = torch.ones(2, requires_grad=True)

    @torch.no_grad
    def bare(t):
        return t * 2

    @torch.enable_grad()
    def called(t):
        return t * 2

    @torch.inference_mode
    def infer(t):
        return torch.is_inference_mode_enabled()

    assert not bare(x).requires_grad
    with torch.no_grad():
        assert called(x).requires_grad
    assert infer(x) is True and torch.is_grad_enabled()
    torch.set_grad_enabled(False)  # a plain call switches at once, as in torch
    try:
        assert not torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)


def test_nested_modes_match_torch():
    real = pytest.importorskip("torch", reason="parity with PyTorch needs torch installed")

    def states(lib):
        seen = []
        with lib.inference_mode():
            seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
            with lib.inference_mode(False):
                seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
                with lib.no_grad():
                    seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
            with lib.enable_grad():
                seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
        with lib.no_grad():
            with lib.set_grad_enabled(True):
                seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
            seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
        seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
        return seen

    assert states(torch) == states(real)
