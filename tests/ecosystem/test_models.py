"""Hugging Face transformers and timm models, unmodified, under `jtorch run`, against real torch.

Real torch builds each tiny model, saves its weights as safetensors and takes one training step (forward,
loss, backward, AdamW); a `python -m jtorch run` subprocess loads the same file into the same model classes
and takes the same step. Logits, loss, every gradient and every updated parameter must agree to float32
precision (see _compare.py for how gradients that are zero in exact arithmetic are measured).
"""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("torch", reason="the reference is real torch")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _compare  # noqa: E402
import _models  # noqa: E402

HAVE = {"transformers": importlib.util.find_spec("transformers") is not None,
        "timm": importlib.util.find_spec("timm") is not None}
MODELS = [m for m in _models.TRANSFORMERS if HAVE["transformers"]] + [m for m in _models.TIMM if HAVE["timm"]]
TIMEOUT = 600  # both subprocesses together, on a loaded 2-core machine (about 90 s when idle ~40 s)


def _run(args, cwd):
    proc = subprocess.run([sys.executable] + args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    if proc.returncode:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Run every available model once on each side (two processes in all: imports and compiles dominate)."""
    root = str(tmp_path_factory.mktemp("ecosystem"))
    if MODELS:
        _run([os.path.join(HERE, "_torch_side.py"), root] + MODELS, HERE)
        _run(["-m", "jtorch", "run", os.path.join(HERE, "_jtorch_side.py"), root] + MODELS, HERE)
    return root


def _load(root, name):
    folder = os.path.join(root, name)
    err = os.path.join(folder, "jtorch_error.txt")
    if os.path.exists(err):
        with open(err) as f:
            raise AssertionError(f"{name} failed under jtorch:\n{f.read()}")
    return np.load(os.path.join(folder, "torch.npz")), np.load(os.path.join(folder, "jtorch.npz"))


LIMITS = {"logits": 1e-5, "loss": 1e-5, "grad": 1e-5, "param": 1e-6}
# resnet18 in training mode normalises its last block over only batch x 1 x 1 = 4 values: float32 rounding in
# those batch statistics reaches its gradients at a few 1e-6 (measured 3.2e-6)
LIMITS_BY_MODEL = {"resnet18": {"grad": 2e-5}}


@pytest.mark.parametrize("name", [
    pytest.param(m, marks=pytest.mark.skipif(not HAVE["transformers"], reason="transformers is not installed"))
    for m in _models.TRANSFORMERS] + [
    pytest.param(m, marks=pytest.mark.skipif(not HAVE["timm"], reason="timm is not installed"))
    for m in _models.TIMM])
def test_training_step_matches_torch(results, name):
    torch_res, jtorch_res = _load(results, name)
    errs = _compare.errors(torch_res, jtorch_res)
    limits = {**LIMITS, **LIMITS_BY_MODEL.get(name, {})}
    bad = {k: v for k, v in errs.items() if v > limits[k]}
    assert not bad, f"{name}: {errs} (limits {limits})"


@pytest.mark.skipif(not HAVE["transformers"], reason="transformers is not installed")
@pytest.mark.parametrize("name", _models.FROM_PRETRAINED)
def test_from_pretrained_matches_torch(results, name):
    """transformers' own from_pretrained (safetensors, a local folder) gives the same model under jtorch."""
    torch_res, jtorch_res = _load(results, name)
    assert "pretrained_logits" in jtorch_res
    err = np.abs(jtorch_res["pretrained_logits"] - torch_res["logits"]).max() / np.abs(torch_res["logits"]).max()
    assert err < LIMITS["logits"], err


def test_compare_detects_a_wrong_gradient():
    """The comparison is not blind: one gradient off by 1% of the largest fails it."""
    rng = np.random.default_rng(0)
    res = {"logits": rng.standard_normal((2, 3)), "loss": np.asarray(1.0),
           "grad.w": rng.standard_normal(4), "param.w": rng.standard_normal(4)}
    bad = dict(res, **{"grad.w": res["grad.w"] + 0.01 * np.abs(res["grad.w"]).max()})
    assert _compare.errors(res, res)["grad"] == 0.0
    assert _compare.errors(res, bad)["grad"] > LIMITS["grad"]
