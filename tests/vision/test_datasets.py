import gzip
import os
import pickle

import numpy as np
import pytest
from PIL import Image

import jtorch
from jtorch.utils.data import DataLoader
from jtorch.vision import datasets, transforms as T
from jtorch.vision.datasets.mnist import read_idx, write_idx


def _write_mnist(root, n=20, gz=False, cls="MNIST"):
    raw = os.path.join(root, cls, "raw")
    os.makedirs(raw, exist_ok=True)
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    for prefix in ("train", "t10k"):
        for name, arr in ((f"{prefix}-images-idx3-ubyte", imgs), (f"{prefix}-labels-idx1-ubyte", labels)):
            path = os.path.join(raw, name)
            write_idx(path, arr)
            if gz:
                with open(path, "rb") as f, gzip.open(path + ".gz", "wb") as g:
                    g.write(f.read())
                os.remove(path)
    return imgs, labels


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_reads_raw_and_gzipped_idx(tmp_path, gz):
    imgs, labels = _write_mnist(str(tmp_path), gz=gz)
    ds = datasets.MNIST(str(tmp_path), train=True)
    assert len(ds) == 20
    img, target = ds[3]
    assert isinstance(img, Image.Image) and img.mode == "L" and target == 3 and type(target) is int
    np.testing.assert_array_equal(np.asarray(img), imgs[3])
    assert ds.targets.dtype == jtorch.int64 and tuple(ds.data.shape) == (20, 28, 28)
    ds.data, ds.targets = ds.data[:5], ds.targets[:5]  # torchvision lets users trim a dataset this way
    assert len(ds) == 5 and ds[4][1] == 4
    fm = _write_mnist(str(tmp_path), cls="FashionMNIST")
    assert datasets.FashionMNIST(str(tmp_path), train=False)[0][1] == 0 and fm is not None


def test_idx_header_and_corrupt_files(tmp_path):
    p = str(tmp_path / "x-idx3-ubyte")
    a = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(p, a)
    np.testing.assert_array_equal(read_idx(p), a)
    with open(p, "rb") as f:
        data = f.read()
    with open(p, "wb") as f:
        f.write(data[:-5])
    with pytest.raises(RuntimeError, match="x-idx3-ubyte is corrupt or truncated"):
        read_idx(p)
    with open(p, "wb") as f:
        f.write(b"\x01\x02\x03\x04junk")
    with pytest.raises(RuntimeError, match="x-idx3-ubyte is not an IDX file"):
        read_idx(p)
    gzp = p + ".gz"
    with open(gzp, "wb") as f:
        f.write(gzip.compress(data)[:30])
    with pytest.raises(RuntimeError, match="x-idx3-ubyte.gz"):
        read_idx(gzp)


def test_missing_files_error_names_files_and_folder(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(str(tmp_path), train=False)
    msg = str(e.value)
    assert "t10k-images-idx3-ubyte" in msg and os.path.join("MNIST", "raw") in msg


def test_batched_transform_equals_per_sample_path(tmp_path):
    _write_mnist(str(tmp_path))
    tf = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])
    ds = datasets.MNIST(str(tmp_path), transform=tf)
    x, y = next(iter(DataLoader(ds, batch_size=8)))  # fast path
    per = np.stack([ds[i][0].numpy() for i in range(8)])
    assert x.dtype == jtorch.float32 and tuple(x.shape) == (8, 1, 28, 28) and y.dtype == jtorch.int64
    np.testing.assert_array_equal(x.numpy(), per)
    assert y.tolist() == [ds[i][1] for i in range(8)]
    ds.target_transform = lambda t: t  # forces the per-item path
    x2, _ = next(iter(DataLoader(ds, batch_size=8)))
    np.testing.assert_array_equal(x2.numpy(), per)
    xw, yw = next(iter(DataLoader(ds, batch_size=8, num_workers=2, worker_init_fn=_forbid_jax)))
    np.testing.assert_array_equal(xw.numpy(), per)
    ds.target_transform = None  # the batched path in a worker
    xw, yw = next(iter(DataLoader(ds, batch_size=8, num_workers=1, worker_init_fn=_forbid_jax)))
    np.testing.assert_array_equal(xw.numpy(), per)


def _forbid_jax(worker_id):
    import jax
    import jax.numpy as jnp

    def boom(*args, **kwargs):
        raise AssertionError("a DataLoader worker called JAX")
    jnp.asarray = jnp.array = jax.device_put = jax.jit = boom


def test_image_folder(tmp_path):
    for cls, color in (("cat", 10), ("dog", 200)):
        os.makedirs(tmp_path / cls / "sub")
        for i in range(2):
            Image.new("RGB", (5, 4), (color, i, 0)).save(tmp_path / cls / f"{i}.png")
        Image.new("L", (5, 4), color).save(tmp_path / cls / "sub" / "z.png")
        (tmp_path / cls / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(str(tmp_path), transform=T.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert len(ds) == 6 and ds.targets == [0, 0, 0, 1, 1, 1]
    x, y = ds[3]
    assert tuple(x.shape) == (3, 4, 5) and y == 1
    assert abs(float(x[0, 0, 0]) - 200 / 255) < 1e-6
    os.makedirs(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(str(tmp_path))
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(str(tmp_path / "cat" / "sub"))


def test_cifar10_batches_and_fakedata(tmp_path):
    base = tmp_path / "cifar-10-batches-py"
    os.makedirs(base)
    rng = np.random.default_rng(0)
    data = rng.integers(0, 256, (4, 3072), dtype=np.uint8)
    with open(base / "test_batch", "wb") as f:
        pickle.dump({"data": data, "labels": [3, 1, 4, 1]}, f)
    with open(base / "batches.meta", "wb") as f:
        pickle.dump({"label_names": [f"c{i}" for i in range(10)]}, f)
    ds = datasets.CIFAR10(str(tmp_path), train=False, transform=T.ToTensor())
    x, y = ds[2]
    assert y == 4 and ds.classes[4] == "c4"
    np.testing.assert_array_equal(x.numpy(), data[2].reshape(3, 32, 32).astype(np.float32) / np.float32(255))
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    np.testing.assert_array_equal(xb.numpy()[2], x.numpy())
    with pytest.raises(RuntimeError, match="data_batch_1"):
        datasets.CIFAR10(str(tmp_path), train=True)
    fake = datasets.FakeData(size=3, image_size=(3, 6, 5))
    assert fake[1][0].size == (5, 6) and np.array_equal(np.asarray(fake[1][0]), np.asarray(fake[1][0]))


def test_offline_download_names_missing_files(tmp_path, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(RuntimeError) as e:
        datasets.KMNIST(str(tmp_path), train=True, download=True)
    msg = str(e.value)
    assert "train-images-idx3-ubyte" in msg and os.path.join("KMNIST", "raw") in msg and "no network" in msg
    # existing files are never overwritten, even when their checksum does not match
    from jtorch.vision.datasets.utils import download_url
    (tmp_path / "f.bin").write_bytes(b"mine")
    with pytest.raises(RuntimeError, match="does not overwrite"):
        download_url("http://example.invalid/f.bin", str(tmp_path), md5="0" * 32)
    assert (tmp_path / "f.bin").read_bytes() == b"mine"
