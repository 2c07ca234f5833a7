"""torch.utils.data's DataPipe names: IterDataPipe / MapDataPipe with their registry of functional
forms (`dp.map(fn)`), DataChunk, the decorators, and _DatasetKind.

torch keeps DataPipes for compatibility (TorchData moved on); the common functional forms are
here (map, filter, batch, unbatch, shuffle, concat, zip, collate, sharding_filter), and
`@functional_datapipe(name)` registers more exactly as in torch.
"""
import functools
import itertools
import random as _random

from .dataset import Dataset, IterableDataset

__all__ = ["DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe", "argument_validation",
           "functional_datapipe", "guaranteed_datapipes_determinism", "non_deterministic", "runtime_validation",
           "runtime_validation_disabled"]


class _Registry:
    """`functions` maps a functional name to a DataPipe class (or function); attribute lookup on an
    instance finds it and binds the instance as the source."""

    functions: dict = {}

    def __getattr__(self, name):
        fn = type(self).functions.get(name)
        if fn is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return functools.partial(fn, self)

    @classmethod
    def register_function(cls, function_name, function):
        cls.functions[function_name] = function

    @classmethod
    def register_datapipe_as_function(cls, function_name, cls_to_register, enable_df_api_tracing=False):
        if function_name in cls.functions:
            raise Exception(f"Unable to add DataPipe function name {function_name} as it is already taken")  # noqa: TRY002
        cls.functions[function_name] = cls_to_register

    def __dir__(self):
        return list(super().__dir__()) + list(type(self).functions)


class IterDataPipe(_Registry, IterableDataset):
    functions: dict = {}

    def reset(self):
        pass


class DFIterDataPipe(IterDataPipe):
    def _is_dfpipe(self):
        return True


class MapDataPipe(_Registry, Dataset):
    functions: dict = {}


class DataChunk(list):
    """A batch produced by a DataPipe (a list that prints indented)."""

    def __init__(self, items):
        items = list(items)
        super().__init__(items)
        self.items = items

    def as_str(self, indent=""):
        return indent + "[" + ", ".join(str(i) for i in iter(self)) + "]"

    def __iter__(self):
        yield from super().__iter__()

    def raw_iterator(self):
        yield from self.items


for _cls in (IterDataPipe, DFIterDataPipe, MapDataPipe, DataChunk):
    _cls.__module__ = "torch.utils.data.datapipes.datapipe"


class functional_datapipe:
    """Class decorator: `@functional_datapipe("name")` makes `source.name(...)` build the class."""

    def __init__(self, name, enable_df_api_tracing=False):
        self.name, self.enable_df_api_tracing = name, enable_df_api_tracing

    def __call__(self, cls):
        if issubclass(cls, IterDataPipe):
            IterDataPipe.register_datapipe_as_function(self.name, cls, self.enable_df_api_tracing)
        elif issubclass(cls, MapDataPipe):
            MapDataPipe.register_datapipe_as_function(self.name, cls)
        else:
            raise TypeError("`functional_datapipe` can only decorate IterDataPipe or MapDataPipe")
        return cls


class guaranteed_datapipes_determinism:
    """Context manager: inside it, DataPipes marked non_deterministic refuse to be built."""

    prev = False
    active = False

    def __enter__(self):
        self.prev, guaranteed_datapipes_determinism.active = guaranteed_datapipes_determinism.active, True

    def __exit__(self, *exc):
        guaranteed_datapipes_determinism.active = self.prev


class non_deterministic:
    """Marks a DataPipe class (or, given a function, decides per call) as non-deterministic."""

    def __init__(self, arg):
        self.cls = arg if isinstance(arg, type) else None
        self.deterministic_fn = None if isinstance(arg, type) else arg

    def __call__(self, *args, **kwargs):
        if self.cls is not None:
            if guaranteed_datapipes_determinism.active:
                raise TypeError(f"{self.cls.__name__} is non-deterministic, but you set "
                                "'guaranteed_datapipes_determinism'. You can turn off determinism for this "
                                "DataPipe if that is acceptable for your application")
            return self.cls(*args, **kwargs)
        cls = args[0]

        def build(*a, **k):
            if guaranteed_datapipes_determinism.active and self.deterministic_fn(*a, **k):
                raise TypeError(f"{cls.__name__} is non-deterministic with the inputs")
            return cls(*a, **k)
        return build


def argument_validation(f):
    """torch checks DataPipe arguments against the type hints; jtorch accepts them as given."""
    return f


class runtime_validation_disabled:
    prev = True
    enabled = True

    def __enter__(self):
        self.prev, runtime_validation_disabled.enabled = runtime_validation_disabled.enabled, False

    def __exit__(self, *exc):
        runtime_validation_disabled.enabled = self.prev


def runtime_validation(f):
    """torch checks each yielded item against the DataPipe's type; jtorch yields them unchecked."""
    if f.__name__ != "__iter__":
        raise TypeError(f"Can not decorate function {f.__name__} with 'runtime_validation'")
    return f


# -- the common functional forms ---------------------------------------------------------------

@functional_datapipe("map")
class _Mapper(IterDataPipe):
    def __init__(self, datapipe, fn, input_col=None, output_col=None):
        self.datapipe, self.fn = datapipe, fn

    def __iter__(self):
        for item in self.datapipe:
            yield self.fn(item)


@functional_datapipe("filter")
class _Filter(IterDataPipe):
    def __init__(self, datapipe, filter_fn, input_col=None):
        self.datapipe, self.filter_fn = datapipe, filter_fn

    def __iter__(self):
        for item in self.datapipe:
            keep = self.filter_fn(item)
            if not isinstance(keep, bool):
                raise ValueError("Boolean output is required for `filter_fn` of FilterIterDataPipe, got", type(keep))
            if keep:
                yield item


@functional_datapipe("batch")
class _Batcher(IterDataPipe):
    def __init__(self, datapipe, batch_size, drop_last=False, wrapper_class=DataChunk):
        if batch_size <= 0:
            raise AssertionError("Batch size is required to be larger than 0!")
        self.datapipe, self.batch_size, self.drop_last, self.wrapper_class = datapipe, batch_size, drop_last, \
            wrapper_class

    def __iter__(self):
        batch = []
        for item in self.datapipe:
            batch.append(item)
            if len(batch) == self.batch_size:
                yield self.wrapper_class(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.wrapper_class(batch)


@functional_datapipe("unbatch")
class _Unbatcher(IterDataPipe):
    def __init__(self, datapipe, unbatch_level=1):
        self.datapipe, self.unbatch_level = datapipe, unbatch_level

    def __iter__(self):
        def flat(items, level):
            for item in items:
                if level > 0 and isinstance(item, list):
                    yield from flat(item, level - 1)
                else:
                    yield item
        yield from flat(self.datapipe, self.unbatch_level)


@functional_datapipe("shuffle")
class _Shuffler(IterDataPipe):
    def __init__(self, datapipe, *, buffer_size=10000, unbatch_level=0):
        self.datapipe, self.buffer_size = datapipe, buffer_size

    def __iter__(self):
        items = list(self.datapipe)
        _random.shuffle(items)
        return iter(items)


@functional_datapipe("concat")
class _Concater(IterDataPipe):
    def __init__(self, *datapipes):
        if len(datapipes) == 0:
            raise ValueError("Expected at least one DataPipe, but got nothing")
        self.datapipes = datapipes

    def __iter__(self):
        for dp in self.datapipes:
            yield from dp


@functional_datapipe("zip")
class _Zipper(IterDataPipe):
    def __init__(self, *datapipes):
        if len(datapipes) == 0:
            raise ValueError("Expected at least one DataPipe, but got nothing")
        self.datapipes = datapipes

    def __iter__(self):
        return zip(*self.datapipes)


@functional_datapipe("collate")
class _Collator(IterDataPipe):
    def __init__(self, datapipe, conversion=None, collate_fn=None):
        from ._utils.collate import default_collate
        self.datapipe, self.fn = datapipe, collate_fn or default_collate

    def __iter__(self):
        return (self.fn(item) for item in self.datapipe)


@functional_datapipe("sharding_filter")
class _ShardingFilter(IterDataPipe):
    def __init__(self, source_datapipe, sharding_group_filter=None):
        self.source_datapipe, self.num_of_instances, self.instance_id = source_datapipe, 1, 0

    def apply_sharding(self, num_of_instances, instance_id, sharding_group=None):
        self.num_of_instances, self.instance_id = num_of_instances, instance_id

    def __iter__(self):
        # every num_of_instances-th item, starting at this instance's own
        return itertools.islice(self.source_datapipe, self.instance_id, None, self.num_of_instances)


class _DatasetKind:
    """Which fetcher a DataLoader uses: Map (indices) or Iterable (next())."""

    Map, Iterable = 0, 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        by_index = kind == _DatasetKind.Map
        return (_MapFetcher(dataset, auto_collation, collate_fn) if by_index
                else _IterFetcher(dataset, auto_collation, collate_fn, drop_last))


class _MapFetcher:
    def __init__(self, dataset, auto_collation, collate_fn):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn

    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            return self.collate_fn([self.dataset[i] for i in possibly_batched_index])
        return self.collate_fn(self.dataset[possibly_batched_index])


class _IterFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset_iter, self.auto_collation, self.collate_fn, self.drop_last = iter(dataset), auto_collation, \
            collate_fn, drop_last
        self.ended = False

    def fetch(self, possibly_batched_index):
        if not self.auto_collation and not self.ended:
            return self.collate_fn(next(self.dataset_iter))
        wanted = len(possibly_batched_index) if self.auto_collation else 0
        data = [] if self.ended else list(itertools.islice(self.dataset_iter, wanted))
        self.ended = self.ended or len(data) < wanted
        if not data or (self.drop_last and len(data) < wanted):
            raise StopIteration
        return self.collate_fn(data)
