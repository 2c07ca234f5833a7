"""The nn.Module contract: registration, iteration, state_dict, hooks, modes, conversions, copying, repr."""
import copy
import pickle

import numpy as np
import pytest

import jtorch
import jtorch.nn as nn

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _pair(lib):
    """The same small nested model built with torch.nn or jtorch.nn."""
    class Block(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = lib.nn.Conv2d(3, 4, 3, padding=1)
            self.bn = lib.nn.BatchNorm2d(4)
            self.scale = lib.nn.Parameter(lib.ones(4))
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("cache", lib.zeros(2), persistent=False)

        def forward(self, x):
            return self.bn(self.conv(x)) * self.scale.view(1, -1, 1, 1)

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.head = lib.nn.Sequential(lib.nn.Flatten(), lib.nn.Linear(64, 10), lib.nn.ReLU(),
                                          lib.nn.Dropout(0.1))
            self.extra = lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(3)])
            self.table = lib.nn.ModuleDict({"a": lib.nn.Tanh(), "b": lib.nn.GELU(approximate="tanh")})
            self.plist = lib.nn.ParameterList([lib.nn.Parameter(lib.zeros(2, 3)), lib.nn.Parameter(lib.zeros(1))])
            self.pdict = lib.nn.ParameterDict({"w": lib.nn.Parameter(lib.zeros(3))})

        def forward(self, x):
            return self.head(self.block(x))
    return Net()


def test_repr_state_dict_and_structure_match_torch():
    t, j = _pair(torch), _pair(jtorch)
    assert repr(j) == repr(t)
    tsd, jsd = t.state_dict(), j.state_dict()
    assert list(jsd) == list(tsd)
    for k in tsd:
        assert tuple(jsd[k].shape) == tuple(tsd[k].shape) and jsd[k].dtype.name == str(tsd[k].dtype)[6:], k
    assert dict(jsd._metadata) == dict(tsd._metadata)
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in j.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in j.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in j.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in j.block.named_parameters(prefix="p", recurse=False)] == ["p.scale"]
    assert len(list(j.parameters())) == len(list(t.parameters()))
    assert j.get_submodule("head.1") is j.head[1]
    assert j.get_parameter("block.conv.weight") is j.block.conv.weight
    assert j.get_buffer("block.bn.running_mean") is j.block.bn.running_mean
    with pytest.raises(AttributeError, match="Net has no attribute `nope`"):
        j.get_submodule("nope.x")
    assert "block" in dir(j) and "scale" in dir(j.block) and "steps" in dir(j.block)


def test_load_state_dict_keys_and_errors():
    j = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    sd = j.state_dict()
    assert repr(j.load_state_dict(sd)) == "<All keys matched successfully>"
    partial = {k: v for k, v in sd.items() if k != "2.bias"}
    partial["extra"] = jtorch.zeros(1)
    res = j.load_state_dict(partial, strict=False)
    assert res.missing_keys == ["2.bias"] and res.unexpected_keys == ["extra"]
    with pytest.raises(RuntimeError) as e:
        j.load_state_dict(partial)
    assert str(e.value) == ('Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "2.bias". '
                            '\n\tUnexpected key(s) in state_dict: "extra". ')
    bad = dict(sd)
    bad["0.weight"] = jtorch.zeros(3, 3)
    with pytest.raises(RuntimeError) as e:
        j.load_state_dict(bad)
    assert ("size mismatch for 0.weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in "
            "current model is torch.Size([3, 2]).") in str(e.value)
    # values are copied into the same Parameter objects
    w = j[0].weight
    new = {k: jtorch.full(v.shape, 0.5) for k, v in sd.items()}
    j.load_state_dict(new)
    assert j[0].weight is w and w.requires_grad and float(w.sum()) == 3.0
    # a torch checkpoint loads into the jtorch model
    t = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    j.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in t.state_dict().items()})
    x = np.ones((1, 2), np.float32)
    np.testing.assert_allclose(j(jtorch.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(), rtol=1e-5)


def test_registration_rules():
    m = nn.Linear(2, 3)
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.register_buffer("weight", jtorch.zeros(1))
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'weight' \(torch.nn.Parameter "
                                        r"or None expected\)"):
        m.weight = jtorch.zeros(1)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'foo'"):
        m.foo
    with pytest.raises(KeyError, match="parameter name can.*t contain"):
        m.register_parameter("a.b", None)
    m.bias = None
    assert "bias" in m._parameters and m.bias is None
    m.extra = nn.Parameter(jtorch.ones(1))
    assert [n for n, _ in m.named_parameters()] == ["weight", "extra"]
    del m.extra
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    m.sub = nn.ReLU()
    m.add_module("sub2", nn.Tanh())
    m.register_module("sub3", None)
    assert list(dict(m.named_children())) == ["sub", "sub2"]
    m.buf = nn.Buffer(jtorch.zeros(2), persistent=False)
    assert "buf" in m._buffers and "buf" not in m.state_dict()
    shared = nn.Linear(1, 1)
    s = nn.Sequential(shared, shared)
    assert len(list(s.parameters())) == 2
    assert len(list(s.named_parameters(remove_duplicate=False))) == 4


def test_hooks_modes_and_grads():
    m = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.5))
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(tuple(out.shape)) or out + 1)
    h3 = m[0].register_forward_hook(lambda mod, args, kwargs, out: calls.append("kw"), with_kwargs=True)
    m.eval()
    assert not m.training and not m[1].training
    x = jtorch.ones(4, 3)
    y = m(x)
    ref = m[0](x * 2) + 1
    assert calls == ["kw", (4, 2), "kw"]
    np.testing.assert_allclose(y.detach().numpy(), ref.detach().numpy())
    for h in (h1, h2, h3):
        h.remove()
    np.testing.assert_allclose(m(x).detach().numpy(), m[0](x).detach().numpy())
    m.train()
    assert m.training and m[1].training
    m[0](x).sum().backward()
    assert m[0].weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert float(m[0].weight.grad.abs().sum()) == 0.0
    m.zero_grad()
    assert m[0].weight.grad is None
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]


def test_conversions_keep_parameter_objects():
    m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    w = m[0].weight
    assert m.double() is m
    assert m[0].weight is w and w.dtype is jtorch.float64 and w.requires_grad and w.is_leaf
    assert m[1].running_mean.dtype is jtorch.float64 and m[1].num_batches_tracked.dtype is jtorch.int64
    m.to(jtorch.float32)
    assert m[0].weight is w and w.dtype is jtorch.float32
    m.half().float().cpu()
    assert m[0].weight is w and w.dtype is jtorch.float32
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex dtypes"):
        m.to(jtorch.int64)


def test_deepcopy_and_pickle():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    c = copy.deepcopy(m)
    assert c[0].weight is not m[0].weight and isinstance(c[0].weight, nn.Parameter)
    np.testing.assert_array_equal(c[0].weight.detach().numpy(), m[0].weight.detach().numpy())
    with jtorch.no_grad():
        c[0].weight.add_(1.0)
    assert not np.allclose(c[0].weight.detach().numpy(), m[0].weight.detach().numpy())
    p = pickle.loads(pickle.dumps(m))
    assert repr(p) == repr(m) and list(p.state_dict()) == list(m.state_dict())


def test_parameter():
    p = nn.Parameter(jtorch.tensor([1.0, 2.0]))
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert p.requires_grad and p.is_leaf and isinstance(p, jtorch.Tensor)
    q = nn.Parameter(jtorch.zeros(2), requires_grad=False)
    assert not q.requires_grad


def test_containers():
    s = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    assert len(s) == 3 and isinstance(s[-1], nn.Linear) and isinstance(s[1:], nn.Sequential) and len(s[1:]) == 2
    with pytest.raises(IndexError, match="index 3 is out of range"):
        s[3]
    s.append(nn.Sigmoid())
    assert [type(m).__name__ for m in s] == ["Linear", "ReLU", "Linear", "Sigmoid"]
    del s[1]
    assert list(s._modules) == ["0", "1", "2"]
    from collections import OrderedDict
    od = nn.Sequential(OrderedDict([("fc", nn.Linear(1, 1)), ("act", nn.ReLU())]))
    assert list(dict(od.named_children())) == ["fc", "act"] and od.fc is od[0]
    ml = nn.ModuleList([nn.ReLU()])
    ml.append(nn.Tanh())
    ml.extend([nn.GELU()])
    ml.insert(0, nn.Identity())
    assert [type(m).__name__ for m in ml] == ["Identity", "ReLU", "Tanh", "GELU"]
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Tanh()
    assert list(md.keys()) == ["a", "b"] and "b" in md and len(md) == 2
    pl = nn.ParameterList([jtorch.zeros(2)])
    pl.append(nn.Parameter(jtorch.ones(3)))
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pd = nn.ParameterDict({"x": jtorch.zeros(1)})
    assert isinstance(pd["x"], nn.Parameter) and list(pd.keys()) == ["x"]
    tpl = torch.nn.ParameterList([torch.zeros(2), torch.nn.Parameter(torch.ones(3))])
    tpd = torch.nn.ParameterDict({"x": torch.zeros(1)})
    assert repr(pl) == repr(tpl) and repr(pd) == repr(tpd)


def _hooked(lib, log):
    def full(mod, gi, go):
        log.append(("full", type(mod).__name__, [None if g is None else np.round(g.detach().numpy(), 5).tolist()
                                                 for g in gi], [np.round(g.detach().numpy(), 5).tolist() for g in go]))

    def pre(mod, go):
        log.append(("pre", type(mod).__name__))
        return (go[0] * 2,)
    m = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2))
    m[1].register_full_backward_hook(full)
    m[2].register_full_backward_pre_hook(pre)
    h = m[0].register_full_backward_hook(full)
    return m, h


def test_backward_hooks_match_torch():
    import warnings
    tlog, jlog = [], []
    t, th = _hooked(torch, tlog)
    j, jh = _hooked(jtorch, jlog)
    j.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in t.state_dict().items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t(torch.ones(2, 3)).sum().backward()
        j(jtorch.ones(2, 3)).sum().backward()
    assert jlog == tlog and len(jlog) == 3
    np.testing.assert_allclose(j[0].weight.grad.numpy(), t[0].weight.grad.numpy(), rtol=1e-5)
    jh.remove()
    jlog.clear()
    j(jtorch.ones(2, 3)).sum().backward()
    assert [e[:2] for e in jlog] == [("pre", "Linear"), ("full", "Tanh")]
    assert repr(copy.deepcopy(j)) == repr(j)


def test_load_state_dict_pre_hook_gets_the_module_first_as_torch():
    seen = []
    for lib in (torch, jtorch):
        m = lib.nn.Linear(2, 3)
        m.register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, *rest: seen.append((type(mod).__name__, sorted(sd), prefix, len(rest))))
        m._register_load_state_dict_pre_hook(lambda sd, prefix, *rest: seen.append(("plain", prefix)))
        m.load_state_dict(m.state_dict())
        c = copy.deepcopy(m)  # the copy's hook gets the copy
        c.register_load_state_dict_pre_hook(lambda mod, *rest: seen.append(mod is c))
        c.load_state_dict(m.state_dict())
    assert seen[:len(seen) // 2] == seen[len(seen) // 2:]
    assert seen[0] == ("Linear", ["bias", "weight"], "", 5)
