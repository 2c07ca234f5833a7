"""torchtext.data.functional."""


class _MapStyleDataset:
    def __init__(self, data):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


def to_map_style_dataset(iter_data):
    """Read an iterable dataset into memory as a map-style dataset (len and indexing)."""
    try:
        from ...utils.data import Dataset
        cls = type("_MapStyleDataset", (_MapStyleDataset, Dataset), {})
    except ImportError:
        cls = _MapStyleDataset
    return cls(list(iter_data))
