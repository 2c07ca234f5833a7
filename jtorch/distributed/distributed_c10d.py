"""torch.distributed's process group API on jax.distributed.

One jtorch process drives all of its host's devices, so a single process (world_size 1)
already trains data parallel over every local device (DistributedDataParallel shards the
batch over a device mesh). Several processes (one per host, or several on one host as
`jtorch run --nproc-per-node N` starts them) join through jax.distributed.initialize
(from init_method='tcp://host:port' or MASTER_ADDR/MASTER_PORT/WORLD_SIZE/RANK), and the
collectives below are small jitted XLA programs over a mesh of one device per process, so
JAX's own collectives (gloo between CPU processes) carry the data; with one process they
are the identity, as torch's are for world_size 1.
"""
import contextlib
import datetime
import enum
import errno
import os
import pdb
import warnings

import jax
import numpy as np
import socket
from jax._src import xla_bridge
from jax.sharding import NamedSharding, PartitionSpec
from .._ops.creation import tensor as _tensor
from ..autograd.grad_mode import no_grad
from jax.sharding import Mesh
import pickle
from jax.experimental import multihost_utils

_state = {"initialized": False, "backend": None, "world_size": 1, "rank": 0, "jax_initialized": False,
          "pg_count": 0}

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


class ProcessGroup:
    """torch.distributed.ProcessGroup: group.WORLD and the objects new_group() returns."""

    def __init__(self, ranks=None):
        self.ranks = ranks

    def size(self):
        return get_world_size()

    def rank(self):
        return get_rank()

    def name(self):
        return get_backend()

    @property
    def group_name(self):
        return "0"


_Group = ProcessGroup


class group:  # noqa: N801 - torch's name
    WORLD = _Group()


GroupMember = group


class Work:
    """torch.distributed.Work, what async_op=True returns: the work is already done (or queued on the device)."""

    def exception(self):
        return None

    def result(self):
        return []

    def synchronize(self):
        pass

    def get_future(self):
        raise NotImplementedError("jtorch's Work has no Future: the collective has already finished")

    def wait(self, timeout=None):
        return True

    def is_completed(self):
        return True

    def is_success(self):
        return True


_Work = Work


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


def _root(rank, group_rank):
    """The root rank of a rooted collective, given as a global or a group rank (groups span every process)."""
    if group_rank is not None:
        return group_rank
    if rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    return rank


def _require_init():
    if not _state["initialized"]:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")


class DistError(RuntimeError):
    """torch.distributed.DistError: a failure of the distributed runtime."""


class DistBackendError(DistError):
    """torch.distributed.DistBackendError: a collective failed (e.g. a rank has gone)."""


class DistNetworkError(DistError):
    """torch.distributed.DistNetworkError: a network failure (e.g. the master port is taken)."""


def _coordinator_address(init_method):
    if init_method is not None and init_method.startswith("tcp://"):
        return init_method[len("tcp://"):]
    if init_method in (None, "env://"):
        try:
            return f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}"
        except KeyError as e:
            raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment "
                             f"variable {e.args[0]} expected, but not set") from None
    raise NotImplementedError(f"jtorch's init_process_group supports tcp:// and env:// init methods, "
                              f"not {init_method!r}")


def _check_port_free(address):
    """Rank 0 hosts the coordinator: a taken port is torch's EADDRINUSE error, not a hang or a crash."""
    host, _, port = address.rpartition(":")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind(("" if host in ("localhost", "127.0.0.1", "0.0.0.0") else host.strip("[]"), int(port)))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise DistNetworkError(f"The server socket has failed to listen on any local network address. "
                                       f"port: {port}, useIpv6: false, code: -{errno.EADDRINUSE}, name: EADDRINUSE, "
                                       f"message: address already in use") from None
            # an address of another host, or one not bindable here: let the coordinator report it


def _start_jax_distributed(address, world_size, rank, timeout):
    if xla_bridge.backends_are_initialized():
        raise RuntimeError("init_process_group with several processes must come before any tensor or device use "
                           "(jax.distributed has to start before JAX's backend), unless the script is launched "
                           "with `jtorch run --nproc-per-node N`, whose workers join before the script runs")
    if jax.config.jax_cpu_collectives_implementation in (None, "none"):
        # CPU processes exchange values through gloo (the default since jax 0.5; older ones had none)
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    if rank == 0:
        _check_port_free(address)
    seconds = int(timeout.total_seconds()) if timeout is not None else 300
    try:
        jax.distributed.initialize(coordinator_address=address, num_processes=world_size, process_id=rank,
                                   initialization_timeout=max(1, seconds))
    except Exception as e:  # jax reports a rendezvous that never completes as an XlaRuntimeError
        raise DistError(f"init_process_group: rank {rank} could not join the {world_size} processes at "
                        f"{address} within {seconds} s: {e}") from e


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None, _ranks=None):
    """Join the process group. world_size 1 (the default without WORLD_SIZE) is this process alone;
    more processes call jax.distributed.initialize with the coordinator at MASTER_ADDR:MASTER_PORT
    (or init_method='tcp://host:port'), hosted by rank 0."""
    if _state["initialized"]:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None:
        raise NotImplementedError("jtorch's init_process_group rendezvouses through jax.distributed, not a Store")
    joined = jax.distributed.is_initialized()  # by the user, or by jtorch's launcher at worker start
    if world_size == -1:
        world_size = int(os.environ["WORLD_SIZE"]) if "WORLD_SIZE" in os.environ else jax.process_count()
    if rank == -1:
        rank = int(os.environ["RANK"]) if "RANK" in os.environ else (jax.process_index() if joined else 0)
    if not 0 <= rank < world_size:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {world_size - 1}]")
    if world_size > 1 and not joined:
        _start_jax_distributed(_coordinator_address(init_method), world_size, rank, timeout)
        _state["jax_initialized"] = True
    if jax.process_count() != world_size:
        raise ValueError(f"world_size {world_size} does not match the {jax.process_count()} processes "
                         f"jax.distributed joined")
    _state.update(initialized=True, backend=Backend(backend or ("nccl" if jax.default_backend() == "gpu" else "gloo")),
                  world_size=world_size, rank=rank, pg_count=1)


def destroy_process_group(group=None):
    if _state["jax_initialized"]:
        jax.distributed.shutdown()
    _state.pop("process_mesh", None)  # a later group may join other processes
    _programs.clear()
    _state.update(initialized=False, backend=None, world_size=1, rank=0, jax_initialized=False, pg_count=0)


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
              group_desc=None, device_id=None, sort_ranks=True):
    _require_init()
    _state["pg_count"] += 1
    if ranks is not None and sorted(ranks) != list(range(get_world_size())):
        raise NotImplementedError("jtorch's process groups span every process (new_group with a subset of ranks)")
    return _Group(ranks)


def _multi():
    return is_initialized() and _state["world_size"] > 1


# Across processes every collective is one small jitted XLA program over a 1-D mesh holding the
# first device of each process (axis "rank"): the input enters as a (world_size, *shape) global
# array whose row r lives on rank r, and XLA's collectives (gloo on CPU) move the data.

def _process_mesh():
    mesh = _state.get("process_mesh")
    if mesh is None:
        first = {}
        for d in jax.devices():
            first.setdefault(d.process_index, d)
        mesh = _state["process_mesh"] = Mesh(np.array([first[i] for i in range(jax.process_count())]), ("rank",))
    return mesh


def _sharding(spec):
    return NamedSharding(_process_mesh(), PartitionSpec(*spec))


def _stacked(value):
    """This process's `value` as its row of a (world_size, *shape) array spread over the processes."""
    mesh = _process_mesh()
    value = jax.numpy.asarray(value)
    row = jax.device_put(value[None], mesh.devices[jax.process_index()])
    return jax.make_array_from_single_device_arrays((mesh.size,) + value.shape, _sharding(("rank",)), [row])


def _combine(op, rows):
    """Reduce the leading (rank) axis of `rows` as torch's ReduceOp `op` does."""
    jnp = jax.numpy
    if op == ReduceOp.SUM:
        return rows.sum(0, dtype=rows.dtype)
    if op == ReduceOp.AVG:
        total = rows.sum(0, dtype=rows.dtype)
        n = rows.shape[0]
        return total // n if jnp.issubdtype(rows.dtype, jnp.integer) else (total / n).astype(rows.dtype)
    if op == ReduceOp.PRODUCT:
        return rows.prod(0, dtype=rows.dtype)
    if op == ReduceOp.MAX:
        return rows.max(0)
    if op == ReduceOp.MIN:
        return rows.min(0)
    bitwise = {ReduceOp.BAND: jnp.bitwise_and, ReduceOp.BOR: jnp.bitwise_or, ReduceOp.BXOR: jnp.bitwise_xor}
    fn = bitwise[op]
    out = rows[0]
    for i in range(1, rows.shape[0]):
        out = fn(out, rows[i])
    return out


_programs = {}


def _program(kind, op=None, src=0):
    """The jitted collective `kind` (cached; jax.jit caches each shape)."""
    key = (kind, op, src)
    fn = _programs.get(key)
    if fn is None:
        if kind == "reduce":
            fn = jax.jit(lambda x: _combine(op, x), out_shardings=_sharding(()))
        elif kind == "reduce_scatter":  # rows (world, world, *piece): rank r keeps reduced piece r
            fn = jax.jit(lambda x: _combine(op, x), out_shardings=_sharding(("rank",)))
        elif kind == "gather":
            fn = jax.jit(lambda x: x, out_shardings=_sharding(()))
        elif kind == "broadcast":
            fn = jax.jit(lambda x: x[src], out_shardings=_sharding(()))
        elif kind == "all_to_all":  # rows (world, world, *piece): rank r receives piece r of every rank
            fn = jax.jit(lambda x: x.swapaxes(0, 1), out_shardings=_sharding(("rank",)))
        _programs[key] = fn
    return fn


def _run(kind, value, **kw):
    """Run collective `kind` on this process's numpy/jax `value`; return this process's part of the result."""
    try:
        local = _program(kind, **kw)(_stacked(value)).addressable_data(0)
        return np.asarray(local[0] if kind in ("reduce_scatter", "all_to_all") else local)
    except jax.errors.JaxRuntimeError as e:  # gloo gives up on a peer that has gone after its timeout
        raise DistBackendError(f"{kind} across {get_world_size()} processes failed on rank {get_rank()} "
                               f"(has another rank exited?): {e}") from None


def _local_value(tensor):
    return np.asarray(tensor.detach().numpy())


def _gather_processes(tensor):
    """numpy array (world_size, *shape) of every process's value of `tensor`."""
    return _run("gather", _local_value(tensor))


def _set(tensor, value):
    with no_grad():  # tensor.copy_(value)
        tensor._assign(_tensor(np.asarray(value), dtype=tensor.dtype).to(tensor.device), "copy_")


def _done(async_op):
    return _Work() if async_op else None


def _check_op(op, tensor, name):
    if not isinstance(op, ReduceOp) or op in (ReduceOp.PREMUL_SUM, ReduceOp.UNUSED):
        raise ValueError(f"{name}: unsupported reduce op {op!r}")
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and tensor.is_floating_point():
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with floating-point tensors")


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce `tensor` across processes in place (identity in a single process)."""
    _require_init()
    _check_op(op, tensor, "all_reduce")
    if _multi():
        _set(tensor, _run("reduce", _local_value(tensor), op=op))
    return _done(async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce onto rank `dst` (every rank gets the result here; torch leaves the others' unspecified)."""
    _require_init()
    _root(dst, group_dst)
    all_reduce(tensor, op)
    return _done(async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy rank `src`'s tensor to every process (identity in a single process)."""
    _require_init()
    src = _root(src, group_src)
    if not 0 <= src < get_world_size():
        raise ValueError(f"Invalid src rank {src} for a group of {get_world_size()} ranks")
    if _multi():
        _set(tensor, _run("broadcast", _local_value(tensor), src=src))
    return _done(async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """tensor_list[i] <- rank i's tensor."""
    _require_init()
    if len(tensor_list) != get_world_size():
        raise ValueError(f"all_gather expects a list of {get_world_size()} tensors, got {len(tensor_list)}")
    if _multi():
        for t, v in zip(tensor_list, _gather_processes(tensor)):
            _set(t, v)
    else:
        _set(tensor_list[0], _local_value(tensor))
    return _done(async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """output_tensor <- every rank's input, concatenated along dim 0 (or stacked: (world_size, *shape))."""
    _require_init()
    if output_tensor.numel() != input_tensor.numel() * get_world_size():
        raise ValueError("output tensor size must be equal to world_size times input tensor size")
    vals = _gather_processes(input_tensor) if _multi() else _local_value(input_tensor)[None]
    _set(output_tensor, vals.reshape(tuple(output_tensor.shape)))
    return _done(async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """output <- input_list[rank] reduced over every rank."""
    _require_init()
    _check_op(op, output, "reduce_scatter")
    if len(input_list) != get_world_size():
        raise ValueError(f"reduce_scatter expects a list of {get_world_size()} tensors, got {len(input_list)}")
    if _multi():
        _set(output, _run("reduce_scatter", np.stack([_local_value(t) for t in input_list]), op=op))
    else:
        _set(output, _local_value(input_list[0]))
    return _done(async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """output <- piece `rank` (of world_size equal pieces along dim 0) of `input` reduced over every rank."""
    _require_init()
    _check_op(op, output, "reduce_scatter_tensor")
    world = get_world_size()
    if input.numel() != output.numel() * world:
        raise ValueError("input tensor must be the same size as output size times world size")
    pieces = _local_value(input).reshape((world,) + tuple(output.shape))
    _set(output, _run("reduce_scatter", pieces, op=op) if _multi() else pieces[0])
    return _done(async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """gather_list[i] <- rank i's tensor, on rank `dst` only."""
    _require_init()
    dst = _root(dst, group_dst)
    if get_rank() == dst:
        if gather_list is None or len(gather_list) != get_world_size():
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    vals = _gather_processes(tensor) if _multi() else _local_value(tensor)[None]
    if get_rank() == dst:
        for t, v in zip(gather_list, vals):
            _set(t, v)
    return _done(async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """tensor <- scatter_list[rank] of rank `src`."""
    _require_init()
    src = _root(src, group_src)
    if get_rank() == src:
        if scatter_list is None or len(scatter_list) != get_world_size():
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        rows = np.stack([_local_value(t) for t in scatter_list])
    else:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
        rows = np.zeros((get_world_size(),) + tuple(tensor.shape), _local_value(tensor).dtype)
    if _multi():
        rows = _run("broadcast", rows, src=src)
    _set(tensor, rows[get_rank()])
    return _done(async_op)


def all_gather_object(object_list, obj, group=None):
    _require_init()
    if _multi():
        data = np.frombuffer(pickle.dumps(obj), dtype=np.uint8)
        sizes = np.asarray(multihost_utils.process_allgather(np.array([data.size]), tiled=False)).ravel()
        padded = np.zeros(int(sizes.max()), np.uint8)
        padded[:data.size] = data
        allv = np.asarray(multihost_utils.process_allgather(padded, tiled=False))
        for i in range(len(object_list)):
            object_list[i] = pickle.loads(allv[i][:sizes[i]].tobytes())
    else:
        object_list[0] = obj


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    _require_init()
    src = _root(src, group_src)
    if _multi():
        gathered = [None] * get_world_size()
        all_gather_object(gathered, list(object_list))
        object_list[:] = gathered[src]


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Wait until every process gets here (returns at once in a single process)."""
    _require_init()
    if _multi():
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
    world = get_world_size()
    if _multi() and input_split_sizes is None and output_split_sizes is None and input.shape[0] % world == 0:
        pieces = _local_value(input).reshape((world, input.shape[0] // world) + tuple(input.shape[1:]))
        _set(output, _run("all_to_all", pieces).reshape(tuple(output.shape)))
    elif _multi():  # uneven splits: every rank's input, then this rank's piece of each
        vals, rank = _gather_processes(input), get_rank()
        if input_split_sizes is None:
            pieces = [np.array_split(v, world)[rank] for v in vals]
        else:
            bounds = np.cumsum([0] + list(input_split_sizes))
            pieces = [v[bounds[rank]:bounds[rank + 1]] for v in vals]
        _set(output, np.concatenate(pieces).reshape(tuple(output.shape)))
    else:
        _set(output, _local_value(input).reshape(tuple(output.shape)))
    return _done(async_op)


def _coalesced_warning(name):  # torch deprecates the coalesced forms with this warning
    warnings.warn(f"`torch.distributed.{name}` will be deprecated. If you must use it, please revisit our "
                  "documentation later at https://pytorch.org/docs/main/distributed.html#collective-functions",
                  FutureWarning, stacklevel=3)


def _same_dtype(tensors):
    first = tensors[0].dtype if tensors else None
    for t in tensors:
        if t.dtype is not first:
            raise ValueError(f"Invalid usage of tensors with different dtypesFound {first} and  {t.dtype}")


def all_gather_coalesced(output_tensor_lists, input_tensor_list, group=None, async_op=False):
    """output_tensor_lists[r][i] <- rank r's input_tensor_list[i] (one all_gather per tensor)."""
    _coalesced_warning("all_gather_coalesced")
    _require_init()
    _same_dtype(list(input_tensor_list) + [t for outputs in output_tensor_lists for t in outputs])
    for i, tensor in enumerate(input_tensor_list):
        all_gather([outputs[i] for outputs in output_tensor_lists], tensor, group)
    return _done(async_op)


def all_reduce_coalesced(tensors, op=ReduceOp.SUM, group=None, async_op=False):
    """all_reduce of each tensor of `tensors`."""
    _coalesced_warning("all_reduce_coalesced")
    _require_init()
    _same_dtype(list(tensors))
    for tensor in tensors:
        all_reduce(tensor, op, group)
    return _done(async_op)


def all_gather_single(output_tensor, input_tensor, group=None, async_op=False):
    return all_gather_into_tensor(output_tensor, input_tensor, group, async_op)


def reduce_scatter_single(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    return reduce_scatter_tensor(output, input, op, group, async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """output_tensor_list[r] <- rank r's input_tensor_list[rank]."""
    _require_init()
    world, rank = get_world_size(), get_rank()
    if len(output_tensor_list) != world or len(input_tensor_list) != world:
        raise ValueError(f"all_to_all expects lists of {world} tensors")
    if _multi():
        sent = [_gather_processes(t) for t in input_tensor_list]  # sent[i][r]: rank r's piece for rank i
        for r, out in enumerate(output_tensor_list):
            _set(out, sent[rank][r])
    else:
        _set(output_tensor_list[0], _local_value(input_tensor_list[0]))
    return _done(async_op)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """object_gather_list[i] <- rank i's `obj`, on rank `dst`."""
    _require_init()
    dst = _root(dst, group_dst)
    everyone = [None] * get_world_size()
    all_gather_object(everyone, obj, group)
    if get_rank() == dst:
        object_gather_list[:len(everyone)] = everyone


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    """scatter_object_output_list[0] <- rank `src`'s scatter_object_input_list[rank]."""
    _require_init()
    src = _root(src, group_src)
    if get_rank() == src and scatter_object_input_list is None:
        raise ValueError("Argument ``scatter_object_input_list`` must be specified on source rank.")
    shared = [scatter_object_input_list if get_rank() == src else None]
    broadcast_object_list(shared, src=src, group=group)
    scatter_object_output_list[0] = shared[0][get_rank()]


def get_global_rank(group, group_rank):
    """The global rank of `group_rank` in `group`."""
    ranks = getattr(group, "ranks", None)
    return ranks[group_rank] if ranks is not None and group is not GroupMember.WORLD else group_rank


def get_group_rank(group, global_rank):
    """The rank within `group` of process `global_rank`."""
    ranks = getattr(group, "ranks", None)
    if ranks is None or group is GroupMember.WORLD:
        return global_rank
    if global_rank not in ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return list(ranks).index(global_rank)


def get_node_local_rank(fallback_rank=None):
    """This process's rank on its node: LOCAL_RANK as launchers set it, else `fallback_rank`."""
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment. Consider passing fallback_rank to allow "
                       "`get_node_local_rank` to work, assuming you are not running in a multi-device context "
                       "and want the code to run locally instead.")


def get_pg_count():
    """How many process groups exist (the default group counts one)."""
    return _state["pg_count"]


def get_backend_config(group=None):
    _require_init()
    return f"cpu:{get_backend()},cuda:{get_backend()}"


def is_backend_available(backend):
    """jtorch's collectives run on XLA's gloo between CPU processes: that one backend only."""
    return str(backend).lower() == Backend.GLOO


def is_ucc_available():
    return False


def is_xccl_available():
    return False


def get_default_backend_for_device(device):
    kind = device if isinstance(device, str) else getattr(device, "type", str(device))
    kind = kind.split(":")[0]
    backends = {"cpu": "gloo", "cuda": "nccl"}
    if kind not in backends:
        raise ValueError(f"Default backend not registered for device : {kind}")
    return backends[kind]


def supports_complex(reduceOp):
    """Whether `reduceOp` is defined on complex tensors (ordering and bitwise ops are not)."""
    return reduceOp not in (ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PRODUCT, ReduceOp.BAND, ReduceOp.BOR,
                            ReduceOp.BXOR)


class _DeprecatedReduceOp:
    """torch.distributed.reduce_op: the pre-ReduceOp names, warning on use."""

    def __getattr__(self, name):
        warnings.warn("`torch.distributed.reduce_op` is deprecated, please use `torch.distributed.ReduceOp` "
                      "instead",
                      FutureWarning, stacklevel=2)
        return getattr(ReduceOp, name)


reduce_op = _DeprecatedReduceOp()


# Point-to-point: every jtorch collective is one XLA program all processes run together, so a
# transfer between two ranks while the others carry on has no honest equivalent here.

def _p2p(name, peer, group_peer, sending):
    _require_init()
    peer = _root(peer, group_peer)
    if peer == get_rank():
        side = "destination" if sending else "source"
        raise ValueError(f"Invalid {side} rank: {side} rank should not be the same as the rank of the current "
                         "process.")
    raise NotImplementedError(f"torch.distributed.{name}: jtorch's collectives are XLA programs that every "
                              "process runs together; point-to-point transfers between two ranks are not supported")


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    _p2p("send", dst, group_dst, True)


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    _p2p("recv", src, group_src, False)


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    _p2p("isend", dst, group_dst, True)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    _p2p("irecv", src, group_src, False)


def send_object_list(object_list, dst=None, group=None, device=None, group_dst=None, use_batch=False):
    _p2p("send_object_list", dst, group_dst, True)


def recv_object_list(object_list, src=None, group=None, device=None, group_src=None, use_batch=False):
    _p2p("recv_object_list", src, group_src, False)


class P2POp:
    """One isend/irecv for batch_isend_irecv."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` or "
                             "``torch.distributed.irecv``.")
        self.op, self.tensor, self.group, self.tag = op, tensor, group, tag
        self.peer, self.group_peer = peer, group_peer


def batch_isend_irecv(p2p_op_list):
    if not p2p_op_list:
        raise ValueError("batch_isend_irecv expects a non-empty list of P2POp")
    for p in p2p_op_list:
        p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer)
    return [Work() for _ in p2p_op_list]


def new_subgroups(group_size=None, group=None, timeout=None, backend=None, pg_options=None, group_desc=None):
    """Split the world into groups of `group_size` ranks: (this rank's group, every group)."""
    _require_init()
    if group_size is None:
        raise ValueError("Default group size only takes effect when CUDA is available.If your subgroup using a "
                         "backend that does not depend on CUDA,please pass in 'group_size' correctly.")
    world = get_world_size()
    if group_size <= 0 or world % group_size:
        raise ValueError(f"The world size ({world}) must be divisible by group_size={group_size}")
    return new_subgroups_by_enumeration([list(range(i, i + group_size)) for i in range(0, world, group_size)])


def new_subgroups_by_enumeration(ranks_per_subgroup_list, timeout=None, backend=None, pg_options=None,
                                 group_desc=None):
    _require_init()
    groups = [new_group(ranks) for ranks in ranks_per_subgroup_list]
    mine = next((g for g in groups if get_rank() in g.ranks), None)
    return mine, groups


def split_group(parent_pg=None, split_ranks=None, timeout=None, pg_options=None, group_desc=None, backend=None):
    _require_init()
    mine = next((r for r in split_ranks or [] if get_rank() in r), None)
    return new_group(mine) if mine is not None else None


def shrink_group(ranks_to_exclude, group=None, shrink_flags=0, pg_options=None):
    _require_init()
    if ranks_to_exclude:
        raise NotImplementedError("jtorch's process groups span every process (shrink_group excluding ranks)")
    return new_group()


def breakpoint(rank=0, skip=0, timeout_s=3600):  # noqa: A001 - torch's name
    """Stop rank `rank` in pdb while the others wait at a barrier."""
    if skip > 0:
        _breakpoint_hits[rank] = _breakpoint_hits.get(rank, 0) + 1
        if _breakpoint_hits[rank] <= skip:
            return
    if get_rank() == rank:
        pdb.set_trace()
    barrier()


_breakpoint_hits = {}


@contextlib.contextmanager
def record_comm(name):
    """torch.distributed.record_comm: labels the collectives inside (jtorch records nothing extra)."""
    yield
