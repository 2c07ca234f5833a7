"""torch.export against real torch.export: the exported program computes what the module computes,
lists the same parameters and buffers, survives save/load, and refuses what torch refuses."""
import functools
import io
import zipfile

import numpy as np
import pytest

import jtorch
import jtorch.export as jexport

torch = pytest.importorskip("torch")
import torch.export as texport  # noqa: E402


def _net(T):
    nn = T.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 4, 3, padding=1)
            self.bn = nn.BatchNorm2d(4)
            self.emb = nn.Embedding(6, 4)
            self.fc = nn.Linear(4, 3)

        def forward(self, x, idx):
            h = self.bn(self.conv(x)).relu() + x.mean()
            h = T.flatten(nn.functional.adaptive_avg_pool2d(h, 1), 1)
            return {"logits": self.fc(h), "emb": self.emb(idx).sum(1)}
    return Net()


def _pair():
    tm, jm = _net(torch), _net(jtorch)
    jm.load_state_dict({k: jtorch.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    tm.eval()
    jm.eval()
    rs = np.random.RandomState(0)
    x = rs.randn(2, 2, 5, 5).astype(np.float32)
    idx = np.array([[1, 2], [3, 5]])
    return tm, jm, (torch.tensor(x), torch.tensor(idx)), (jtorch.tensor(x), jtorch.tensor(idx))


@pytest.fixture(scope="module")
def exported():
    tm, jm, targs, jargs = _pair()
    return tm, jm, targs, jargs, texport.export(tm, targs), jexport.export(jm, jargs)


def _check_same(out, want):
    assert set(out) == set(want)
    for k in want:
        np.testing.assert_allclose(out[k].detach().numpy(), want[k].detach().numpy(), rtol=1e-5, atol=1e-5)


def test_program_equals_module_and_torch(exported):
    tm, jm, targs, jargs, tep, jep = exported
    want = tep.module()(*targs)
    _check_same(jep.module()(*jargs), want)
    _check_same(jm(*jargs), want)


def test_signature_lists_torchs_names(exported):
    *_, tep, jep = exported
    ts, js = tep.graph_signature, jep.graph_signature
    assert js.parameters == ts.parameters
    assert js.buffers == ts.buffers
    assert [(s.kind.name, s.arg.name, s.target) for s in js.input_specs] == \
        [(s.kind.name, s.arg.name, s.target) for s in ts.input_specs]
    assert js.user_inputs == ts.user_inputs == ("x", "idx")
    assert js.inputs_to_parameters == ts.inputs_to_parameters
    assert list(jep.state_dict) == list(tep.state_dict)
    placeholders = [n.name for n in jep.graph.nodes if n.op == "placeholder"]
    assert placeholders == [n.name for n in tep.graph.nodes if n.op == "placeholder"]
    assert list(jep.module().state_dict()) == list(tep.module().state_dict())


def test_graph_is_traced_through_modules_with_state_lifted(exported):
    *_, jep = exported
    ops = {n.op for n in jep.graph.nodes}
    assert ops <= {"placeholder", "call_function", "call_method", "output"}  # no call_module, no get_attr
    assert "Graph signature" in str(jep) and "p_conv_weight: PARAMETER target='conv.weight'" in str(jep)


def test_calling_the_program_raises_torchs_error(exported):
    *_, jargs, tep, jep = exported
    msg = "Unable to call ExportedProgram directly. You should use `exported_program.module()` instead."
    for ep in (tep, jep):
        with pytest.raises(RuntimeError, match=msg.replace("(", r"\(").replace(")", r"\)")):
            ep(*jargs)


def test_save_load_round_trip_without_pickled_code(exported, tmp_path):
    tm, jm, targs, jargs, tep, jep = exported
    path = tmp_path / "net.pt2"
    jexport.save(jep, str(path), extra_files={"note": "hello"})
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert "archive/program.json" in names
    extra = {"note": ""}
    loaded = jexport.load(str(path), extra_files=extra)
    assert extra["note"] == "hello"
    _check_same(loaded.module()(*jargs), tep.module()(*targs))
    assert loaded.graph_signature.parameters == tep.graph_signature.parameters
    buf = io.BytesIO()
    jexport.save(loaded, buf)
    buf.seek(0)
    _check_same(jexport.load(buf).module()(*jargs), tep.module()(*targs))


def test_load_refuses_code_in_names(tmp_path):
    import json
    ep = jexport.export(jtorch.nn.Linear(2, 2), (jtorch.ones(1, 2),))
    buf = io.BytesIO()
    jexport.save(ep, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        files = {n: z.read(n) for n in z.namelist()}
    program = json.loads(files["archive/program.json"])
    for bad in ({"target": "os.system"}, {"op": "call_method", "target": "relu(); import os #"}):
        node = dict(program["nodes"][-2], **bad)
        evil = dict(program, nodes=program["nodes"][:-2] + [node] + program["nodes"][-1:])
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for n, data in files.items():
                z.writestr(n, json.dumps(evil) if n == "archive/program.json" else data)
        out.seek(0)
        with pytest.raises(RuntimeError, match="torch.export.load"):
            jexport.load(out)


def test_export_leaves_module_state_alone_in_training():
    m = _net(jtorch)
    m.train()
    before = m.bn.running_mean.numpy().copy()
    ep = jexport.export(m, (jtorch.randn(2, 2, 5, 5), jtorch.tensor([[0, 1]])))
    assert int(m.bn.num_batches_tracked) == 0 and np.array_equal(m.bn.running_mean.numpy(), before)
    assert ep.graph_signature.buffers == ("bn.running_mean", "bn.running_var", "bn.num_batches_tracked")


def test_bad_arguments_raise_torchs_errors():
    for E, T in ((texport, torch), (jexport, jtorch)):
        # torch raises its dynamo UserError here, jtorch a ValueError: the words are the same
        with pytest.raises(Exception, match="Expecting `args` to be a tuple of example positional inputs"):
            E.export(T.nn.Linear(2, 2), T.ones(1, 2))
        with pytest.raises(ValueError, match="Expected `mod` to be an instance of `torch.nn.Module`"):
            E.export(lambda x: x, (T.ones(1, 2),))


def test_data_dependent_branch_is_refused():
    class Branch(jtorch.nn.Module):
        def forward(self, x):
            return x * 2 if x.sum() > 0 else x

    with pytest.raises(RuntimeError, match="data-dependent"):
        jexport.export(Branch(), (jtorch.ones(2),))


def _view(T):
    class View(T.nn.Module):
        def forward(self, x):
            return x.view(x.size(0), -1) * x.dim()
    return View()


def test_sizes_are_guarded_and_dims_checked():
    View = functools.partial(_view, jtorch)
    ep = jexport.export(View(), (jtorch.ones(2, 3, 4),))
    assert ep.module()(jtorch.ones(2, 3, 4)).shape == (2, 12)
    assert all(n.target != "size" for n in ep.graph.nodes)  # sizes read are constants of the graph...
    for E, T in ((texport, torch), (jexport, jtorch)):  # ...so a call at another size is refused, as torch does
        with pytest.raises(AssertionError, match=r"Guard failed: x.size\(\)\[0\] == 2"):
            E.export(_view(T), (T.ones(2, 3, 4),)).module()(T.ones(4, 3, 4))
    batch = jexport.Dim("batch", min=1, max=8)
    with pytest.raises(ValueError, match=r"Constraints violated \(x.shape\[0\]\)"):
        jexport.export(View(), (jtorch.ones(2, 3, 4),), dynamic_shapes={"x": {0: batch}})
    with pytest.raises(ValueError, match="batch"):
        jexport.export(jtorch.nn.ReLU(), (jtorch.ones(9, 3),), dynamic_shapes={"input": {0: batch}})
    # a program that reads no size runs at any size of a dynamic dimension
    relu = jexport.export(jtorch.nn.ReLU(), (jtorch.ones(2, 3),), dynamic_shapes={"input": {0: batch}}).module()
    assert relu(-jtorch.ones(5, 3)).tolist() == [[0.0] * 3] * 5
    for E, T in ((texport, torch), (jexport, jtorch)):
        lin = E.export(T.nn.Linear(3, 2), (T.ones(2, 3),))
        assert lin.graph_signature.user_inputs == ("input",)
        with pytest.raises(AssertionError, match=r"Guard failed: input.size\(\)\[0\] == 2"):
            lin.module()(T.ones(5, 3))
    a, b = jexport.dims("a", "b", min=2)
    assert (a.__name__, a.min, b.__name__) == ("a", 2, "b")


def test_unflatten_draft_export_decompositions_and_dataclass():
    import dataclasses
    m = _net(jtorch)
    m.eval()
    args = (jtorch.randn(1, 2, 5, 5), jtorch.tensor([[0, 1]]))
    ep = jexport.draft_export(m, args)
    assert ep._report.successful()
    un = jexport.unflatten(ep)
    assert isinstance(un, jexport.UnflattenedModule)
    _check_same(un(*args), m(*args))
    assert sorted(un.state_dict()) == sorted(m.state_dict())
    ep2 = ep.run_decompositions(jexport.default_decompositions())
    _check_same(ep2.module()(*args), m(*args))

    @dataclasses.dataclass
    class Pair:
        a: object
        b: object
    jexport.register_dataclass(Pair)

    class UsesPair(jtorch.nn.Module):
        def forward(self, p):
            return Pair(p.b, p.a * 2)
    out = jexport.export(UsesPair(), (Pair(jtorch.ones(1), jtorch.zeros(1)),)).module()(
        Pair(jtorch.ones(1), jtorch.zeros(1)))
    assert isinstance(out, Pair) and out.b.tolist() == [2.0]
