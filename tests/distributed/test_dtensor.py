"""torch.distributed.tensor inside one process: DTensor and tensor parallelism over 4 jax CPU devices.

One subprocess (4 forced host devices) builds DTensors and a tensor-parallel MLP and reports what each device
holds; the tests compare with torch's DTensor definitions (Shard(d) splits dim d in rank order) and, where
torch is installed, with torch's own DTensor run rank by rank on its fake process group (metadata and the
pieces each rank slices for itself, `src_data_rank=None`).
"""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import jtorch as torch, jtorch.nn as nn
    from jtorch.distributed.tensor import (DeviceMesh, DTensor, Partial, Replicate, Shard, distribute_module,
                                           distribute_tensor, init_device_mesh)
    import jtorch.distributed.tensor as dt
    from jtorch.distributed.tensor.parallel import (ColwiseParallel, PrepareModuleInput, PrepareModuleOutput,
                                                    RowwiseParallel, SequenceParallel, parallelize_module)

    def pieces(t):  # device index -> the piece of the value that device holds
        return {s.device.id: np.asarray(s.data).tolist() for s in t._value().addressable_shards}

    def per_device(ts):
        out = {}
        for t in ts:
            for s in t._value().addressable_shards:
                out[s.device.id] = out.get(s.device.id, 0) + s.data.nbytes
        return [out[d] for d in sorted(out)]

    def err(fn):
        try:
            fn()
        except Exception as e:
            return [type(e).__name__, str(e)]
        return None

    out = {}
    m1 = init_device_mesh("cpu", (4,))
    m2 = init_device_mesh("cpu", (2, 2), mesh_dim_names=("dp", "tp"))
    out["mesh"] = [repr(m2), list(m2._jax_mesh().shape.values()), m2.get_coordinate(), m2["tp"].mesh.tolist()]
    x = torch.arange(64.).reshape(8, 8)
    cases = {"S0": (m1, [Shard(0)], (8, 6)), "S1": (m1, [Shard(1)], (6, 8)), "R": (m1, [Replicate()], (6, 8)),
             "S0S1": (m2, [Shard(0), Shard(1)], (6, 8)), "S1S1": (m2, [Shard(1), Shard(1)], (6, 8)),
             "RS0": (m2, [Replicate(), Shard(0)], (6, 8))}
    out["cases"] = {}
    for name, (mesh, pl, shape) in cases.items():
        full = torch.arange(48.).reshape(shape)
        d = distribute_tensor(full, mesh, pl)
        out["cases"][name] = {"type": type(d).__name__, "placements": str(d.placements), "shape": list(d.shape),
                              "pieces": pieces(d), "local": d.to_local().tolist(),
                              "full": d.full_tensor().tolist()}
    d = distribute_tensor(x, m1, [Shard(0)])
    e = distribute_tensor(x, m1, [Shard(1)])
    ops = {"affine": d * 2 + 1, "matmul": d @ e.T, "sum0": e.sum(0), "relu_sub": (d - 20).relu(),
           "cat": torch.cat([d, d], 1)}
    out["ops"] = {k: [type(v).__name__, str(v.placements), v.full_tensor().tolist()] for k, v in ops.items()}
    r = d.redistribute(m1, [Shard(1)])
    out["redistribute"] = [str(r.placements), pieces(r), r.full_tensor().tolist()]
    w = distribute_tensor(torch.arange(12.).reshape(3, 4).requires_grad_(), m1, [Shard(1)])
    (w * w).sum().backward()
    out["grad"] = [w.is_leaf, w.requires_grad, type(w.grad).__name__, w.grad.full_tensor().tolist()]
    f = DTensor.from_local(torch.arange(6.).reshape(2, 3), m2, [Shard(1), Replicate()])
    out["from_local"] = [list(f.shape), str(f.placements), f.full_tensor().tolist(), f.to_local().tolist()]
    out["factories"] = {
        "ones": [str(v.placements), list(v.shape), float(v.full_tensor().sum().item())]
        for v in [dt.ones(4, 8, device_mesh=m2, placements=[Replicate(), Shard(1)])]}
    z = dt.zeros((8, 4), device_mesh=m1, placements=[Shard(0)])
    fu = dt.full((4, 4), 2.5, device_mesh=m1, placements=[Shard(1)])
    rn = dt.randn(8, 4, device_mesh=m1, placements=[Shard(0)], requires_grad=True)
    em = dt.empty(8, device_mesh=m1)
    ra = dt.rand(4, 8, device_mesh=m1, placements=[Shard(1)])
    out["factories"].update({"zeros": [str(z.placements), float(z.abs().sum().full_tensor().item())],
                             "full": [str(fu.placements), fu.full_tensor().tolist()],
                             "randn": [str(rn.placements), list(rn.shape), rn.requires_grad, type(rn).__name__],
                             "empty": [str(em.placements), list(em.shape)],
                             "rand": [float(ra.min().full_tensor().item()), float(ra.max().full_tensor().item())]})
    out["errors"] = {"mixed": err(lambda: d + x), "uneven": err(lambda: distribute_tensor(x[:5], m1, [Shard(0)])),
                     "partial": err(lambda: distribute_tensor(x, m1, [Partial()])),
                     "length": err(lambda: distribute_tensor(x, m2, [Shard(0)])),
                     "mesh": err(lambda: init_device_mesh("cpu", (3,))),
                     "tp2d": err(lambda: parallelize_module(nn.Linear(4, 4), m2, ColwiseParallel()))}

    lin = nn.Linear(8, 4)
    def rowwise(name, module, mesh):
        if isinstance(module, nn.Linear):
            module.weight = nn.Parameter(distribute_tensor(module.weight, mesh, [Shard(0)]))
    distribute_module(lin, m1, rowwise)
    out["distribute_module"] = [per_device([lin.weight]), per_device([lin.bias]),
                                type(lin.weight).__name__, list(dict(lin.named_parameters()))]

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(8, 32)
            self.fc2 = nn.Linear(32, 8)

        def forward(self, x):
            return self.fc2(torch.relu(self.fc1(x)))

    def train(parallel):
        torch.manual_seed(0)
        m = MLP()
        if parallel:
            parallelize_module(m, m1, {"fc1": ColwiseParallel(), "fc2": RowwiseParallel()})
        opt = torch.optim.Adam(m.parameters(), lr=0.01)
        rs = np.random.RandomState(0)
        got = []
        for _ in range(3):
            xb = torch.tensor(rs.randn(4, 8).astype(np.float32))
            opt.zero_grad()
            y = m(xb)
            (y ** 2).mean().backward()
            got.append([y.detach().numpy()] + [p.grad.numpy() for p in m.parameters()])
            opt.step()
        return m, got, opt

    base, bgot, _ = train(False)
    tp, tgot, topt = train(True)
    out["tp"] = {"gap_out_grad": max(float(np.abs(a - b).max()) for s, t in zip(bgot, tgot) for a, b in zip(s, t)),
                 "gap_params": max(float(np.abs(p.detach().numpy() - q.detach().numpy()).max())
                                   for p, q in zip(base.parameters(), tp.parameters())),
                 "weights": per_device([tp.fc1.weight, tp.fc2.weight]),
                 "weights_unsharded": per_device([base.fc1.weight, base.fc2.weight]),
                 "adam": per_device([v for p in (tp.fc1.weight, tp.fc2.weight) for k, v in topt.state[p].items()
                                     if k != "step"]),
                 "fc1_bias": per_device([tp.fc1.bias]), "fc2_bias": per_device([tp.fc2.bias]),
                 "names": [n for n, _ in tp.named_parameters()],
                 "types": [type(p).__name__ for p in tp.parameters()]}
    fc = parallelize_module(nn.Linear(8, 16), m1, ColwiseParallel(use_local_output=False))
    h = fc(x)
    out["colwise_dtensor"] = [type(h).__name__, str(h.placements), list(h.shape)]
    ln = nn.LayerNorm(8)
    ref = ln(torch.arange(64.).reshape(2, 4, 8)).detach().numpy()
    parallelize_module(ln, m1, SequenceParallel())
    s = ln(torch.arange(64.).reshape(2, 4, 8))
    out["sequence"] = [type(s).__name__, str(s.placements), float(np.abs(s.full_tensor().detach().numpy()
                                                                            - ref).max())]
    blk = nn.Sequential(nn.Identity())
    parallelize_module(blk, m1, {"0": PrepareModuleInput(input_layouts=(Replicate(),),
                                                         desired_input_layouts=(Shard(0),))})
    pin = blk(x)
    blk2 = parallelize_module(nn.Identity(), m1, PrepareModuleOutput(output_layouts=Shard(0),
                                                                    desired_output_layouts=Replicate(),
                                                                    use_local_output=False))
    pout = blk2(x)
    out["prepare"] = [type(pin).__name__, str(pin.placements), pin.full_tensor().tolist() == x.tolist(),
                      type(pout).__name__, str(pout.placements)]
    from jtorch.distributed.tensor.parallel import PrepareModuleInputOutput, loss_parallel
    blk3 = parallelize_module(nn.Identity(), m1, PrepareModuleInputOutput(
        input_layouts=Replicate(), desired_input_layouts=Shard(1), output_layouts=Shard(1),
        desired_output_layouts=Replicate(), use_local_output=False))
    io = blk3(x)
    logits = torch.tensor(np.random.RandomState(1).randn(8, 16).astype(np.float32))
    target = torch.tensor(np.arange(8) % 16)
    sharded = distribute_tensor(logits, m1, [Shard(1)])
    with loss_parallel():
        lp = nn.functional.cross_entropy(sharded, target)
    out["loss_parallel"] = [type(lp).__name__, float(lp.full_tensor().item()),
                            float(nn.functional.cross_entropy(logits, target).item()),
                            err(lambda: nn.functional.cross_entropy(sharded, target))]
    out["prepare_io"] = [type(io).__name__, str(io.placements), io.full_tensor().tolist() == x.tolist()]
    d.add_(1)
    out["inplace"] = [type(d).__name__, str(d.placements), d.full_tensor()[:, 0].tolist()]
    import jtorch.distributed.distributed_c10d as c10d
    c10d._multi = lambda: True  # as in a world of several processes: the entries name ranks, as before
    out["multi"] = [DeviceMesh("cpu", [0, 1, 2, 3])._jax_mesh() is None,
                    err(lambda: distribute_tensor(x, DeviceMesh("cpu", [0, 1, 2, 3]), [Shard(0)]))]
    print("RESULT " + json.dumps(out))
""")


@pytest.fixture(scope="module")
def run():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=4", JAX_PLATFORMS="cpu")
    p = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    line = [x for x in p.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def _chunks(full, mesh_shape, placements, coord):
    """torch's definition: for each mesh dim i in order, Shard(d) keeps chunk coord[i] of dim d."""
    piece = full
    for i, p in enumerate(placements):
        if p is not None:
            piece = np.array_split(piece, mesh_shape[i], axis=p)[coord[i]]
    return piece


_CASES = {"S0": ((4,), [0], (8, 6)), "S1": ((4,), [1], (6, 8)), "R": ((4,), [None], (6, 8)),
          "S0S1": ((2, 2), [0, 1], (6, 8)), "S1S1": ((2, 2), [1, 1], (6, 8)), "RS0": ((2, 2), [None, 0], (6, 8))}


def test_a_one_process_mesh_names_its_devices(run):
    text, shape, coord, sub = run["mesh"]
    assert text == "DeviceMesh('cpu', [[0, 1], [2, 3]], mesh_dim_names=('dp', 'tp'))"
    assert shape == [2, 2] and coord == [0, 0] and sub == [0, 1]
    kind, msg = run["errors"]["mesh"]
    assert kind == "RuntimeError" and "holds 3 ranks" in msg and "4 cpu devices" in msg
    names_ranks, (kind, msg) = run["multi"]  # several processes: a mesh names ranks; no DTensor over it
    assert names_ranks and kind == "NotImplementedError" and "across processes is not implemented" in msg


def test_each_device_holds_the_piece_shard_defines(run):
    for name, (mesh_shape, dims, shape) in _CASES.items():
        got = run["cases"][name]
        full = np.arange(48.).reshape(shape)
        assert got["type"] == "DTensor" and got["shape"] == list(shape), name
        for r in range(4):
            coord = np.unravel_index(r, mesh_shape)
            assert got["pieces"][str(r)] == _chunks(full, mesh_shape, dims, coord).tolist(), (name, r)
        assert got["local"] == _chunks(full, mesh_shape, dims, (0,) * len(mesh_shape)).tolist(), name
        assert got["full"] == full.tolist(), name
    assert run["cases"]["S0S1"]["placements"] == "(Shard(dim=0), Shard(dim=1))"
    assert run["cases"]["RS0"]["placements"] == "(Replicate(), Shard(dim=0))"


def test_ops_on_dtensors_give_dtensors_equal_to_the_unsharded_result(run):
    x = np.arange(64.).reshape(8, 8)
    want = {"affine": x * 2 + 1, "matmul": x @ x.T, "sum0": x.sum(0), "relu_sub": np.maximum(x - 20, 0),
            "cat": np.concatenate([x, x], 1)}
    for k, v in want.items():
        kind, placements, full = run["ops"][k]
        assert kind == "DTensor" and placements.startswith("(") and np.allclose(full, v), k
    assert run["ops"]["affine"][1] == "(Shard(dim=0),)"  # elementwise keeps the layout
    placements, pieces, full = run["redistribute"]
    assert placements == "(Shard(dim=1),)" and full == x.tolist()
    assert pieces["2"] == x[:, 4:6].tolist()
    assert run["inplace"] == ["DTensor", "(Shard(dim=0),)", (x[:, 0] + 1).tolist()]
    leaf, req, gtype, grad = run["grad"]
    assert leaf and req and gtype == "DTensor" and grad == (2 * np.arange(12.).reshape(3, 4)).tolist()


def test_from_local_and_factories(run):
    shape, placements, full, local = run["from_local"]
    piece = np.arange(6.).reshape(2, 3)
    assert shape == [2, 6] and placements == "(Shard(dim=1), Replicate())"
    assert full == np.tile(piece, (1, 2)).tolist() and local == piece.tolist()  # every rank passed `piece`
    f = run["factories"]
    assert f["ones"] == ["(Replicate(), Shard(dim=1))", [4, 8], 32.0]
    assert f["zeros"] == ["(Shard(dim=0),)", 0.0]
    assert f["full"] == ["(Shard(dim=1),)", [[2.5] * 4] * 4]
    assert f["randn"] == ["(Shard(dim=0),)", [8, 4], True, "DTensor"]
    assert f["empty"] == ["(Replicate(),)", [8]]
    assert 0.0 <= f["rand"][0] < f["rand"][1] < 1.0


def test_bad_layouts_raise_naming_the_reason(run):
    e = run["errors"]
    assert e["mixed"][0] == "RuntimeError" and "got mixed torch.Tensor and DTensor" in e["mixed"][1]
    assert e["uneven"][0] == "NotImplementedError" and "uneven" in e["uneven"][1]
    assert e["partial"][0] == "NotImplementedError" and "Partial" in e["partial"][1]
    assert e["length"][0] == "ValueError" and "same length as `device_mesh.ndim`" in e["length"][1]
    assert e["tp2d"][0] == "ValueError" and "1D DeviceMesh" in e["tp2d"][1]


def test_tensor_parallel_mlp_trains_as_unsharded_with_a_quarter_of_the_weights_per_device(run):
    tp = run["tp"]
    assert tp["gap_out_grad"] < 1e-5 and tp["gap_params"] < 1e-5
    whole = (8 * 32 + 32 * 8) * 4
    assert tp["weights_unsharded"] == [whole]  # unsharded: all on device 0
    assert tp["weights"] == [whole // 4] * 4
    assert tp["adam"] == [2 * whole // 4] * 4  # exp_avg and exp_avg_sq take their parameter's layout
    assert tp["fc1_bias"] == [32 * 4 // 4] * 4 and tp["fc2_bias"] == [8 * 4] * 4  # colwise splits, rowwise copies
    assert tp["names"] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert tp["types"] == ["Parameter"] * 4
    assert run["colwise_dtensor"] == ["DTensor", "(Shard(dim=1),)", [8, 16]]
    kind, placements, gap = run["sequence"]
    assert kind == "DTensor" and placements == "(Shard(dim=1),)" and gap < 1e-5
    assert run["prepare"] == ["DTensor", "(Shard(dim=0),)", True, "DTensor", "(Replicate(),)"]
    assert run["prepare_io"] == ["DTensor", "(Replicate(),)", True]
    kind, sharded_loss, whole_loss, outside = run["loss_parallel"]
    assert kind == "DTensor" and abs(sharded_loss - whole_loss) < 1e-6
    assert outside[0] == "RuntimeError" and "mixed torch.Tensor and DTensor" in outside[1]
    # Linear(8, 4) with its weight split by rows (partition_fn) and the bias replicated (the default)
    assert run["distribute_module"] == [[8 * 4 * 4 // 4] * 4, [4 * 4] * 4, "Parameter", ["weight", "bias"]]


def test_pieces_match_torchs_dtensor_rank_by_rank(run):
    torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
    dist = torch.distributed
    fake_pg = pytest.importorskip("torch.testing._internal.distributed.fake_pg")
    from torch.distributed.tensor import DTensor, Replicate, Shard, distribute_tensor, init_device_mesh
    if dist.is_initialized():
        pytest.skip("a torch process group is already set up in this process")
    for name, (mesh_shape, dims, shape) in _CASES.items():
        placements = [Replicate() if d is None else Shard(d) for d in dims]
        for r in range(4):
            dist.init_process_group("fake", rank=r, world_size=4, store=fake_pg.FakeStore())
            try:
                mesh = init_device_mesh("cpu", mesh_shape)
                full = torch.arange(48.).reshape(shape)
                theirs = distribute_tensor(full, mesh, placements, src_data_rank=None)
                assert run["cases"][name]["pieces"][str(r)] == theirs.to_local().tolist(), (name, r)
                assert run["cases"][name]["placements"] == str(tuple(theirs.placements)), name
                if name == "S0S1":
                    f = DTensor.from_local(torch.arange(6.).reshape(2, 3), mesh, [Shard(1), Replicate()])
                    assert run["from_local"][0] == list(f.shape)
            finally:
                dist.destroy_process_group()
