"""torchtext.legacy.data.Dataset: examples plus the fields that made them."""
import csv
import io
import random
from collections import defaultdict


class RandomShuffler:
    """Shuffles with its own random state (an int seed, a random.getstate() tuple, or None)."""

    def __init__(self, random_state=None):
        self._rng = random.Random()
        if random_state is None:
            self._rng.setstate(random.getstate())
        elif isinstance(random_state, tuple):
            self._rng.setstate(random_state)
        else:
            self._rng.seed(random_state)

    @property
    def random_state(self):
        return self._rng.getstate()

    def __call__(self, data):
        return self._rng.sample(list(data), len(data))


class Dataset:
    """A list of Examples and a dict name -> Field; `sort_key` orders examples for batching."""

    sort_key = None

    def __init__(self, examples, fields, filter_pred=None):
        if filter_pred is not None:
            examples = [e for e in examples if filter_pred(e)]
        self.examples = list(examples)
        self.fields = dict(fields)
        for n, f in list(self.fields.items()):
            if isinstance(n, tuple):
                self.fields.update(zip(n, f))
                del self.fields[n]

    @classmethod
    def splits(cls, path=None, root=".data", train=None, validation=None, test=None, **kwargs):
        train_data = None if train is None else cls(path + train if path else train, **kwargs)
        val_data = None if validation is None else cls(path + validation if path else validation, **kwargs)
        test_data = None if test is None else cls(path + test if path else test, **kwargs)
        return tuple(d for d in (train_data, val_data, test_data) if d is not None)

    def split(self, split_ratio=0.7, stratified=False, strata_field="label", random_state=None):
        """(train, test) or (train, valid, test); a list ratio is [train, test(, valid)] as in torchtext."""
        train_ratio, test_ratio, val_ratio = check_split_ratio(split_ratio)
        rnd = RandomShuffler(random_state)
        if not stratified:
            train_data, test_data, val_data = rationed_split(self.examples, train_ratio, test_ratio, val_ratio, rnd)
        else:
            if strata_field not in self.fields:
                raise ValueError(f"Invalid field name for strata_field {strata_field}")
            strata = stratify(self.examples, strata_field)
            train_data, test_data, val_data = [], [], []
            for group in strata:
                g_train, g_test, g_val = rationed_split(group, train_ratio, test_ratio, val_ratio, rnd)
                train_data += g_train
                test_data += g_test
                val_data += g_val
        splits = tuple(Dataset(d, self.fields) for d in (train_data, val_data, test_data) if d)
        if self.sort_key:
            for subset in splits:
                subset.sort_key = self.sort_key
        return splits

    def __getitem__(self, i):
        return self.examples[i]

    def __len__(self):
        return len(self.examples)

    def __iter__(self):
        yield from self.examples

    def __getattr__(self, attr):
        if attr != "fields" and attr in self.__dict__.get("fields", {}):
            return (getattr(x, attr) for x in self.examples)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{attr}'")

    def filter_examples(self, field_names):
        for i, example in enumerate(self.examples):
            for field_name in field_names:
                vocab = set(self.fields[field_name].vocab.stoi)
                text = getattr(example, field_name)
                setattr(example, field_name, [w for w in text if w in vocab])
            self.examples[i] = example


class TabularDataset(Dataset):
    """Rows of a CSV / TSV / JSON-lines file as examples."""

    def __init__(self, path, format, fields, skip_header=False, csv_reader_params=None, **kwargs):
        from .example import Example
        format = format.lower()
        make = {"json": Example.fromJSON, "dict": Example.fromdict, "tsv": Example.fromCSV,
                "csv": Example.fromCSV}[format]
        with io.open(path, encoding="utf8") as f:
            if format in ("csv", "tsv"):
                params = dict(csv_reader_params or {})
                if format == "tsv":
                    params.setdefault("delimiter", "\t")
                reader = csv.reader(f, **params)
            else:
                reader = f
            if format in ("csv", "tsv") and isinstance(fields, dict):
                header = next(reader)
                field_to_index = {k: header.index(k) for k in fields.keys()}
                examples = [make(line, fields, field_to_index) for line in reader]
            else:
                if skip_header:
                    next(reader)
                examples = [make(line, fields) for line in reader]
        if isinstance(fields, dict):
            fields, field_dict = [], fields
            for field in field_dict.values():
                if isinstance(field, list):
                    fields.extend(field)
                else:
                    fields.append(field)
        super().__init__(examples, fields, **kwargs)


def check_split_ratio(split_ratio):
    valid_ratio = 0.0
    if isinstance(split_ratio, float):
        assert 0.0 < split_ratio < 1.0, f"Split ratio {split_ratio} not between 0 and 1"
        return split_ratio, 1.0 - split_ratio, valid_ratio
    if isinstance(split_ratio, list):
        length = len(split_ratio)
        assert length == 2 or length == 3, f"Length of split ratio list should be 2 or 3, got {split_ratio}"
        ratio_sum = sum(split_ratio)
        if not ratio_sum == 1.0:
            split_ratio = [float(r) / ratio_sum for r in split_ratio]
        if length == 2:
            return tuple(split_ratio + [valid_ratio])
        return tuple(split_ratio)
    raise ValueError(f"Split ratio must be float or a list, got {type(split_ratio)}")


def stratify(examples, strata_field):
    groups = defaultdict(list)
    for ex in examples:
        groups[getattr(ex, strata_field)].append(ex)
    return list(groups.values())


def rationed_split(examples, train_ratio, test_ratio, val_ratio, rnd):
    n = len(examples)
    perm = rnd(range(n))
    train_len = int(round(train_ratio * n))
    test_len = n - train_len if not val_ratio else int(round(test_ratio * n))
    idx = (perm[:train_len], perm[train_len:train_len + test_len], perm[train_len + test_len:])
    return tuple([examples[i] for i in index] for index in idx)
