"""`python -m jtorch.distributed.run` (also `jtorch run --nproc-per-node N ...`): torchrun for jtorch.

Starts `--nproc-per-node` worker processes on this node with the environment torchrun gives
its workers (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR,
MASTER_PORT, ...). Each worker runs the script with `torch` aliased to jtorch, and its
`dist.init_process_group()` joins the others through jax.distributed (the coordinator runs
in rank 0 at MASTER_ADDR:MASTER_PORT). The launcher then watches the workers: when one
exits non-zero or is killed, the others are stopped at once and the launcher exits 1 with
torchrun's ChildFailedError report naming the first failed rank, so a dead worker never
leaves the rest hanging in a collective.
"""
import argparse
import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
import runpy
import traceback
from .distributed_c10d import _start_jax_distributed

__all__ = ["ChildFailedError", "get_args_parser", "parse_args", "run", "main"]


class ChildFailedError(Exception):
    """A worker exited non-zero or died from a signal; `failures` maps global rank -> ProcessFailure."""

    def __init__(self, name, failures):
        self.name = name
        self.failures = failures
        super().__init__(self.format_msg())

    def get_first_failure(self):
        rank = min(self.failures, key=lambda r: self.failures[r].timestamp)
        return rank, self.failures[rank]

    def format_msg(self, boarder_delim="=", section_delim="-"):
        root, first = self.get_first_failure()
        others = [f.describe(r) for r, f in sorted(self.failures.items()) if r != root]
        width = 60
        lines = [boarder_delim * width, f"{self.name} FAILED", section_delim * width, "Failures:"]
        lines += others or ["  <NO_OTHER_FAILURES>"]
        lines += [section_delim * width, "Root Cause (first observed failure):", first.describe(root),
                  boarder_delim * width]
        return "\n" + "\n".join(lines)


class ProcessFailure:
    """What torchrun reports about one failed worker."""

    def __init__(self, local_rank, pid, exitcode):
        self.local_rank, self.pid, self.exitcode = local_rank, pid, exitcode
        self.timestamp = time.time()
        self.error_file = "<N/A>"

    def signal_name(self):
        try:
            return signal.Signals(-self.exitcode).name
        except ValueError:
            return "<Unknown>"

    def describe(self, rank):
        when = datetime.datetime.fromtimestamp(self.timestamp).strftime("%Y-%m-%d_%H:%M:%S")
        if self.exitcode < 0:
            trace = f"Signal {-self.exitcode} ({self.signal_name()}) received by PID {self.pid}"
        else:
            trace = "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html"
        return (f"[{rank}]:\n  time      : {when}\n  host      : {socket.gethostname()}\n"
                f"  rank      : {rank} (local_rank: {self.local_rank})\n"
                f"  exitcode  : {self.exitcode} (pid: {self.pid})\n  error_file: {self.error_file}\n"
                f"  traceback : {trace}")


def _nproc(value):
    if value in ("auto", "cpu"):
        return 1  # one jtorch process drives every local device already
    if value == "gpu":
        return 1
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"nproc_per_node must be positive, got {value}")
    return n


def _nnodes(value):
    lo, _, hi = str(value).partition(":")
    if hi and hi != lo:
        raise argparse.ArgumentTypeError(f"elastic --nnodes ranges ({value}) are not supported; give one number")
    return int(lo)


def get_args_parser():
    p = argparse.ArgumentParser(prog="jtorch run", description="torchrun for jtorch: start one worker process "
                                "per --nproc-per-node, each running the script with torch aliased to jtorch.")
    add = p.add_argument
    add("--nnodes", type=_nnodes, default=1, help="number of nodes (default 1)")
    add("--nproc-per-node", "--nproc_per_node", dest="nproc_per_node", type=_nproc, default=1,
        help="worker processes on this node (default 1)")
    add("--node-rank", "--node_rank", dest="node_rank", type=int, default=0, help="this node's rank (default 0)")
    add("--master-addr", "--master_addr", dest="master_addr", default="127.0.0.1",
        help="address of node 0, where rank 0 runs the coordinator (default 127.0.0.1)")
    add("--master-port", "--master_port", dest="master_port", type=int, default=29500,
        help="free port on node 0 for the coordinator (default 29500)")
    add("--standalone", action="store_true", help="single node on a free port picked here")
    add("--max-restarts", "--max_restarts", dest="max_restarts", type=int, default=0,
        help="only 0: failed workers are not restarted")
    add("--monitor-interval", "--monitor_interval", dest="monitor_interval", type=float, default=0.1,
        help="seconds between checks of the workers (default 0.1)")
    add("--start-method", "--start_method", dest="start_method", default="spawn", help="accepted; always spawn")
    add("--rdzv-backend", "--rdzv_backend", dest="rdzv_backend", default="static",
        help="accepted for static; jax.distributed is the rendezvous")
    add("--rdzv-endpoint", "--rdzv_endpoint", dest="rdzv_endpoint", default="",
        help="host:port, the same as --master-addr/--master-port")
    add("--rdzv-id", "--rdzv_id", dest="rdzv_id", default="none", help="run id (TORCHELASTIC_RUN_ID)")
    add("--role", default="default", help="worker role name (ROLE_NAME)")
    add("-m", "--module", action="store_true", help="run training_script as a module (python -m)")
    add("--no-python", "--no_python", dest="no_python", action="store_true",
        help="run training_script as an executable, not with python")
    add("training_script", help="the script (or module, or executable) each worker runs")
    add("training_script_args", nargs=argparse.REMAINDER)
    return p


def parse_args(args=None):
    ns = get_args_parser().parse_args(args)
    if ns.max_restarts:
        raise SystemExit("jtorch run: --max-restarts other than 0 is not supported (workers are not restarted)")
    if ns.module and ns.no_python:
        raise SystemExit("jtorch run: Don't use both the '--no-python' flag and the '--module' flag at the same time.")
    if ns.rdzv_endpoint:
        host, _, port = ns.rdzv_endpoint.rpartition(":")
        ns.master_addr, ns.master_port = host or ns.rdzv_endpoint, int(port) if host else ns.master_port
    if ns.standalone:
        ns.nnodes, ns.node_rank, ns.master_addr, ns.master_port = 1, 0, "127.0.0.1", _free_port()
    if not 0 <= ns.node_rank < ns.nnodes:
        raise SystemExit(f"jtorch run: --node-rank {ns.node_rank} is outside [0, {ns.nnodes - 1}]")
    return ns


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker_command(ns):
    if ns.no_python:
        return [ns.training_script] + list(ns.training_script_args)
    kind = "module" if ns.module else "script"
    return [sys.executable, "-u", "-c", "from jtorch.distributed.run import _worker_main; _worker_main()", kind,
            ns.training_script] + list(ns.training_script_args)


def _worker_main():
    """A worker's entry: join the other workers, alias torch to jtorch (as `jtorch run`), then run
    the script or module.

    The worker joins jax.distributed before the script runs, because that must come before
    JAX's backend starts, and scripts commonly touch devices (torch.cuda.is_available(),
    building the model) before init_process_group(), which then finds the group joined.
    A worker that fails leaves at once with its exit code: the normal interpreter exit would
    first wait in jax.distributed's shutdown barrier for ranks that may be stuck in a
    collective with it."""

    from ..cli import install_aliases, run as run_script  # the entry point above this module, which imports it
    kind, target, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    code = 0
    try:
        if int(os.environ["WORLD_SIZE"]) > 1:
            _start_jax_distributed(f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}",
                                   int(os.environ["WORLD_SIZE"]), int(os.environ["RANK"]), None)
        if kind == "module":
            install_aliases()
            sys.argv = [target] + args
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            run_script(target, args)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, (int, type(None))):
            print(e.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    if code:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _worker_env(ns, local_rank, run_id):
    world = ns.nnodes * ns.nproc_per_node
    rank = ns.node_rank * ns.nproc_per_node + local_rank
    env = dict(os.environ)
    env.update(RANK=str(rank), LOCAL_RANK=str(local_rank), WORLD_SIZE=str(world),
               LOCAL_WORLD_SIZE=str(ns.nproc_per_node), GROUP_RANK=str(ns.node_rank),
               GROUP_WORLD_SIZE=str(ns.nnodes), ROLE_NAME=ns.role, ROLE_RANK=str(rank), ROLE_WORLD_SIZE=str(world),
               MASTER_ADDR=ns.master_addr, MASTER_PORT=str(ns.master_port), TORCHELASTIC_RUN_ID=run_id,
               TORCHELASTIC_RESTART_COUNT="0", TORCHELASTIC_MAX_RESTARTS=str(ns.max_restarts),
               TORCHELASTIC_USE_AGENT_STORE="False", TORCH_NCCL_ASYNC_ERROR_HANDLING="1")
    if ns.nproc_per_node > 1 and "OMP_NUM_THREADS" not in os.environ:
        env["OMP_NUM_THREADS"] = "1"  # as torchrun: workers sharing a node do not each take every core
    return env


def _stop(procs, grace=5.0):
    """SIGTERM the workers still running, then SIGKILL those still there after `grace` seconds."""
    alive = [p for p in procs if p.poll() is None]
    for p in alive:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    for p in alive:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def run(ns):
    """Start the workers and wait; raise ChildFailedError when one fails (after stopping the rest)."""
    run_id = ns.rdzv_id if ns.rdzv_id != "none" else uuid.uuid4().hex[:8]
    cmd = _worker_command(ns)
    procs = []
    received = []

    def on_signal(signum, frame):
        received.append(signum)

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for local_rank in range(ns.nproc_per_node):
            # own process group each: stopping a worker also stops what it started
            procs.append(subprocess.Popen(cmd, env=_worker_env(ns, local_rank, run_id), start_new_session=True))
        base = ns.node_rank * ns.nproc_per_node
        while True:
            if received:
                _stop(procs)
                raise SystemExit(128 + received[0])
            failures = {}
            for local_rank, p in enumerate(procs):
                code = p.poll()
                if code not in (None, 0):
                    failures[base + local_rank] = ProcessFailure(local_rank, p.pid, code)
            if failures:
                _stop(procs)  # those failing only because they were stopped are not reported
                raise ChildFailedError(ns.training_script, failures)
            if all(p.poll() == 0 for p in procs):
                return
            time.sleep(ns.monitor_interval)
    finally:
        _stop(procs, grace=1.0)
        for s, h in old.items():
            signal.signal(s, h)


def main(args=None):
    ns = parse_args(args)
    try:
        run(ns)
    except ChildFailedError as e:
        print(f"jtorch.distributed.run.ChildFailedError: {e}", file=sys.stderr)  # torchrun's report, then exit 1
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
