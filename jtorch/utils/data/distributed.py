"""DistributedSampler: each replica (process) reads its own slice of the (shuffled) indices."""
import math

import numpy as np

from .sampler import Sampler


def _default_world():
    try:
        import jax
        return jax.process_count(), jax.process_index()
    except Exception:  # noqa: BLE001 - no distributed runtime: one process
        return 1, 0


class DistributedSampler(Sampler):
    """Shuffles with a numpy RNG seeded by (seed, epoch), so every replica draws the same
    permutation; call set_epoch(epoch) each epoch for a new order (as in torch)."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            world, index = _default_world()
            num_replicas = world if num_replicas is None else num_replicas
            rank = index if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last, self.shuffle, self.seed = 0, drop_last, shuffle, seed
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            self.num_samples = math.ceil((len(self.dataset) - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self):
        if self.shuffle:
            indices = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.dataset)).tolist()
        else:
            indices = list(range(len(self.dataset)))
        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank: self.total_size: self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        self.epoch = epoch
