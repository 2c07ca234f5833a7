"""The IMDB loader's tensorflow-datasets route: tfds.data_source when the reviews are prepared on disk,
the reason in the not-found error when they are not, and no half-written folder either way."""
import os
import sys
import types
import urllib.error
import urllib.request

import pytest

from jtorch.text.datasets import imdb


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _fake_tfds(monkeypatch, data_source):
    mod = types.ModuleType("tensorflow_datasets")
    mod.data_source = data_source
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", mod)


def test_prepared_reviews_are_written_in_the_aclimdb_layout(tmp_path, offline, monkeypatch):
    reviews = {"train": [{"text": b"great film", "label": 1}, {"text": b"dull", "label": 0}],
               "test": [{"text": b"fine", "label": 1}]}
    _fake_tfds(monkeypatch, lambda name, split, download: reviews[split])
    folder = str(tmp_path / "IMDB" / "aclImdb")
    assert imdb.ensure_aclimdb(folder) == folder
    items = sorted(imdb.IMDB(str(tmp_path), split="train"))
    assert items == [(1, "dull"), (2, "great film")]
    assert not os.path.exists(folder + ".part")


def test_unprepared_dataset_is_named_in_the_error(tmp_path, offline, monkeypatch):
    def not_prepared(name, split, download):
        raise NotImplementedError("Random access data source for file format FileFormat.TFRECORD is not supported.")
    _fake_tfds(monkeypatch, not_prepared)
    with pytest.raises(FileNotFoundError) as e:
        imdb.ensure_aclimdb(str(tmp_path / "IMDB" / "aclImdb"))
    assert "tensorflow-datasets has no prepared imdb_reviews: Random access" in str(e.value)
    assert not os.path.exists(tmp_path / "IMDB" / "aclImdb")


def test_a_dataset_tfds_never_generated_is_named_in_the_error(tmp_path, offline, monkeypatch):
    def never_generated(name, split, download):  # what tfds raises where imdb_reviews was never prepared
        raise KeyError("Trying to access `splits['train']` but `splits` is empty.")
    _fake_tfds(monkeypatch, never_generated)
    with pytest.raises(FileNotFoundError, match="no prepared imdb_reviews"):
        imdb.ensure_aclimdb(str(tmp_path / "IMDB" / "aclImdb"))


def test_a_broken_dataset_is_not_swallowed(tmp_path, offline, monkeypatch):
    class Broken:
        def __len__(self):
            return 1

        def __getitem__(self, i):
            raise KeyError("label")
    _fake_tfds(monkeypatch, lambda name, split, download: Broken())
    folder = str(tmp_path / "IMDB" / "aclImdb")
    with pytest.raises(KeyError):
        imdb.ensure_aclimdb(folder)
    assert not os.path.exists(folder)
