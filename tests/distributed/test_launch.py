"""Two worker processes on localhost through jtorch's torchrun (jtorch.distributed.run).

Each worker sees 2 host devices, joins the other through jax.distributed and gloo, and runs
an unmodified torch script. Every launch has a subprocess timeout, so a hang fails the test.
"""
import json
import os
import socket
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from tests.distributed._ranks import results_in

TIMEOUT = 240

WORKER = textwrap.dedent("""
    import json, os
    import numpy as np
    import torch
    import torch.distributed as dist
    from torch import nn
    from torch.utils.data.distributed import DistributedSampler

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # JAX's backend starts before the group
    dist.init_process_group()
    r, w = dist.get_rank(), dist.get_world_size()
    out = {"rank": r, "world": w, "initialized": dist.is_initialized(), "elastic": dist.is_torchelastic_launched(),
           "env": {k: os.environ.get(k) for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE",
                                                  "GROUP_RANK", "MASTER_ADDR", "MASTER_PORT")},
           "local_devices": len(__import__("jax").local_devices())}

    x = torch.tensor([1.0 + r, -2.0 * r, 3.0])
    for name in ("SUM", "AVG", "MAX", "MIN", "PRODUCT"):
        y = x.clone()
        dist.all_reduce(y, op=getattr(dist.ReduceOp, name))
        out[name] = y.tolist()
    i = torch.tensor([5 + r, 7], dtype=torch.int64)
    dist.all_reduce(i)
    out["int_sum"] = [i.tolist(), str(i.dtype)]
    b = torch.full((2,), float(r + 10))
    dist.broadcast(b, src=1)
    out["broadcast"] = b.tolist()
    gathered = [torch.zeros(2) for _ in range(w)]
    dist.all_gather(gathered, torch.tensor([r, r + 0.5]))
    out["all_gather"] = [t.tolist() for t in gathered]
    flat = torch.zeros(2 * w)
    dist.all_gather_into_tensor(flat, torch.tensor([r, r + 0.5]))
    out["all_gather_into_tensor"] = flat.tolist()
    rs = torch.zeros(2)
    dist.reduce_scatter(rs, [torch.tensor([10.0 * k + r, 1.0]) for k in range(w)])
    out["reduce_scatter"] = rs.tolist()
    rst = torch.zeros(2)
    dist.reduce_scatter_tensor(rst, torch.arange(2 * w, dtype=torch.float32) * (r + 1), op=dist.ReduceOp.MAX)
    out["reduce_scatter_tensor"] = rst.tolist()
    dist.barrier()
    objs = [None] * w
    dist.all_gather_object(objs, {"from": r})
    out["objects"] = objs
    out["sampler"] = list(DistributedSampler(list(range(7)), shuffle=False))
    out["sampler_shuffled"] = list(DistributedSampler(list(range(7)), shuffle=True, seed=3))

    # DDP: rank 1 starts from other weights (DDP broadcasts rank 0's) and trains on its half of the batch
    g = np.random.default_rng(0)
    X = g.standard_normal((8, 4)).astype(np.float32)
    Y = g.standard_normal((8, 1)).astype(np.float32)
    torch.manual_seed(r)
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1))
    if r == 0:
        with torch.no_grad():
            for p, v in zip(model.parameters(), np.split(np.arange(19, dtype=np.float32) / 19 - 0.5, [12, 15, 18])):
                p.copy_(torch.tensor(v).reshape(p.shape))
    ddp = nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
    n = len(X) // w
    xb, yb = torch.tensor(X[r * n:(r + 1) * n]), torch.tensor(Y[r * n:(r + 1) * n])
    for _ in range(3):
        opt.zero_grad()
        nn.functional.mse_loss(ddp(xb), yb).backward()
        opt.step()
    out["params"] = [p.detach().numpy().ravel().tolist() for p in model.parameters()]
    opt.zero_grad()
    with ddp.no_sync():  # accumulates this rank's own gradient
        nn.functional.mse_loss(ddp(xb), yb).backward()
    nn.functional.mse_loss(ddp(2 * xb), yb).backward()  # averages the accumulated gradients
    out["grads"] = [p.grad.numpy().ravel().tolist() for p in model.parameters()]
    bn = nn.BatchNorm1d(2)
    ddp_bn = nn.parallel.DistributedDataParallel(bn)
    with torch.no_grad():
        bn.running_mean.fill_(r + 1.0)
    ddp_bn.eval()
    ddp_bn(torch.ones(2, 2))  # broadcast_buffers: the forward starts from rank 0's running stats
    out["running_mean"] = bn.running_mean.tolist()
    print("RESULT " + json.dumps(out), flush=True)
    dist.destroy_process_group()
""")

DIES = textwrap.dedent("""
    import sys
    import torch
    import torch.distributed as dist
    dist.init_process_group()
    if dist.get_rank() == 1:
        sys.exit(3)
    t = torch.ones(2)
    dist.all_reduce(t)  # rank 0 waits here for rank 1, which is gone
    print("unreachable")
""")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(tmp_path, source, launcher, port):
    script = tmp_path / "train.py"
    script.write_text(source)
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu")
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-m"] + launcher + ["--nproc-per-node", "2", "--master-port", str(port),
                                                              str(script)],
                         capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=tmp_path)
    return res, time.monotonic() - start


def _results(res):
    return {o["rank"]: o for o in results_in(res.stdout)}


def _single_process_reference():
    """The same 3 SGD steps in this process, on the whole batch of 8, then the no_sync gradients."""
    import jtorch as torch
    from jtorch import nn
    g = np.random.default_rng(0)
    X = g.standard_normal((8, 4)).astype(np.float32)
    Y = g.standard_normal((8, 1)).astype(np.float32)
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1))
    with torch.no_grad():
        for p, v in zip(model.parameters(), np.split(np.arange(19, dtype=np.float32) / 19 - 0.5, [12, 15, 18])):
            p.copy_(torch.tensor(v).reshape(p.shape))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        nn.functional.mse_loss(model(torch.tensor(X)), torch.tensor(Y)).backward()
        opt.step()
    params = [p.detach().numpy().ravel() for p in model.parameters()]
    opt.zero_grad()
    nn.functional.mse_loss(model(torch.tensor(X)), torch.tensor(Y)).backward()
    nn.functional.mse_loss(model(2 * torch.tensor(X)), torch.tensor(Y)).backward()
    return params, [p.grad.numpy().ravel() for p in model.parameters()]


def test_two_processes_collectives_sampler_and_ddp(tmp_path):
    port = _free_port()
    res, _ = _launch(tmp_path, WORKER, ["jtorch.distributed.run"], port)
    assert res.returncode == 0, res.stderr[-4000:]
    out = _results(res)
    assert sorted(out) == [0, 1], res.stdout
    for r, o in out.items():
        assert o["env"] == {"RANK": str(r), "LOCAL_RANK": str(r), "WORLD_SIZE": "2", "LOCAL_WORLD_SIZE": "2",
                            "GROUP_RANK": "0", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
        assert (o["world"], o["initialized"], o["elastic"], o["local_devices"]) == (2, True, True, 2)
        # rank 0 holds [1, 0, 3], rank 1 holds [2, -2, 3]
        assert o["SUM"] == [3.0, -2.0, 6.0]
        assert o["AVG"] == [1.5, -1.0, 3.0]
        assert o["MAX"] == [2.0, 0.0, 3.0]
        assert o["MIN"] == [1.0, -2.0, 3.0]
        assert o["PRODUCT"] == [2.0, 0.0, 9.0]
        assert o["int_sum"] == [[11, 14], "torch.int64"]
        assert o["broadcast"] == [11.0, 11.0]
        assert o["all_gather"] == [[0.0, 0.5], [1.0, 1.5]]
        assert o["all_gather_into_tensor"] == [0.0, 0.5, 1.0, 1.5]
        assert o["objects"] == [{"from": 0}, {"from": 1}]
    # reduce_scatter: rank r gets sum over ranks k' of input_list[r] = [10 r + k', 1]
    assert out[0]["reduce_scatter"] == [1.0, 2.0] and out[1]["reduce_scatter"] == [21.0, 2.0]
    # reduce_scatter_tensor MAX of arange(4) * (rank + 1): [0, 2, 4, 6], split in 2
    assert out[0]["reduce_scatter_tensor"] == [0.0, 2.0] and out[1]["reduce_scatter_tensor"] == [4.0, 6.0]
    # DistributedSampler reads rank and world size from the process group, as torch's
    assert out[0]["sampler"] == [0, 2, 4, 6] and out[1]["sampler"] == [1, 3, 5, 0]
    torch = pytest.importorskip("torch")
    for r in (0, 1):
        ref = list(torch.utils.data.distributed.DistributedSampler(list(range(7)), num_replicas=2, rank=r,
                                                                   shuffle=False))
        assert out[r]["sampler"] == ref
    both = out[0]["sampler_shuffled"] + out[1]["sampler_shuffled"]
    assert len(out[0]["sampler_shuffled"]) == 4 and sorted(set(both)) == list(range(7))
    # DDP over 2 processes x 2 devices equals one process training on the whole batch
    ref, ref_grads = _single_process_reference()
    for r in (0, 1):
        for got, want in zip(out[r]["params"], ref):
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
        for got, want in zip(out[r]["grads"], ref_grads):  # no_sync, then a synced backward
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
    assert out[0]["params"] == out[1]["params"]
    assert out[0]["running_mean"] == out[1]["running_mean"] == [1.0, 1.0]


def test_rank_exiting_stops_the_launch_naming_it(tmp_path):
    res, seconds = _launch(tmp_path, DIES, ["jtorch.distributed.run"], _free_port())
    assert res.returncode == 1
    assert "ChildFailedError" in res.stderr and "FAILED" in res.stderr
    root = res.stderr[res.stderr.index("Root Cause"):]
    assert "rank      : 1 (local_rank: 1)" in root and "exitcode  : 3" in root
    assert "unreachable" not in res.stdout
    assert seconds < TIMEOUT


def test_taken_master_port_is_a_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        res, _ = _launch(tmp_path, "import torch.distributed as dist\ndist.init_process_group()\nprint('joined')\n",
                         ["jtorch", "run"], port)
    assert res.returncode == 1
    assert f"DistNetworkError: The server socket has failed to listen on any local network address. port: {port}" \
        in res.stderr
    assert "EADDRINUSE" in res.stderr and "rank      : 0 (local_rank: 0)" in res.stderr
    assert "joined" not in res.stdout


def test_environment_of_a_second_node_and_a_worker_killed_by_a_signal(tmp_path):
    """--no-python runs a plain executable: torchrun's variables for node 1 of 2, then rank 3 killed by SIGKILL."""
    script = tmp_path / "worker.sh"
    script.write_text('#!/bin/sh\necho "ENV $RANK $LOCAL_RANK $WORLD_SIZE $LOCAL_WORLD_SIZE $GROUP_RANK '
                      '$GROUP_WORLD_SIZE $ROLE_RANK $MASTER_ADDR $MASTER_PORT $TORCHELASTIC_RUN_ID $*"\n'
                      'if [ "$RANK" = 3 ]; then sleep 1; kill -KILL $$; fi\n')
    script.chmod(0o755)
    res = subprocess.run([sys.executable, "-m", "jtorch.distributed.run", "--nnodes", "2", "--node-rank", "1",
                          "--nproc-per-node", "2", "--master-addr", "10.1.2.3", "--master-port", "1234",
                          "--rdzv-id", "job7", "--no-python", str(script), "a", "--b"],
                         capture_output=True, text=True, timeout=TIMEOUT)
    lines = sorted(line for line in res.stdout.splitlines() if line.startswith("ENV "))
    assert lines == ["ENV 2 0 4 2 1 2 2 10.1.2.3 1234 job7 a --b", "ENV 3 1 4 2 1 2 3 10.1.2.3 1234 job7 a --b"]
    assert res.returncode == 1
    root = res.stderr[res.stderr.index("Root Cause"):]
    assert "rank      : 3 (local_rank: 1)" in root and "exitcode  : -9" in root
    assert "Signal 9 (SIGKILL) received by PID" in root
