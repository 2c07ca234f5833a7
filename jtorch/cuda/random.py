"""torch.cuda.random: the CUDA generators' state. jtorch draws every random number from one
generator (jtorch.manual_seed), so these read and set that one, as torch's functions do for the
current CUDA device; without a GPU they raise torch's error or do nothing, as torch does."""
from collections.abc import Iterable  # noqa: F401

from ._lazy import require_cuda
from ..random import get_rng_state as _state
from .._ops.random import manual_seed as _seed
from ..random import initial_seed as _initial
from ..random import seed as _reseed
from ..random import set_rng_state as _set

__all__ = ["get_rng_state", "get_rng_state_all", "set_rng_state", "set_rng_state_all", "manual_seed",
           "manual_seed_all", "seed", "seed_all", "initial_seed"]


def _available():
    from . import is_available
    return is_available()


def get_rng_state(device="cuda"):
    require_cuda()
    return _state()


def get_rng_state_all():
    return [get_rng_state()] if _available() else []


def set_rng_state(new_state, device="cuda"):
    if _available():
        _set(new_state)


def set_rng_state_all(new_states):
    for state in new_states:
        set_rng_state(state)


def manual_seed(seed):
    _seed(int(seed))


manual_seed_all = manual_seed


def seed():
    if _available():
        _reseed()


seed_all = seed


def initial_seed():
    require_cuda()
    return _initial()
