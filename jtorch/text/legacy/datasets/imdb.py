"""torchtext.legacy.datasets.IMDB: ROOT/imdb/aclImdb/{train,test}/{pos,neg}/*.txt, labels 'pos' / 'neg'."""
import os

from ...datasets.imdb import ensure_aclimdb, read_split
from ..data.dataset import Dataset
from ..data.example import Example


class IMDB(Dataset):
    urls = ["http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"]
    name = "imdb"
    dirname = "aclImdb"

    @staticmethod
    def sort_key(ex):
        return len(ex.text)

    def __init__(self, path, text_field, label_field, **kwargs):
        fields = [("text", text_field), ("label", label_field)]
        parent, split = os.path.split(os.path.normpath(path))
        examples = [Example.fromlist([text, label], fields) for label, text in read_split(parent, split)]
        super().__init__(examples, fields, **kwargs)

    @classmethod
    def download(cls, root, check=None):
        path = os.path.join(root, cls.name, cls.dirname)
        ensure_aclimdb(path)
        return os.path.join(root, cls.name)

    @classmethod
    def splits(cls, text_field, label_field, root=".data", train="train", test="test", **kwargs):
        """(train, test) datasets read from ROOT/imdb/aclImdb (downloaded there if missing and online)."""
        path = os.path.join(cls.download(root), cls.dirname)
        out = []
        for split in (train, test):
            if split is None:
                continue
            folder = os.path.join(path, split)
            if not os.path.isdir(folder):
                raise FileNotFoundError(f"IMDB split folder not found: {os.path.abspath(folder)}")
            out.append(cls(folder, text_field, label_field, **kwargs))
        return tuple(out)

    @classmethod
    def iters(cls, batch_size=32, device=0, root=".data", vectors=None, **kwargs):
        from ..data.field import Field, LabelField
        from ..data.iterator import BucketIterator
        TEXT = Field()
        LABEL = LabelField()
        train, test = cls.splits(TEXT, LABEL, root=root, **kwargs)
        TEXT.build_vocab(train, vectors=vectors)
        LABEL.build_vocab(train)
        return BucketIterator.splits((train, test), batch_size=batch_size, device=device)
