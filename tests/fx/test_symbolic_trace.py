"""torch.fx.symbolic_trace against real torch.fx: the same module traced by both gives the same node
ops and targets in the same order, and the GraphModule computes what the module computes."""
import operator

import numpy as np
import pytest

import jtorch
import jtorch.fx as jfx

torch = pytest.importorskip("torch")
import torch.fx as tfx  # noqa: E402


def _mlp(T):
    nn = T.nn

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(6, 8)
            self.act = nn.ReLU()
            self.fc2 = nn.Linear(8, 3)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))
    return MLP()


def _convnet(T):
    nn = T.nn

    class Block(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(c)
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.bn(self.conv(x)) + x)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(2, 4, 3, padding=1)
            self.layer = nn.Sequential(Block(4), Block(4))
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.head = nn.Linear(4, 3)

        def forward(self, x):
            x = self.layer(self.stem(x))
            return self.head(self.pool(x).flatten(1))
    return Net()


def _functional(T):
    nn, F = T.nn, T.nn.functional

    class Fn(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 3, 3)
            self.fc = nn.Linear(12, 4)

        def forward(self, x):
            h = F.relu(self.conv(x))
            h = F.max_pool2d(h, 2)
            n = x.size(0)
            h = h.view(n, -1)
            h = T.flatten(h, 1)
            return F.softmax(self.fc(h) * 2.0, dim=-1) + h.mean(dim=1, keepdim=True)
    return Fn()


def _copy_weights(tm, jm):
    sd = {k: jtorch.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()}
    jm.load_state_dict(sd)


def _target_name(node):
    t = node.target
    return t if isinstance(t, str) else t.__name__


def _signature(gm):
    return [(n.op, _target_name(n)) for n in gm.graph.nodes]


@pytest.mark.parametrize("build,shape", [(_mlp, (2, 6)), (_convnet, (2, 2, 5, 5)), (_functional, (2, 2, 6, 6))],
                         ids=["mlp", "convnet_bn_residual", "functional_and_methods"])
def test_same_graph_and_outputs_as_torch(build, shape):
    tm, jm = build(torch), build(jtorch)
    tm.eval()
    jm.eval()
    _copy_weights(tm, jm)
    tgm, jgm = tfx.symbolic_trace(tm), jfx.symbolic_trace(jm)
    assert _signature(jgm) == _signature(tgm)
    assert [n.name for n in jgm.graph.nodes] == [n.name for n in tgm.graph.nodes]
    x = np.random.RandomState(0).randn(*shape).astype(np.float32)
    want = tgm(torch.tensor(x)).detach().numpy()
    got = jgm(jtorch.tensor(x))
    np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(jm(jtorch.tensor(x)).detach().numpy(), want, rtol=1e-5, atol=1e-5)
    assert type(jgm).__name__ == type(tgm).__name__
    assert isinstance(jgm, jfx.GraphModule) and isinstance(jgm, jtorch.nn.Module)


def test_code_and_readable_match_torch_for_mlp():
    tgm, jgm = tfx.symbolic_trace(_mlp(torch)), jfx.symbolic_trace(_mlp(jtorch))
    assert jgm.code == tgm.code
    assert str(jgm.graph) == str(tgm.graph)
    assert jgm.print_readable(print_output=False) == tgm.print_readable(print_output=False)


def test_function_with_defaults_methods_and_operators():
    def f(x, scale=2):
        y = x.relu() * scale - 1
        return (y[0], y.shape, -y @ x.t())

    tgm, jgm = tfx.symbolic_trace(f), jfx.symbolic_trace(f)
    assert _signature(jgm) == _signature(tgm)
    x = np.arange(6, dtype=np.float32).reshape(2, 3) - 2
    want = tgm(torch.tensor(x))
    got = jgm(jtorch.tensor(x))
    np.testing.assert_allclose(got[0].numpy(), want[0].numpy())
    assert tuple(got[1]) == tuple(want[1])
    np.testing.assert_allclose(got[2].numpy(), want[2].numpy())
    assert jgm.graph.find_nodes(op="placeholder")[1].args == (2,)


def test_control_flow_iteration_and_len_raise_torchs_errors():
    for fx in (tfx, jfx):
        def branch(x):
            return x if x.sum() > 0 else -x
        with pytest.raises(fx.proxy.TraceError, match="symbolically traced variables cannot be used as inputs to "
                                                     "control flow"):
            fx.symbolic_trace(branch)
        with pytest.raises(fx.proxy.TraceError, match="Proxy object cannot be iterated"):
            fx.symbolic_trace(lambda x: [a for a in x])
        with pytest.raises(RuntimeError, match="'len' is not supported in symbolic tracing by default"):
            fx.symbolic_trace(lambda x: len(x))


def test_unpacking_a_proxy_indexes_it():
    def f(x):
        a, b = x
        return a + b
    gm = jfx.symbolic_trace(f)
    assert _signature(gm) == _signature(tfx.symbolic_trace(f))
    assert gm(jtorch.tensor([[1.0], [2.0]])).tolist() == [3.0]


def test_concrete_args_are_baked():
    def f(x, flag):
        return x * 2 if flag else x
    gm = jfx.symbolic_trace(f, concrete_args={"flag": True})
    assert gm(jtorch.tensor([1.0, 2.0])).tolist() == [2.0, 4.0]


def test_custom_tracer_leaf_modules_and_wrap():
    class Inner(jtorch.nn.Module):
        def forward(self, x):
            return x + 1

    class Outer(jtorch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = Inner()

        def forward(self, x):
            return self.inner(x) * 2

    class LeafTracer(jfx.Tracer):
        def is_leaf_module(self, m, qualname):
            return isinstance(m, Inner) or super().is_leaf_module(m, qualname)

    assert [n.op for n in jfx.symbolic_trace(Outer()).graph.nodes] == [
        "placeholder", "call_function", "call_function", "output"]
    graph = LeafTracer().trace(Outer())
    assert [(n.op, n.target) for n in graph.nodes][1] == ("call_module", "inner")
    gm = jfx.GraphModule(Outer(), graph)
    assert gm(jtorch.tensor([1.0])).tolist() == [4.0]


def test_autowrapped_math_and_sqrt():
    import math

    def f(x):
        return x * math.sqrt(x.size(1))
    gm = jfx.symbolic_trace(f)
    assert _signature(gm) == _signature(tfx.symbolic_trace(f))
    assert gm(jtorch.ones(2, 4)).tolist() == [[2.0] * 4] * 2


def test_graph_editing_dead_code_and_recompile():
    gm = jfx.symbolic_trace(lambda x: (x + 1).relu() * 3)
    g = gm.graph
    add = next(n for n in g.nodes if n.target is operator.add)
    relu = next(n for n in g.nodes if n.target == "relu")
    with g.inserting_after(add):
        neg = g.call_function(operator.neg, (add,))
    relu.replace_input_with(add, neg)
    assert set(add.users) == {neg}
    with g.inserting_after(neg):
        unused = g.call_function(operator.mul, (neg, 5))
    assert unused.name == "mul_1"
    assert g.eliminate_dead_code() is True
    assert unused not in list(g.nodes)
    g.lint()
    gm.recompile()
    assert "neg = -add" in gm.code
    assert gm(jtorch.tensor([1.0, -3.0])).tolist() == [0.0, 6.0]
    mul = next(n for n in g.nodes if n.target is operator.mul)
    mul.replace_all_uses_with(relu)
    assert g.output_node().args == (relu,)


def test_interpreter_transformer_and_shape_prop():
    from jtorch.fx.passes.shape_prop import ShapeProp
    m = _convnet(jtorch)
    m.eval()
    gm = jfx.symbolic_trace(m)
    x = jtorch.randn(2, 2, 5, 5)
    want = m(x).detach().numpy()
    np.testing.assert_allclose(jfx.Interpreter(gm).run(x).detach().numpy(), want, rtol=1e-5, atol=1e-6)
    copy = jfx.Transformer(gm).transform()
    np.testing.assert_allclose(copy(x).detach().numpy(), want, rtol=1e-5, atol=1e-6)
    ShapeProp(gm).propagate(x)
    metas = {n.name: n.meta["tensor_meta"] for n in gm.graph.nodes if "tensor_meta" in n.meta}
    assert tuple(metas["stem"].shape) == (2, 4, 5, 5) and tuple(metas["head"].shape) == (2, 3)
    assert metas["head"].dtype == jtorch.float32


def test_deepcopy_keeps_graph_and_weights():
    import copy
    m = _mlp(jtorch)
    gm = jfx.symbolic_trace(m)
    gm2 = copy.deepcopy(gm)
    x = jtorch.randn(3, 6)
    np.testing.assert_allclose(gm2(x).detach().numpy(), gm(x).detach().numpy())
    assert gm2.fc1.weight is not gm.fc1.weight
    assert gm2.code == gm.code


def _rewritable(T):
    class M(T.nn.Module):
        def forward(self, x, w):
            a = T.relu(x + w)
            b = T.relu(a + 1.0)
            c = x + w  # used twice below: not an occurrence of the pattern's inner value
            return b * 2, T.relu(c) + c
    return M()


def _pattern_pair(T):
    def pattern(x, y):
        return T.relu(x + y)

    def replacement(x, y):
        return T.sigmoid(x - y)
    return pattern, replacement


def test_replace_pattern_like_torch():
    results = {}
    for fx_, T in ((tfx, torch), (jfx, jtorch)):
        gm = fx_.symbolic_trace(_rewritable(T))
        matches = fx_.replace_pattern(gm, *_pattern_pair(T))
        x, w = np.array([0.5, -1.0], np.float32), np.array([2.0, 0.25], np.float32)
        out = gm(T.tensor(x), T.tensor(w))
        results[T.__name__] = (len(matches), _signature(gm), [o.numpy() for o in out])
    (tn, tsig, tout), (jn, jsig, jout) = results["torch"], results["jtorch"]
    assert jn == tn
    assert jsig == tsig
    for a, b in zip(jout, tout):
        np.testing.assert_allclose(a, b, rtol=1e-6)
