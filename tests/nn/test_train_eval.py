"""Training vs eval behaviour: dropout masks from the generator, BatchNorm running stats like torch's,
and a BatchNorm+Dropout training step that stays lazy (one program per step, no recompiles)."""
import numpy as np
import pytest

import jtorch
import jtorch.nn as jnn
import jtorch.nn.functional as JF
from jtorch._engine import metrics
from tests.nn._parity import copy_state, rand

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def test_dropout_train_eval():
    x = jtorch.ones(200, 50)
    d = jnn.Dropout(0.3)
    a, b = d(x).numpy(), d(x).numpy()
    assert set(np.unique(a)) <= {0.0, np.float32(1 / 0.7)}
    assert 0.2 < (a == 0).mean() < 0.4 and not np.array_equal(a, b)  # a fresh mask per call
    jtorch.manual_seed(3)
    c = d(x).numpy()
    jtorch.manual_seed(3)
    assert np.array_equal(c, d(x).numpy())  # masks follow the seed
    d.eval()
    assert d(x) is x
    assert JF.dropout(x, 0.5, training=False) is x
    assert float(JF.dropout(x, 1.0).sum()) == 0.0
    f = jnn.Dropout2d(0.5)(jtorch.ones(4, 6, 3, 3)).numpy()
    assert np.all(f.reshape(24, 9).min(1) == f.reshape(24, 9).max(1))  # whole channels dropped
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        jnn.Dropout(1.5)
    xs = rand(20, 30)
    y = jtorch.tensor(xs, requires_grad=True)
    out = JF.dropout(y, 0.5)
    out.sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), (out.detach().numpy() != 0) * 2.0)
    al = jnn.AlphaDropout(0.2)(jtorch.randn(4000)).numpy()
    assert abs(al.mean()) < 0.1 and abs(al.std() - 1) < 0.1


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_running_stats_match_torch(momentum):
    tm = torch.nn.BatchNorm2d(3, momentum=momentum)
    jm = jnn.BatchNorm2d(3, momentum=momentum)
    copy_state(tm, jm)
    for step in range(3):
        x = rand(4, 3, 2, 2) * (step + 1)
        tm(torch.tensor(x))
        jm(jtorch.tensor(x))
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(jm.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    assert int(jm.num_batches_tracked) == 3
    tm.eval()
    jm.eval()
    x = rand(2, 3, 2, 2)
    np.testing.assert_allclose(jm(jtorch.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-5)
    assert int(jm.num_batches_tracked) == 3  # eval leaves the stats alone


def test_training_step_stays_lazy():
    net = jnn.Sequential(jnn.Linear(8, 6), jnn.BatchNorm1d(6), jnn.ReLU(), jnn.Dropout(0.2), jnn.Linear(6, 3))
    lossf = jnn.CrossEntropyLoss()
    y = jtorch.tensor([0, 1, 2, 1])
    params = list(net.parameters())

    def step(i):
        x = jtorch.tensor(rand(4, 8))
        loss = lossf(net(x), y)
        loss.backward()
        with jtorch.no_grad():
            for p in params:
                p.sub_(p.grad * 0.1)
                p.grad = None
        return loss

    for i in range(2):
        step(i).item()
    for i in range(2):
        before = metrics.snapshot()
        loss = step(i)
        assert metrics.snapshot()["syncs"] == before["syncs"]  # BatchNorm stats and dropout stayed lazy
        loss.item()
        after = metrics.snapshot()
        assert after["compiles"] == before["compiles"]  # the warm-up step's program, reused
        assert after["syncs"] == before["syncs"] + 1  # forward, backward, update and stats: one program
    assert int(net[1].num_batches_tracked) == 4
