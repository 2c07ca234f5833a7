"""torch.distributed's process group API on jax.distributed.

One jtorch process drives all of its host's devices, so a single process (world_size 1)
already trains data parallel over every local device (DistributedDataParallel shards the
batch over a device mesh). Several hosts join through jax.distributed.initialize (from
init_method='tcp://host:port' or MASTER_ADDR/MASTER_PORT/WORLD_SIZE/RANK) and the
collectives below run through jax.experimental.multihost_utils; with one process they are
the identity, as torch's are for world_size 1.
"""
import datetime
import enum
import os

import jax
import numpy as np

_state = {"initialized": False, "backend": None, "world_size": 1, "rank": 0, "jax_initialized": False}

default_pg_timeout = datetime.timedelta(minutes=30)


class Backend(str):
    """torch.distributed.Backend: a lower-cased backend name."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"
    XLA = "xla"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        return super().__new__(cls, name.lower())


class ReduceOp(enum.Enum):
    SUM = 0
    PRODUCT = 1
    MIN = 2
    MAX = 3
    BAND = 4
    BOR = 5
    BXOR = 6
    AVG = 7
    PREMUL_SUM = 8
    UNUSED = 9

    def __repr__(self):
        return f"<RedOpType.{self.name}: {self.value}>"


class _Group:
    """torch.distributed.group.WORLD and the objects new_group() returns."""

    def __init__(self, ranks=None):
        self.ranks = ranks

    def size(self):
        return get_world_size()

    def rank(self):
        return get_rank()


class group:  # noqa: N801 - torch's name
    WORLD = _Group()


GroupMember = group


class _Work:
    """What async_op=True returns: the work is already done (or queued on the device)."""

    def wait(self, timeout=None):
        return True

    def is_completed(self):
        return True

    def is_success(self):
        return True


def is_available():
    return True


def is_initialized():
    return _state["initialized"]


def is_nccl_available():
    return False


def is_gloo_available():
    return True


def is_mpi_available():
    return False


def is_torchelastic_launched():
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


def _require_init():
    if not _state["initialized"]:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the process group. world_size 1 (the default without WORLD_SIZE) is this process alone;
    more processes call jax.distributed.initialize with the coordinator at MASTER_ADDR:MASTER_PORT
    (or init_method='tcp://host:port')."""
    if _state["initialized"]:
        raise ValueError("trying to initialize the default process group twice!")
    if world_size == -1:
        world_size = int(os.environ.get("WORLD_SIZE", jax.process_count()))
    if rank == -1:
        rank = int(os.environ.get("RANK", jax.process_index()))
    if world_size > 1 and jax.process_count() != world_size:
        if init_method is not None and init_method.startswith("tcp://"):
            address = init_method[len("tcp://"):]
        elif init_method in (None, "env://"):
            try:
                address = f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}"
            except KeyError as e:
                raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment "
                                 f"variable {e.args[0]} expected, but not set") from None
        else:
            raise NotImplementedError(f"jtorch's init_process_group supports tcp:// and env:// init methods, "
                                      f"not {init_method!r}")
        jax.distributed.initialize(coordinator_address=address, num_processes=world_size, process_id=rank)
        _state["jax_initialized"] = True
    elif rank >= world_size:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {world_size - 1}]")
    _state.update(initialized=True, backend=Backend(backend or ("nccl" if jax.default_backend() == "gpu" else "gloo")),
                  world_size=world_size, rank=rank)


def destroy_process_group(group=None):
    if _state["jax_initialized"]:
        jax.distributed.shutdown()
    _state.update(initialized=False, backend=None, world_size=1, rank=0, jax_initialized=False)


def get_rank(group=None):
    _require_init()
    return _state["rank"]


def get_world_size(group=None):
    _require_init()
    return _state["world_size"]


def get_backend(group=None):
    _require_init()
    return _state["backend"]


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None):
    _require_init()
    if ranks is not None and sorted(ranks) != list(range(get_world_size())):
        raise NotImplementedError("jtorch's process groups span every process (new_group with a subset of ranks)")
    return _Group(ranks)


def _multi():
    return is_initialized() and _state["world_size"] > 1


def _gather_processes(tensor):
    """numpy array (world_size, *shape) of every process's value of `tensor`."""
    from jax.experimental import multihost_utils
    return np.asarray(multihost_utils.process_allgather(np.asarray(tensor.detach().numpy()), tiled=False))


def _set(tensor, value):
    from .._ops.creation import tensor as _tensor
    from ..autograd.grad_mode import no_grad
    with no_grad():  # tensor.copy_(value)
        tensor._assign(_tensor(np.asarray(value), dtype=tensor.dtype).to(tensor.device), "copy_")


def _done(async_op):
    return _Work() if async_op else None


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce `tensor` across processes in place (identity in a single process)."""
    _require_init()
    if _multi():
        vals = _gather_processes(tensor)
        fn = {ReduceOp.SUM: np.sum, ReduceOp.AVG: np.mean, ReduceOp.MAX: np.max, ReduceOp.MIN: np.min,
              ReduceOp.PRODUCT: np.prod}.get(op)
        if fn is None:
            raise NotImplementedError(f"jtorch's all_reduce has no {op}")
        _set(tensor, fn(vals, axis=0))
    return _done(async_op)


def reduce(tensor, dst=0, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    _require_init()
    if _multi():
        all_reduce(tensor, op)
    return _done(async_op)


def broadcast(tensor, src=0, group=None, async_op=False, group_src=None):
    """Copy rank `src`'s tensor to every process (identity in a single process)."""
    _require_init()
    if _multi():
        _set(tensor, _gather_processes(tensor)[src])
    return _done(async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """tensor_list[i] <- rank i's tensor."""
    _require_init()
    if len(tensor_list) != get_world_size():
        raise ValueError(f"all_gather expects a list of {get_world_size()} tensors, got {len(tensor_list)}")
    if _multi():
        vals = _gather_processes(tensor)
        for t, v in zip(tensor_list, vals):
            _set(t, v)
    else:
        _set(tensor_list[0], tensor.detach().numpy())
    return _done(async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    _require_init()
    vals = _gather_processes(input_tensor) if _multi() else np.asarray(input_tensor.detach().numpy())[None]
    _set(output_tensor, vals.reshape(tuple(output_tensor.shape)))
    return _done(async_op)


def all_gather_object(object_list, obj, group=None):
    _require_init()
    if _multi():
        import pickle
        from jax.experimental import multihost_utils
        data = np.frombuffer(pickle.dumps(obj), dtype=np.uint8)
        sizes = np.asarray(multihost_utils.process_allgather(np.array([data.size]), tiled=False)).ravel()
        padded = np.zeros(int(sizes.max()), np.uint8)
        padded[:data.size] = data
        allv = np.asarray(multihost_utils.process_allgather(padded, tiled=False))
        for i in range(len(object_list)):
            object_list[i] = pickle.loads(allv[i][:sizes[i]].tobytes())
    else:
        object_list[0] = obj


def broadcast_object_list(object_list, src=0, group=None, device=None, group_src=None):
    _require_init()
    if _multi():
        gathered = [None] * get_world_size()
        all_gather_object(gathered, list(object_list))
        object_list[:] = gathered[src]


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every process gets here (returns at once in a single process)."""
    _require_init()
    if _multi():
        from jax.experimental import multihost_utils
        multihost_utils.sync_global_devices("jtorch.distributed.barrier")
    return _done(async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    return barrier(group)


def get_process_group_ranks(group):
    """The global ranks in `group` (jtorch's groups span every process)."""
    _require_init()
    ranks = getattr(group, "ranks", None)
    return list(ranks) if ranks is not None else list(range(get_world_size()))


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None, async_op=False):
    """Scatter `input`'s pieces to every rank and gather theirs into `output` (a copy in a single process)."""
    _require_init()
    if _multi():
        vals = _gather_processes(input)  # (world, *shape): take piece `rank` of every process's input
        world, rank = get_world_size(), get_rank()
        if input_split_sizes is None:
            pieces = [np.array_split(v, world)[rank] for v in vals]
        else:
            bounds = np.cumsum([0] + list(input_split_sizes))
            pieces = [v[bounds[rank]:bounds[rank + 1]] for v in vals]
        _set(output, np.concatenate(pieces).reshape(tuple(output.shape)))
    else:
        _set(output, np.asarray(input.detach().numpy()).reshape(tuple(output.shape)))
    return _done(async_op)
