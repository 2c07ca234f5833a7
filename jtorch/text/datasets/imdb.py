"""torchtext.datasets.IMDB (current API): yields (label, text), label 1 = neg, 2 = pos.

Reads ROOT/IMDB/aclImdb/{train,test}/{pos,neg}/*.txt; fetches and extracts the standard
aclImdb_v1.tar.gz there when the network allows.
"""
import glob
import os
import shlex
import shutil
import tarfile

from .synthetic import make_imdb_corpus
import urllib.request

URL = "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
MAP_LABELS = {"neg": 1, "pos": 2}
NUM_LINES = {"train": 25000, "test": 25000}


def ensure_aclimdb(folder):
    """Make sure `folder` (.../aclImdb) exists: extract a tarball beside it, or download one."""
    if os.path.isdir(folder):
        return folder
    parent = os.path.dirname(folder) or "."
    tar_path = os.path.join(parent, os.path.basename(URL))
    if not os.path.exists(tar_path):
        try:
            os.makedirs(parent, exist_ok=True)
            tmp = tar_path + ".part"
            with urllib.request.urlopen(URL, timeout=30) as r, open(tmp, "wb") as f:
                while True:
                    chunk = r.read(1 << 20)
                    if not chunk:
                        break
                    f.write(chunk)
            os.replace(tmp, tar_path)
        except OSError as e:
            why_not_tfds = _from_tfds(folder)
            if why_not_tfds is None:
                return folder
            root = shlex.quote(os.path.dirname(parent) or ".")
            raise FileNotFoundError(
                f"IMDB dataset not found at {os.path.abspath(folder)} and it could not be downloaded ({e}; "
                f"{why_not_tfds}). "
                f"Provide the extracted aclImdb folder there (with train/ and test/, each holding pos/ and neg/ "
                f"*.txt files), or put {os.path.basename(URL)} in {os.path.abspath(parent)}. No package ships "
                f"the reviews for offline use: `jtorch data imdb {root}` downloads them when the network "
                f"allows, and `jtorch data imdb {root} --synthetic` writes a small synthetic corpus in the same "
                f"layout (for trying a pipeline, not for real accuracy).") from None
    with tarfile.open(tar_path) as tf:
        tf.extractall(parent, filter="data")
    return folder


def prepare_imdb(root=".data", synthetic=False, n_train=4000, n_test=2000):
    """`jtorch data imdb ROOT`: make ROOT/IMDB/aclImdb ready (downloaded when the network allows; with
    synthetic=True a generated corpus of n_train / n_test reviews instead) and let the legacy API's
    ROOT/imdb/aclImdb find the same folder. Existing reviews are left untouched. Returns the folder."""
    folder = os.path.join(root, "IMDB", "aclImdb")
    if not os.path.isdir(folder):
        if synthetic:
            make_imdb_corpus(root, n_train=n_train, n_test=n_test, seed=0, layout="current")
        else:
            ensure_aclimdb(folder)
    legacy = os.path.join(root, "imdb")
    if not os.path.lexists(legacy):  # a case-insensitive file system already sees IMDB as imdb
        try:
            os.symlink("IMDB", legacy, target_is_directory=True)
        except OSError:  # no symlinks here (Windows without the privilege): only the current API finds it
            pass
    return folder


def _from_tfds(folder):
    """Write tensorflow-datasets' imdb_reviews in the aclImdb layout when it is prepared on disk
    (ArrayRecord files, read through tfds.data_source: no TensorFlow needed). Returns None when
    the folder was written, else the reason it could not be (for the not-found error). The
    reviews go to a side folder first, so a failure never leaves a half-written aclImdb."""
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        return "tensorflow-datasets is not installed"
    try:
        sources = {split: tfds.data_source("imdb_reviews", split=split, download=False) for split in ("train", "test")}
    except (NotImplementedError, FileNotFoundError, KeyError) as e:  # not generated, or not as ArrayRecord
        return f"tensorflow-datasets has no prepared imdb_reviews: {str(e).splitlines()[0]}"
    part = folder + ".part"
    shutil.rmtree(part, ignore_errors=True)
    for split, source in sources.items():
        for label in ("pos", "neg"):
            os.makedirs(os.path.join(part, split, label), exist_ok=True)
        for i in range(len(source)):
            example = source[i]
            label = "pos" if int(example["label"]) == 1 else "neg"
            text = example["text"]
            with open(os.path.join(part, split, label, f"{i}_0.txt"), "w", encoding="utf-8") as f:
                f.write(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    os.replace(part, folder)
    return None


def read_split(folder, split, labels=("pos", "neg")):
    """[(label_name, text)] for every review of a split folder's pos/ and neg/ subfolders."""
    out = []
    for label in labels:
        for path in sorted(glob.glob(os.path.join(folder, split, label, "*.txt"))):
            try:
                with open(path, "r", encoding="utf-8") as f:
                    out.append((label, f.read()))
            except (OSError, UnicodeDecodeError) as e:
                raise RuntimeError(f"cannot read IMDB review file {path}: {e}") from None
    return out


class _IMDBSplit:
    """An iterable over (label, text) with a length, like torchtext's datapipe."""

    def __init__(self, items):
        self._items = items

    def __iter__(self):
        for label, text in self._items:
            yield MAP_LABELS[label], text

    def __len__(self):
        return len(self._items)


def IMDB(root=".data", split=("train", "test")):
    """IMDB reviews: for each split an iterable of (label, text), label 1 = neg, 2 = pos."""
    folder = ensure_aclimdb(os.path.join(root, "IMDB", "aclImdb"))
    splits = (split,) if isinstance(split, str) else tuple(split)
    for s in splits:
        if s not in ("train", "test"):
            raise ValueError(f"Expected one of ('train', 'test') as split, but got {s}")
    res = tuple(_IMDBSplit(read_split(folder, s, ("neg", "pos"))) for s in splits)
    return res[0] if isinstance(split, str) else res
