"""torch.utils.data: datasets, samplers, DataLoader and collation."""
from ._utils.collate import default_collate as default_collate, default_convert as default_convert
from ._utils.worker import get_worker_info as get_worker_info
from .dataloader import DataLoader as DataLoader
from .dataset import (
    ChainDataset as ChainDataset, ConcatDataset as ConcatDataset, Dataset as Dataset,
    IterableDataset as IterableDataset, StackDataset as StackDataset, Subset as Subset,
    TensorDataset as TensorDataset, random_split as random_split,
)
from .sampler import (
    BatchSampler as BatchSampler, RandomSampler as RandomSampler, Sampler as Sampler,
    SequentialSampler as SequentialSampler, SubsetRandomSampler as SubsetRandomSampler,
    WeightedRandomSampler as WeightedRandomSampler,
)
from .distributed import DistributedSampler as DistributedSampler
from .datapipes import (  # noqa: E402,F401
    DataChunk as DataChunk, DFIterDataPipe as DFIterDataPipe, IterDataPipe as IterDataPipe, MapDataPipe as MapDataPipe,
    _DatasetKind as _DatasetKind, argument_validation as argument_validation, functional_datapipe as functional_datapipe,
    guaranteed_datapipes_determinism as guaranteed_datapipes_determinism, non_deterministic as non_deterministic,
    runtime_validation as runtime_validation, runtime_validation_disabled as runtime_validation_disabled,
)
