"""jtorch.onnx.export: valid ONNX (checker) whose onnxruntime outputs match jtorch's."""
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

import jtorch
import jtorch.nn as nn

onnx = pytest.importorskip("onnx", reason="ONNX export tests need the onnx package")
ort = pytest.importorskip("onnxruntime", reason="ONNX export tests need onnxruntime")
from jtorch import onnx as jonnx  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:jtorch.*compiled .* different programs:RuntimeWarning")


class TextClassifier(nn.Module):
    def __init__(self, vocab=20, dim=8, classes=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.fc = nn.Linear(dim, classes)

    def forward(self, x):
        return self.fc(self.embedding(x).mean(dim=1))


class LSTMClassifier(nn.Module):
    def __init__(self, vocab=20, dim=8, hidden=6, classes=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        out, (h, c) = self.lstm(self.embedding(x))
        return self.fc(h[-1])


class Sorts(nn.Module):
    def forward(self, x):
        return jtorch.sort(x)[0]


def _init(model, seed=0):
    """Fixed numpy weights: no random-init program to compile, so the tests stay fast."""
    rng = np.random.default_rng(seed)
    for p in model.parameters():
        p.data = jtorch.from_numpy((rng.standard_normal(tuple(p.shape)) * 0.3).astype(np.float32))
    return model


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(1)
    tokens = jtorch.from_numpy(rng.integers(0, 20, (5, 7)))
    models = {
        "mlp": (nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), "features"),
        "cnn": (nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Dropout(0.5), nn.Flatten(), nn.Linear(4 * 4 * 4, 3)),
                "images"),
        "text": (TextClassifier(), tokens),
        "lstm": (LSTMClassifier(), tokens),
    }
    inputs = {"images": jtorch.from_numpy(rng.standard_normal((5, 1, 8, 8)).astype(np.float32)),
              "features": jtorch.from_numpy(rng.standard_normal((5, 4)).astype(np.float32))}
    return {k: (_init(m), inputs.get(x, x) if isinstance(x, str) else x) for k, (m, x) in models.items()}


def _child_env():
    """A child process next to this one: on a GPU, this process already holds most of its memory."""
    return dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")


def _np(t):
    return np.asarray(t.detach()._value("test"))


@pytest.mark.parametrize("name", ["mlp", "cnn", "text", "lstm"])
def test_export_matches_onnxruntime(name, models, tmp_path):
    model, x = models[name]
    if name == "cnn":  # give BatchNorm non-trivial running statistics, then export in eval mode
        model.train()
        model(x * 3 + 1)
    model.eval()
    path = tmp_path / f"{name}.onnx"
    jonnx.export(model, (x,), path, input_names=["x"], output_names=["logits"],
                 dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    assert [i.name for i in proto.graph.input] == ["x"] and [o.name for o in proto.graph.output] == ["logits"]
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with jax.default_matmul_precision("highest"):  # a GPU would use TF32 for float32 matmul/conv otherwise
        want = _np(model(x))
    for batch in (5, 2):  # the batch axis is dynamic; rows are independent in eval mode
        (got,) = sess.run(None, {"x": _np(x)[:batch]})
        np.testing.assert_allclose(got, want[:batch], rtol=1e-5, atol=1e-5)


def test_unmapped_primitive_is_named():
    with pytest.raises(NotImplementedError, match="'sort'"):
        jonnx.export(Sorts(), (jtorch.randn(2, 3),), None)


def test_import_jtorch_does_not_import_onnx():
    code = ("import sys, jtorch, jtorch.jit, jtorch.onnx, jtorch.serialization\n"
            "assert not {'onnx', 'onnxruntime', 'torch'} & set(sys.modules), sorted(sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env=_child_env())
    assert r.returncode == 0, r.stderr[-2000:]
