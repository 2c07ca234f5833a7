"""jtorch.compile on a real module + optimizer step gives the lazy path's trajectory."""
import copy

import numpy as np

import jtorch as torch
import jtorch.nn as nn


def _setup():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 3))
    return model


def _train(model, opt, compiled, data, after_step=None):
    crit = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    fn = torch.compile(step) if compiled else step
    losses = []
    for i, (x, y) in enumerate(data):
        losses.append(fn(x, y).item())
        if after_step is not None:
            after_step(i)
    return losses


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


def test_compiled_step_donates_large_state_but_not_what_the_user_holds(monkeypatch):
    import jtorch._compile as C
    calls = []  # per compiled call: [(shape, donated)] of the 300,000-element state tensors
    orig = C._donation_mask

    def spy(tensors, values):
        mask = orig(tensors, values)
        calls.append([m for t, m in zip(tensors, mask) if t.numel() == 300000])
        return mask
    monkeypatch.setattr(C, "_donation_mask", spy)
    rng = np.random.default_rng(1)
    data = [(torch.from_numpy(rng.integers(0, 3000, (8, 5))), torch.from_numpy(rng.integers(0, 2, 8)))
            for _ in range(4)]

    def train(compiled):
        torch.manual_seed(5)
        model = nn.Sequential(nn.Embedding(3000, 100), nn.Flatten(), nn.Linear(500, 2))
        held = {}

        def hold(i):
            if i == 1:  # the user keeps a detached alias and a numpy view of the table
                held["alias"] = model[0].weight.detach()
                held["view"] = held["alias"].numpy()
                held["copy"] = held["view"].copy()
        losses = _train(model, torch.optim.Adam(model.parameters(), lr=0.01), compiled, data, hold)
        return losses, model[0].weight.detach().numpy(), held

    lazy, lazy_w, lazy_held = train(False)
    comp, comp_w, comp_held = train(True)
    np.testing.assert_allclose(comp, lazy, rtol=1e-5)
    np.testing.assert_allclose(comp_w, lazy_w, rtol=1e-5, atol=1e-6)
    # as in torch, a detached alias follows the parameter's in-place updates; a numpy view never changes
    np.testing.assert_allclose(comp_held["alias"].numpy(), comp_w, rtol=1e-6)
    np.testing.assert_array_equal(comp_held["view"], comp_held["copy"])
    np.testing.assert_array_equal(lazy_held["view"], lazy_held["copy"])
    # calls 1-3 are traced (call 0 runs lazily): the table and its two Adam moments are donated, except
    # the table on the call after the user took the alias (it shared the table's buffer then)
    assert [sorted(c) for c in calls] == [[True, True, True], [False, True, True], [True, True, True]], calls


def test_compiled_random_ops_draw_the_lazy_paths_numbers():
    """A traced step mixes (seed, counter) exactly as the lazy path does on the host."""
    def step(x):
        return x + torch.rand(3) + torch.nn.functional.dropout(torch.ones(4), 0.5).sum()
    compiled = torch.compile(step)
    x = torch.zeros(3)
    for seed in (7, -3):
        for _ in range(3):  # the first call runs lazily, the next ones traced and compiled
            torch.manual_seed(seed)
            got = compiled(x).tolist()
            torch.manual_seed(seed)
            assert got == step(x).tolist()
            assert torch.random.default_generator._counter == 2


def test_compiled_train_step_taking_model_and_optimizer_as_arguments():
    """train_step(model, opt, x, y): state reached through the arguments is written back too."""
    rng = np.random.default_rng(2)
    data = [(torch.from_numpy(rng.standard_normal((4, 8)).astype(np.float32)),
             torch.from_numpy(rng.integers(0, 3, 4))) for _ in range(5)]
    crit = nn.CrossEntropyLoss()

    def train_step(model, opt, x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    runs = []
    for fn in (train_step, torch.compile(train_step)):
        model = _setup()
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        losses = [fn(model, opt, x, y).item() for x, y in data]
        runs.append((losses, [p.detach().numpy().copy() for p in model.parameters()]))
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-5)
    assert len(set(runs[0][0])) == len(data)  # it trained
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_compiled_call_keeps_in_place_updates_of_argument_tensors():
    def accumulate(total, x):
        total.add_(x)
        return x.sum()
    compiled = torch.compile(accumulate)
    total = torch.zeros(3)
    for i in range(4):
        assert compiled(total, torch.full((3,), float(i))).item() == 3 * i
    assert total.tolist() == [6.0, 6.0, 6.0]


def test_traced_step_takes_the_loss_from_the_backward_pass():
    """While traced, backward() rebinds the loss to the vjp's own forward pass, so the first forward
    has no use left and XLA drops it (the step's scan runs once, not twice)."""
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4)
    opt = torch.optim.SGD(lstm.parameters(), lr=0.1)
    sources = []
    hooked = torch.ones(2, requires_grad=True) * 2  # a hooked graph elsewhere changes nothing here
    hooked.register_hook(lambda g: g)

    def step(x):
        opt.zero_grad()
        loss = lstm(x)[0].pow(2).mean()
        first = loss._lazy.value
        loss.backward()
        sources.append(first is not None and loss._lazy.value is not first)
        opt.step()
        return loss

    compiled = torch.compile(step)
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32))
    losses = [compiled(x).item() for _ in range(3)]
    assert sources[:2] == [False, True]  # the first call runs lazily, the second is traced
    assert losses[0] > losses[1] > losses[2]
