"""torchtext's current API: tokenizers, vocab, transforms, datasets.IMDB."""
import glob
from collections import OrderedDict

import pytest

import jtorch
from jtorch.text import functional as TF
from jtorch.text import transforms as T
from jtorch.text.data import get_tokenizer, ngrams_iterator, to_map_style_dataset
from jtorch.text.datasets import IMDB
from jtorch.text.datasets.synthetic import make_imdb_corpus
from jtorch.text.vocab import Vocab, build_vocab_from_iterator, vocab


def test_basic_english_rules():
    tok = get_tokenizer("basic_english")
    assert tok("Don't STOP: it's (really) good!<br />Yes; \"ok\", fine?") == [
        "don", "'", "t", "stop", "it", "'", "s", "(", "really", ")", "good", "!", "yes", "ok", ",", "fine", "?"]
    assert tok("A.B") == ["a", ".", "b"]
    with pytest.raises(ValueError, match="only available for Enlish"):
        get_tokenizer("basic_english", language="de")


def test_split_callable_and_spacy_tokenizers():
    assert get_tokenizer(None)("a  b\tc") == ["a", "b", "c"]
    f = str.upper
    assert get_tokenizer(f) is f
    pytest.importorskip("spacy")
    assert get_tokenizer("spacy")("Don't stop, it's great!") == ["Do", "n't", "stop", ",", "it", "'s", "great", "!"]


def test_ngrams_iterator():
    assert list(ngrams_iterator(["a", "b", "c"], 2)) == ["a", "b", "c", "a b", "b c"]


def test_build_vocab_order_specials_min_freq_max_tokens():
    data = [["b", "a", "c", "a"], ["b", "d", "a"]]
    v = build_vocab_from_iterator(data, specials=["<unk>", "<pad>"])
    assert v.get_itos() == ["<unk>", "<pad>", "a", "b", "c", "d"]   # freq desc, ties by token
    assert build_vocab_from_iterator(data, min_freq=2).get_itos() == ["a", "b"]
    assert build_vocab_from_iterator(data, specials=["<unk>"], max_tokens=3).get_itos() == ["<unk>", "a", "b"]
    assert build_vocab_from_iterator(data, specials=["<unk>"], special_first=False).get_itos()[-1] == "<unk>"


def test_vocab_methods():
    v = vocab(OrderedDict([("x", 3), ("y", 1), ("z", 2)]), min_freq=2, specials=["<unk>"])
    assert v.get_itos() == ["<unk>", "x", "z"] and len(v) == 3 and "x" in v and "y" not in v
    with pytest.raises(RuntimeError, match="Token y not found and default index is not set"):
        v["y"]
    assert v.get_default_index() is None
    v.set_default_index(v["<unk>"])
    assert v(["x", "y"]) == [1, 0] and v.lookup_indices(["z"]) == [2]
    assert v.lookup_tokens([2, 1]) == ["z", "x"]
    v.insert_token("w", 1)
    v.append_token("q")
    assert v.get_stoi() == {"<unk>": 0, "w": 1, "x": 2, "z": 3, "q": 4}
    with pytest.raises(RuntimeError):
        v.append_token("x")
    assert isinstance(v, Vocab)


def test_transforms_and_to_tensor():
    v = build_vocab_from_iterator([["a", "b", "c"]], specials=["<pad>"])
    pipe = T.Sequential(T.VocabTransform(v), T.Truncate(2), T.AddToken(0, begin=False), T.ToTensor(padding_value=0))
    out = pipe([["a", "b", "c"], ["c"]])
    assert out.dtype == jtorch.int64 and out.tolist() == [[1, 2, 0], [3, 0, 0]]
    assert TF.to_tensor([1, 2]).tolist() == [1, 2]
    assert TF.to_tensor([[1, 2], [3]], padding_value=-1).tolist() == [[1, 2], [3, -1]]
    lab = T.LabelToIndex(["neg", "pos"])
    assert lab("pos") == 1 and lab(["pos", "neg"]) == [1, 0]


def test_current_imdb_and_map_style(tmp_path):
    make_imdb_corpus(str(tmp_path), n_train=6, n_test=4, layout="current")
    train, test = IMDB(root=str(tmp_path))
    items = list(train)
    assert len(items) == 6 and len(test) == 4
    assert sorted({label for label, _ in items}) == [1, 2]
    ds = to_map_style_dataset(IMDB(root=str(tmp_path), split="test"))
    assert len(ds) == 4 and isinstance(ds[0][1], str)
    with pytest.raises(FileNotFoundError, match="IMDB"):
        IMDB(root=str(tmp_path / "nowhere"))


def test_synthetic_corpus_is_separable_by_word_lists(tmp_path):
    from jtorch.text.datasets import synthetic as S
    make_imdb_corpus(str(tmp_path), n_train=40, n_test=2, seed=1)
    pos = set(S.POSITIVE)
    neg = set(S.NEGATIVE)
    lens = []
    for label in ("pos", "neg"):
        for path in glob.glob(str(tmp_path / "imdb" / "aclImdb" / "train" / label / "*.txt")):
            words = open(path).read().split()
            lens.append(len(words))
            p, n = sum(w in pos for w in words), sum(w in neg for w in words)
            assert (p > n) == (label == "pos")
    assert len(lens) == 40 and len(set(lens)) > 5
