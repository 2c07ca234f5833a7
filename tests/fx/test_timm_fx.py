"""timm's resnet18 under `jtorch run` through torch.fx and torch.export, against real torch on the same weights:
symbolic_trace gives the same node ops and targets and the same outputs, timm's FX feature extractor returns the
layers' activations, and export lists torch's parameter names."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the reference is real torch")
pytestmark = pytest.mark.skipif(importlib.util.find_spec("timm") is None, reason="timm is not installed")

HERE = os.path.dirname(os.path.abspath(__file__))
ECOSYSTEM = os.path.join(os.path.dirname(HERE), "ecosystem")


def _run(args, tmp):
    proc = subprocess.run([sys.executable] + args, cwd=tmp, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("timm_fx")
    script = os.path.join(HERE, "_timm_fx_side.py")
    weights = str(tmp / "weights.npz")
    sys.path.insert(0, ECOSYSTEM)
    try:
        import _torchvision_stub
        _torchvision_stub.install()
        import timm
    finally:
        sys.path.remove(ECOSYSTEM)
    torch.manual_seed(0)
    m = timm.create_model("resnet18", pretrained=False, num_classes=5)
    np.savez(weights, **{k: v.detach().numpy() for k, v in m.state_dict().items()})
    _run([script, str(tmp / "torch.npz"), weights, ECOSYSTEM], tmp)
    _run(["-m", "jtorch", "run", script, str(tmp / "jtorch.npz"), weights, ECOSYSTEM], tmp)
    return np.load(tmp / "torch.npz"), np.load(tmp / "jtorch.npz")


def test_symbolic_trace_matches_torch(sides):
    t, j = sides
    assert list(j["nodes"]) == list(t["nodes"])
    np.testing.assert_allclose(j["traced"], t["traced"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(j["traced"], j["logits"], rtol=0, atol=0)


def test_feature_extractor_and_export(sides):
    t, j = sides
    assert "feature_error" not in j.files, str(j["feature_error"]) if "feature_error" in j.files else ""
    assert j["l1"].shape == (2, 64, 8, 8) and j["l4"].shape == (2, 512, 1, 1)
    np.testing.assert_allclose(j["exported"], t["exported"], rtol=1e-4, atol=1e-4)
    assert list(j["params"]) == list(t["params"])
