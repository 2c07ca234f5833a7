"""torch.random: the default generator's seed and state."""
import contextlib

from ._ops.random import (  # noqa: F401
    default_generator as default_generator, get_rng_state as get_rng_state, initial_seed as initial_seed,
    manual_seed as manual_seed, seed as seed, set_rng_state as set_rng_state,
)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, device_type="cuda"):
    """Run a block with the default generator's state restored afterwards."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
