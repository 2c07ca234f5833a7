"""torch.utils.data's DataPipe names against torch: the functional forms, DataChunk, the registry
and the decorators."""
import pytest

import jtorch.utils.data as jd

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import torch.utils.data as td  # noqa: E402


def _source(lib):
    class Numbers(lib.IterDataPipe):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))
    return Numbers


def test_functional_forms_match_torch():
    def run(lib):
        src = _source(lib)(7)
        return [list(src.map(lambda x: x * 2)), list(src.filter(lambda x: x % 2 == 1)),
                [list(b) for b in src.batch(3)], [list(b) for b in src.batch(3, drop_last=True)],
                list(src.batch(2).unbatch()), list(src.concat(_source(lib)(2))), list(src.zip(_source(lib)(3))),
                type(next(iter(src.batch(2)))).__name__, sorted(src.shuffle())]
    assert run(jd) == run(td)


def test_registry_and_decorators_match_torch():
    for lib in (jd, td):
        @lib.functional_datapipe("jtorch_test_twice")
        class Twice(lib.IterDataPipe):
            def __init__(self, source):
                self.source = source

            def __iter__(self):
                for x in self.source:
                    yield x
                    yield x
        assert list(_source(lib)(2).jtorch_test_twice()) == [0, 0, 1, 1]
        assert isinstance(_source(lib)(1), lib.IterableDataset)
        assert issubclass(lib.MapDataPipe, lib.Dataset) and issubclass(lib.DFIterDataPipe, lib.IterDataPipe)
        chunk = lib.DataChunk([1, 2])
        assert isinstance(chunk, list) and chunk.as_str() == "[1, 2]" and list(chunk.raw_iterator()) == [1, 2]
        assert (lib._DatasetKind.Map, lib._DatasetKind.Iterable) == (0, 1)
        fetcher = lib._DatasetKind.create_fetcher(lib._DatasetKind.Map, [10, 20, 30], True, list, False)
        assert fetcher.fetch([2, 0]) == [30, 10]

        @lib.non_deterministic
        class Random(lib.IterDataPipe):
            def __iter__(self):
                return iter([])
        with lib.guaranteed_datapipes_determinism():
            with pytest.raises(TypeError):
                Random()
        Random()
        with lib.runtime_validation_disabled():
            pass
        with pytest.raises(AttributeError):
            _source(lib)(1).no_such_function  # noqa: B018
