"""jtorch.jit: trace/script by tracing; save as jax.export StableHLO (symbolic batch) + weights; load anywhere."""
import os
import subprocess
import sys

import numpy as np
import pytest

import jtorch
import jtorch.nn as nn
from jtorch import jit


class Net(nn.Module):
    """Defined only here: the loading subprocess never imports this file."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3)
        self.fc = nn.Linear(3 * 4 * 4, 2)

    def forward(self, x):
        h = nn.functional.max_pool2d(self.bn(self.conv(x)).relu(), 2)
        return self.fc(h.flatten(1)), h.mean()


class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        if x.sum() > 0:  # data-dependent Python control flow: tracing cannot capture it
            return self.fc(x)
        return -x


# eager reference runs at several shapes/dtypes on purpose
pytestmark = pytest.mark.filterwarnings("ignore:jtorch.*compiled .* different programs:RuntimeWarning")


def _child_env():
    """A child process next to this one: on a GPU, this process already holds most of its memory."""
    return dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")


def _np(t):
    return np.asarray(t.detach()._value("test"))


@pytest.fixture(scope="module")
def net():
    model = Net()
    rng = np.random.default_rng(0)  # fixed numpy weights: no random-init program to compile
    for p in model.parameters():
        p.data = jtorch.from_numpy((rng.standard_normal(tuple(p.shape)) * 0.3).astype(np.float32))
    return model.eval()


X = np.linspace(-1, 1, 2 * 64, dtype=np.float32).reshape(2, 1, 8, 8)


@pytest.fixture(scope="module")
def artifact(net, tmp_path_factory):
    traced = jit.trace(net, (jtorch.from_numpy(X),))
    path = tmp_path_factory.mktemp("jit") / "net.pt"
    traced.save(path)
    return traced, path


def test_trace_matches_eager_and_saves(net, artifact, tmp_path):
    x = jtorch.from_numpy(X)
    traced, path = artifact
    for a, b in zip(traced(x), net(x)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)
    assert list(traced.state_dict()) == list(net.state_dict())
    # other batch sizes, in a process that imports only jtorch (never this test module or Net)
    x5 = np.concatenate([X, -X, X[:1]])
    np.save(tmp_path / "x.npy", x5)
    code = r"""
import sys, numpy as np, jtorch.jit
m = jtorch.jit.load(sys.argv[1])
y, mean = m(jtorch.from_numpy(np.load(sys.argv[2])))
np.save(sys.argv[3], np.asarray(y._value("t")))
assert not any("test_jit" in k or k.startswith("tests") for k in sys.modules)
"""
    r = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "x.npy"), str(tmp_path / "y.npy")],
                       capture_output=True, text=True, timeout=120,
                       env=_child_env())
    assert r.returncode == 0, r.stderr[-3000:]
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), _np(net(jtorch.from_numpy(x5))[0]), rtol=1e-5,
                               atol=1e-6)


def test_loaded_module_in_process_and_state_dict(net, artifact):
    x = jtorch.from_numpy(X)
    loaded = jit.load(artifact[1])
    np.testing.assert_allclose(_np(loaded(x)[0]), _np(net(x)[0]), rtol=1e-5, atol=1e-6)
    assert "stablehlo" in loaded.code or "func.func" in loaded.code
    from jtorch import serialization
    assert isinstance(serialization.load(artifact[1]), jit.ScriptModule)  # torch.load redirects like torch
    sd = loaded.state_dict()
    sd["fc.bias"] = sd["fc.bias"] + 1.0  # new weights change the output without retracing
    loaded.load_state_dict(sd)
    np.testing.assert_allclose(_np(loaded(x)[0]), _np(net(x)[0]) + 1.0, rtol=1e-5, atol=1e-5)


def test_script_traces_on_first_call(net):
    scripted = jit.script(net)
    x = jtorch.from_numpy(X)
    np.testing.assert_allclose(_np(scripted(x)[0]), _np(net(x)[0]), rtol=1e-5, atol=1e-6)
    f = jit.script(lambda a, b: a * 2 + b)
    np.testing.assert_allclose(_np(f(jtorch.ones(3), jtorch.ones(3))), [3.0, 3.0, 3.0])


def test_data_dependent_control_flow_raises_clear_error():
    with pytest.raises(jit.Error, match=r"could not trace Branchy: .*VALUE of a tensor"):
        jit.trace(Branchy(), (jtorch.ones(2, 4),))


def test_save_before_any_call_raises(net, tmp_path):
    with pytest.raises(jit.Error, match="call it once or pass example_inputs"):
        jit.script(net).save(tmp_path / "never.pt")


def test_gpu_saved_artifact_loads_anywhere(net, tmp_path, monkeypatch):
    from jtorch import serialization
    x = jtorch.from_numpy(X)
    traced = jit.trace(net, (x,))
    monkeypatch.setattr(serialization, "_location", lambda t: "cuda:0")  # weights as if saved from a GPU
    jit.save(traced, tmp_path / "gpu.pt")
    monkeypatch.undo()
    np.testing.assert_allclose(_np(jit.load(tmp_path / "gpu.pt")(x)[0]), _np(net(x)[0]), rtol=1e-5, atol=1e-6)
