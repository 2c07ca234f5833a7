"""torch.utils.data.distributed.DistributedSampler: each rank's share of the dataset.

The split is torch's: pad (or drop) to a multiple of num_replicas, then rank r takes
indices r, r + num_replicas, ... . With shuffle=False the indices equal torch's. With
shuffle=True every rank draws the same permutation from (seed + epoch) with numpy (no JAX
program, safe in DataLoader workers), so the ranks still partition the dataset; the
permutation itself differs from torch's (torch's comes from its Mersenne Twister stream).
Without num_replicas/rank it asks torch.distributed, which must be initialised, as in torch.
"""
import math

import numpy as np

from .sampler import Sampler
from ... import distributed as dist


class DistributedSampler(Sampler):
    """DistributedSampler(dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False)."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            if num_replicas is None:
                num_replicas = dist.get_world_size()
            if rank is None:
                rank = dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last = 0, drop_last
        n = len(dataset)
        if drop_last and n % num_replicas:
            # drop the uneven tail: every rank gets the same number of samples
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            indices = np.random.default_rng(self.seed + self.epoch).permutation(n).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:  # pad by repeating from the start (as many times as needed)
            missing = self.total_size - len(indices)
            repeats = math.ceil(missing / len(indices)) if missing > len(indices) else 1
            indices += (indices * repeats)[:missing]
        if len(indices) != self.total_size:
            raise AssertionError(f"Number of indices ({len(indices)}) does not match total_size ({self.total_size})")
        indices = indices[self.rank:self.total_size:self.num_replicas]
        if len(indices) != self.num_samples:
            raise AssertionError(f"Number of subsampled indices ({len(indices)}) does not match num_samples "
                                 f"({self.num_samples})")
        return iter(indices)

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Set the epoch, so shuffle=True gives a new order each epoch (the same on every rank)."""
        self.epoch = epoch
