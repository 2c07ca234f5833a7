"""torchtext.legacy: Field, LabelField, Dataset, BucketIterator, IMDB, and the seed script end to end."""
import builtins
import importlib
import importlib.util
import os


import pytest

import jtorch
from jtorch.text.datasets.synthetic import make_imdb_corpus
from jtorch.text.legacy import data, datasets

HERE = os.path.dirname(__file__)


def _dataset(text_field, label_field, texts=("a b c", "b c", "c a b d e", "d"), labels=("pos", "neg", "pos", "neg")):
    fields = [("text", text_field), ("label", label_field)]
    return data.Dataset([data.Example.fromlist([t, l], fields) for t, l in zip(texts, labels)], fields)


def test_field_vocab_and_padding_both_layouts():
    TEXT = data.Field(lower=True, init_token="<s>", eos_token="</s>")
    LABEL = data.LabelField(dtype=jtorch.float)
    ds = _dataset(TEXT, LABEL, texts=("A b c", "b C", "c a b d e", "d"))
    TEXT.build_vocab(ds, max_size=3)
    LABEL.build_vocab(ds)
    assert TEXT.vocab.itos == ["<unk>", "<pad>", "<s>", "</s>", "b", "c", "a"]
    assert TEXT.vocab.freqs["b"] == 3 and len(TEXT.vocab) == 7
    assert TEXT.vocab.stoi["zzz"] == 0                       # unknown -> <unk>
    assert LABEL.vocab.itos == ["neg", "pos"] and LABEL.vocab.stoi == {"neg": 0, "pos": 1}
    batch = data.Batch(ds.examples[:2], ds, device=None)
    assert batch.text.shape == (5, 2) and batch.text.dtype == jtorch.int64      # [seq_len, batch]
    assert batch.text[:, 1].tolist() == [2, 4, 5, 3, 1]                         # <s> b c </s> <pad>
    assert batch.label.dtype == jtorch.float32 and batch.label.tolist() == [1.0, 0.0]
    TEXT.batch_first, TEXT.include_lengths = True, True
    text, lengths = TEXT.process([ex.text for ex in ds.examples])
    assert text.shape == (4, 7) and lengths.tolist() == [5, 4, 7, 3]
    assert text[3].tolist() == [2, 0, 3, 1, 1, 1, 1]                            # d is <unk> (max_size)


def test_field_options():
    f = data.Field(fix_length=3, pad_first=True, truncate_first=True, stop_words={"x"}, tokenize="basic_english",
                   batch_first=True, pad_token="<p>")
    ex = [f.preprocess("X y z w!"), f.preprocess("q")]
    assert ex[0] == ["y", "z", "w", "!"]
    assert f.pad(ex) == [["z", "w", "!"], ["<p>", "<p>", "q"]]
    nf = data.Field(sequential=False, use_vocab=False, dtype=jtorch.float64,
                    postprocessing=lambda a, v: [2 * x for x in a])
    assert nf.process(["1.5", 2]).tolist() == [3.0, 4.0]
    with pytest.raises(ValueError, match="include_lengths"):
        data.Field(include_lengths=True).numericalize([["a"]])


def test_bucket_iterator_batches_are_concrete_and_cover_the_data():
    TEXT, LABEL = data.Field(batch_first=True), data.LabelField()
    texts = tuple(" ".join("w%d" % j for j in range(1 + i % 7)) for i in range(23))
    ds = _dataset(TEXT, LABEL, texts=texts, labels=("pos", "neg") * 11 + ("pos",))
    TEXT.build_vocab(ds)
    LABEL.build_vocab(ds)
    train_it, test_it = data.BucketIterator.splits((ds, ds), batch_size=5, sort_key=lambda x: len(x.text),
                                                   sort_within_batch=True, device="cpu")
    assert len(train_it) == 5
    seen = 0
    for b in train_it:
        assert b.text._lazy.value is not None                    # one transfer, nothing pending
        lens = (b.text.numpy() != TEXT.vocab.stoi["<pad>"]).sum(1).tolist()
        assert lens == sorted(lens, reverse=True) and b.text.shape[1] == max(lens)
        seen += len(b)
    assert seen == 23
    test_lens = [b.text.shape[1] for b in test_it]
    assert test_lens == sorted(test_lens)                        # train=False sorts by sort_key
    it = data.Iterator(ds, batch_size=10, train=False, sort=False)
    assert [len(b) for b in it] == [10, 10, 3]


def test_dataset_split():
    TEXT, LABEL = data.Field(), data.LabelField()
    ds = _dataset(TEXT, LABEL, texts=("a",) * 20, labels=("pos",) * 10 + ("neg",) * 10)
    train, test = ds.split(split_ratio=0.7, random_state=1)
    assert (len(train), len(test)) == (14, 6)
    train, valid, test = ds.split(split_ratio=[0.6, 0.2, 0.2], stratified=True, random_state=2)
    assert (len(train), len(valid), len(test)) == (12, 4, 4)
    assert sorted(e.label for e in test) == ["neg", "neg", "pos", "pos"]


def test_imdb_missing_folder_names_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "imdb" / "aclImdb")):
        datasets.IMDB.splits(data.Field(), data.LabelField(), root=str(tmp_path))


def test_imdb_unreadable_review_names_file(tmp_path):
    base = make_imdb_corpus(str(tmp_path), n_train=2, n_test=2)
    bad = os.path.join(base, "train", "pos", "99_9.txt")
    with open(bad, "wb") as f:
        f.write(b"\xff\xfe\xfa bad bytes")
    with pytest.raises(RuntimeError, match="99_9.txt"):
        datasets.IMDB.splits(data.Field(), data.LabelField(), root=str(tmp_path))


def _run_seed(path, epochs):
    """exec a torch script with torch / torchtext resolved to jtorch (what `jtorch run` does)."""
    alias = {"torch": "jtorch", "torchtext": "jtorch.text"}
    real = builtins.__import__

    def imp(name, globals=None, locals=None, fromlist=(), level=0):
        root = name.split(".")[0]
        if level == 0 and root in alias:
            mod = real(alias[root] + name[len(root):], globals, locals, fromlist, level)
            return mod if fromlist else importlib.import_module(alias[root])
        return real(name, globals, locals, fromlist, level)
    with open(path) as f:
        src = f.read()
    g = {"__name__": "__main__", "__builtins__": dict(vars(builtins), __import__=imp), "EPOCHS": epochs}
    exec(compile(src, path, "exec"), g)  # noqa: S102
    return g


def test_seed_script_trains_to_90_percent(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # two review lengths -> few distinct padded shapes -> few compiles
    make_imdb_corpus(".data", n_train=2000, n_test=1000, seed=0, lengths=(32, 64))
    path = os.path.join(HERE, "seed_imdb.py")
    if importlib.util.find_spec("spacy") is None:  # spacy is an optional extra: same corpus, same token counts
        src = open(path).read().replace("tokenize='spacy'", "tokenize='basic_english'")
        path = str(tmp_path / "seed_basic_english.py")
        open(path, "w").write(src)
    g = _run_seed(path, epochs=8)
    assert g["accuracy"] >= 0.90, g["accuracy"]
    assert g["train_iterator"].batch_size == 64 and len(g["TEXT"].vocab) > 100


def test_unfixed_seed_reports_batch_first(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_imdb_corpus(".data", n_train=64, n_test=2, seed=0, lengths=(30,))
    src = open(os.path.join(HERE, "seed_imdb.py")).read().replace("tokenize='spacy', batch_first=True",
                                                                   "tokenize=None")
    path = tmp_path / "seed_unfixed.py"
    path.write_text(src)
    msg = r"Target size \(torch.Size\(\[64\]\)\) must be the same as input size \(torch.Size\(\[30\]\)\)"
    with pytest.raises(ValueError, match=msg):
        _run_seed(str(path), epochs=1)



def test_tabular_dataset_csv(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,label\nhello world,pos\n\"bad, sad\",neg\n")
    TEXT, LABEL = data.Field(tokenize="basic_english"), data.LabelField()
    ds = data.TabularDataset(str(path), "csv", [("text", TEXT), ("label", LABEL)], skip_header=True)
    assert [(e.text, e.label) for e in ds] == [(["hello", "world"], "pos"), (["bad", ",", "sad"], "neg")]
    ds2 = data.TabularDataset(str(path), "csv", {"label": ("label", LABEL), "text": ("text", TEXT)})
    assert ds2[1].label == "neg" and set(ds2.fields) == {"label", "text"}
