"""torch.func and torch.autograd.functional: values, result structures and errors against PyTorch."""
import numpy as np
import pytest

import jtorch
import jtorch.autograd.functional as jAF
import jtorch.func as jF

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import torch.autograd.functional as tAF  # noqa: E402
import torch.func as tF  # noqa: E402

pytestmark = [  # warnings from inside torch.func itself
    pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Attempted to insert a get_attr Node:UserWarning"),
]

RNG = np.random.default_rng(0)
A = RNG.standard_normal(3).astype(np.float32)
B = RNG.standard_normal(3).astype(np.float32)
M = RNG.standard_normal((2, 3)).astype(np.float32)


def _pair(a):
    return jtorch.tensor(a), torch.tensor(a)


def _check(j, t, path="result"):
    """Same nesting (types, dict key order) and values, recursively."""
    if isinstance(t, torch.Tensor):
        assert isinstance(j, jtorch.Tensor), f"{path}: {type(j)} is not a Tensor"
        assert tuple(j.shape) == tuple(t.shape), f"{path}: shape {tuple(j.shape)} != {tuple(t.shape)}"
        assert str(j.dtype) == str(t.dtype), path
        np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-5, err_msg=path)
    elif isinstance(t, dict):
        assert type(j) is type(t) and list(j) == list(t), f"{path}: {j} vs {t}"
        for k in t:
            _check(j[k], t[k], f"{path}[{k!r}]")
    elif isinstance(t, (tuple, list)):
        assert type(j) is type(t) and len(j) == len(t), f"{path}: {type(j).__name__} of {len(j)} vs " \
                                                        f"{type(t).__name__} of {len(t)}"
        for i, (a, b) in enumerate(zip(j, t)):
            _check(a, b, f"{path}[{i}]")
    else:
        assert j == t, path


def _same_error(jcall, tcall):
    with pytest.raises(Exception) as te:
        tcall()
    with pytest.raises(type(te.value)) as je:
        jcall()
    assert str(je.value) == str(te.value)


def _both(fn):
    """fn(lib, F, x, y, m) for jtorch and torch: (jtorch result, torch result)."""
    js, ts = zip(*[_pair(a) for a in (A, B, M)])
    return fn(jtorch, jF, *js), fn(torch, tF, *ts)


def _cube(x):
    return (x ** 3).sum()


def test_grad_family_matches_torch():
    def run(lib, F, x, y, m):
        f = lambda x, y: (x.sin() * y).sum()  # noqa: E731
        aux = lambda x: ((x ** 2).sum(), {"double": x * 2, "half": [x / 2]})  # noqa: E731
        return [
            F.grad(f)(x, y),
            F.grad(f, argnums=(0, 1))(x, y),
            F.grad(f, argnums=-1)(x, y),
            F.grad_and_value(f)(x, y),
            F.grad(aux, has_aux=True)(x),
            F.grad_and_value(aux, has_aux=True)(x),
            F.grad(lambda d: (d["a"] * d["b"]).sum())({"b": x, "a": y}),   # pytree argument, key order kept
            F.grad(F.grad(lambda s: s.sin() * s ** 3))(x[0]),              # grad of grad
            F.grad(lambda x, n: _cube(x) * n)(x, 2.0),                      # non-tensor argument
        ]
    _check(*_both(run))


def test_complex_gradients_follow_torch_convention():
    z = np.array([1 + 2j, 3 - 1j], dtype=np.complex64)

    def run(lib, F, z):
        _, fn = F.vjp(lambda a: a * a.sin(), z)
        return [F.grad(lambda a: lib.view_as_real(a * a.sin()).sum())(z), fn(z)]
    _check(run(jtorch, jF, jtorch.tensor(z)), run(torch, tF, torch.tensor(z)))


def test_vjp_jvp_match_torch():
    def run(lib, F, x, y, m):
        out, fn = F.vjp(lambda a, b: (a * b, a.exp()), x, y)
        single, fn1 = F.vjp(lambda a: a.cos(), x)
        o2, fn2, aux = F.vjp(lambda a: (a * 3, {"sq": a ** 2}), x, has_aux=True)
        o3, lin = F.linearize(lambda a, b: (a.sin() * b, [a * 2]), x, y)
        return [out, fn((y, x)), single, fn1(y), o2, fn2(x), aux, o3, lin(y, x),
                F.jvp(lambda a, b: a * b.sin(), (x, y), (y, x)),
                F.jvp(lambda a: (a.exp(), [a * 2]), (x,), (y,)),
                F.jvp(lambda a: (a.exp(), a.sum()), (x,), (y,), has_aux=True),
                F.jvp(lambda m: m @ m.T, (m,), (lib.ones_like(m),))]
    _check(*_both(run))


def test_jacobians_and_hessians_match_torch():
    def run(lib, F, x, y, m):
        f = lambda x, y: x.sin() * y.sum()  # noqa: E731
        return [
            F.jacrev(f)(x, y), F.jacfwd(f)(x, y),
            F.jacrev(f, argnums=(0, 1))(x, y), F.jacfwd(f, argnums=(1, 0))(x, y),
            F.jacrev(lambda a: {"s": a.sum(), "m": m @ a})(x),                 # dict output
            F.jacrev(lambda a: (a * 2, a.sum()), has_aux=True)(x),
            F.jacfwd(lambda a: a.exp(), has_aux=False)(m),
            F.hessian(_cube)(x), F.hessian(lambda a, b: (a * a * b).sum(), argnums=(0, 1))(x, y),
            F.jacrev(F.jacrev(_cube))(x), F.jacfwd(F.jacfwd(_cube))(x),
            F.vmap(F.jacrev(lambda r: r.tanh() * 2))(m),                        # vmap of jacrev
        ]
    _check(*_both(run))


def test_vmap_in_dims_out_dims_and_nesting_match_torch():
    def run(lib, F, x, y, m):
        return [
            F.vmap(lambda r: r.sum())(m),
            F.vmap(lambda r, v: r * v, in_dims=(0, None))(m, y),
            F.vmap(lambda c, v: c * v, in_dims=(1, 0))(m, y),
            F.vmap(lambda c: c * 2, in_dims=-1)(m),
            F.vmap(lambda p, s: p[0] + p[1] * s, in_dims=((0, None), None))((m, x), 2.0),
            F.vmap(lambda d: d["a"] * d["b"], in_dims=({"a": 0, "b": None},))({"a": m, "b": x}),
            F.vmap(lambda r: (r, r.sum()), out_dims=(1, 0))(m),
            F.vmap(lambda r: {"r": r * 2, "x": x})(m),                         # unbatched output broadcasts
            F.vmap(lambda r: [r * 2, r.sum()], out_dims=-1)(m),
            F.vmap(lambda r: (r * 2, x.sum(), 3), out_dims=(1, None, None))(m),  # unbatched and non-tensor outputs
            F.vmap(lambda r, scale=1: r * scale)(m, scale=3),                  # kwargs are not mapped
            F.vmap(F.vmap(lambda a, b: a * b, in_dims=(0, None)), in_dims=(None, 0))(x, m),
            F.vmap(F.grad(_cube))(m),                                          # per-row gradients
            F.vmap(lambda r: F.vjp(lambda a: a.sin(), r)[1](r))(m),
        ]
    _check(*_both(run))


def test_vmap_runs_the_function_once_like_torch():
    """An out_dims of None must not cost a second trace: the body (and its side effects) runs once, as in torch."""
    def run(lib, F, x, y, m):
        calls = []

        def body(r):
            calls.append(1)
            return {"row": r * 2, "const": y.sum(), "n": 3}
        res = [F.vmap(body, out_dims={"row": 1, "const": None, "n": None})(m), len(calls)]
        res += [F.vmap(lambda r: body(r)["const"], out_dims=None)(m), len(calls)]
        return res
    _check(*_both(run))


def _models():
    jtorch.manual_seed(0)
    jm = jtorch.nn.Sequential(jtorch.nn.Linear(3, 4), jtorch.nn.Tanh(), jtorch.nn.Linear(4, 2))
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    tm.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in jm.state_dict().items()})
    return jm, tm


def test_functional_call_and_stack_module_state_match_torch():
    jm, tm = _models()
    jx, tx = _pair(M)

    def run(lib, F, model, x):
        new = {k: v.detach() * 2 for k, v in model.named_parameters()}
        lin = model[0]
        params = dict(model.named_parameters())

        def loss(p, x):
            return F.functional_call(model, p, (x,)).pow(2).mean()

        one = F.functional_call(lin, ({"weight": new["0.weight"]}, {"bias": new["0.bias"]}), x)
        ensemble_p, ensemble_b = F.stack_module_state([model, model])
        return [
            F.functional_call(model, new, (x,)), one, F.functional_call(lin, {"weight": new["0.weight"]}, (x,)),
            F.grad(loss)(params, x),                                         # gradients keep the params' key order
            F.vmap(F.grad(loss), in_dims=(None, 0))(params, x.unsqueeze(1)),  # per-sample gradients
            ensemble_p, ensemble_b,
            F.vmap(lambda p, b, x: F.functional_call(model, (p, b), (x,)), in_dims=(0, 0, None))(
                ensemble_p, ensemble_b, x),
            model(x),                                                        # the original parameters are back
        ]

    _check(run(jtorch, jF, jm, jx), run(torch, tF, tm, tx))
    jp, _ = jF.stack_module_state([jm, jm])
    assert all(p.is_leaf and p.requires_grad for p in jp.values())
    assert list(jp) == [k for k, _ in tm.named_parameters()]


def test_replace_all_batch_norm_modules_matches_torch():
    def run(lib, F, x, y, m):
        lib.manual_seed(0)
        net = F.replace_all_batch_norm_modules_(lib.nn.Sequential(lib.nn.BatchNorm1d(3)))
        per_sample = F.vmap(F.grad(lambda r: net(r * m).pow(3).sum()))(m)
        return [dict(net.named_buffers()), net[0].track_running_stats, per_sample]
    _check(*_both(run))


def _tied(lib):
    class Tied(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Linear(2, 2, bias=False)
            self.b = lib.nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))
    return Tied()


def test_functional_call_restores_on_error_and_ties_weights():
    lin = jtorch.nn.Linear(3, 2)
    w = lin.weight
    with pytest.raises(RuntimeError):
        jF.functional_call(lin, {"weight": jtorch.ones(5, 5)}, (jtorch.ones(2, 3),))
    assert lin.weight is w and lin._parameters["weight"] is w

    m = _tied(jtorch)
    x = jtorch.ones(1, 2)
    eye = jtorch.eye(2) * 2
    assert jF.functional_call(m, {"a.weight": eye}, (x,)).tolist() == [[4.0, 4.0]]
    assert jF.functional_call(m, {"b.weight": eye, "a.weight": eye}, (x,)).tolist() == [[4.0, 4.0]]
    untied = jF.functional_call(m, {"a.weight": eye}, (x,), tie_weights=False)
    np.testing.assert_allclose(untied.detach().numpy(), (x @ eye.T @ m.a.weight.T).detach().numpy(), rtol=1e-6)


def test_functional_call_writes_back_like_torch():
    """torch.func.functional_call hands a single dict to the call as is: buffers the module updates in place
    or rebinds come back in it (not in the dicts of a tuple, which are merged into a new one)."""
    def run(lib, F, x, y, m):
        class Counter(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer("count", lib.zeros(()))

            def forward(self, x):
                self.count = self.count + 1  # rebinds the buffer
                return x * self.count

        bn, counter = lib.nn.BatchNorm1d(3), Counter()
        stats = {"running_mean": lib.zeros(3), "running_var": lib.ones(3), "num_batches_tracked": lib.tensor(0)}
        one, merged = {"count": lib.ones(())}, ({"count": lib.ones(())},)
        t = _tied(lib)
        tied_strict = F.functional_call(t, {"b.weight": lib.eye(2)}, (lib.ones(1, 2),), strict=True)
        return [F.functional_call(bn, stats, (m,)), stats, dict(bn.named_buffers()),
                F.functional_call(counter, one, x), one, F.functional_call(counter, merged, x), merged,
                counter.count, tied_strict]
    _check(*_both(run))


def test_func_errors_match_torch():
    x = (jtorch.tensor(A), torch.tensor(A))
    lin = (jtorch.nn.Linear(3, 2), torch.nn.Linear(3, 2))
    cases = [
        lambda lib, F, x, lin: F.grad(lambda a: a * 2)(x),
        lambda lib, F, x, lin: F.grad(lambda a: 1.0)(x),
        lambda lib, F, x, lin: F.grad(lambda a: a.sum(), has_aux=True)(x),
        lambda lib, F, x, lin: F.grad(lambda a: a.sum())(3),
        lambda lib, F, x, lin: F.grad(lambda a: (a * 2.0).sum())(lib.tensor([1, 2])),
        lambda lib, F, x, lin: F.grad(lambda a: (a.sum(), 3), has_aux=True)(x),
        lambda lib, F, x, lin: F.grad(lambda a: a.sum(), argnums=1)(x),
        lambda lib, F, x, lin: F.vmap(lambda a, n: a * n, in_dims=(0, 0))(x, 2),
        lambda lib, F, x, lin: F.vmap(lambda a, b: a * b)(x, lib.ones(4)),
        lambda lib, F, x, lin: F.vmap(lambda a: 1)(x),
        lambda lib, F, x, lin: F.vmap(lambda a: a, in_dims=None)(x),
        lambda lib, F, x, lin: F.vmap(lambda a: a, in_dims=1)(x),
        lambda lib, F, x, lin: F.vmap(lambda a: a, in_dims=(None,))(x),
        lambda lib, F, x, lin: F.vmap(lambda a: a.sum(), out_dims=None)(x.reshape(3, 1)),
        lambda lib, F, x, lin: F.vmap(lambda a: a * lib.rand(()))(x),
        lambda lib, F, x, lin: F.jvp(lambda a: a, x, x),
        lambda lib, F, x, lin: F.vjp(lambda a: a * 2, x)[1](lib.ones(2)),
        lambda lib, F, x, lin: F.functional_call(lin, {"weight": lib.ones(2, 3)}, (x,), strict=True),
        lambda lib, F, x, lin: F.functional_call(lin, {"weight": lib.ones(2, 3), "bias": lib.ones(2),
                                                       "foo": lib.ones(1)}, (x,), strict=True),
        lambda lib, F, x, lin: F.functional_call(lin, ({"weight": lib.ones(2, 3)}, {"weight": lib.ones(2, 3)}), x),
        lambda lib, F, x, lin: F.functional_call(lin, {"weight": lib.ones(2, 3), "zz": lib.ones(1), "a.b": lib.ones(1)},
                                                 (x,), strict=True),
        lambda lib, F, x, lin: F.functional_call(lin, ({"weight": lib.ones(2, 3), "bias": lib.ones(2)},
                                                       {"bias": lib.ones(2), "weight": lib.ones(2, 3)}), x),
        lambda lib, F, x, lin: F.functional_call(lin, ({"weight": lib.ones(2, 3)}, [("bias", lib.ones(2))]), x),
        lambda lib, F, x, lin: F.functional_call(lin, {"weight", "bias"}, x),
        lambda lib, F, x, lin: F.functional_call(lin, {"weight": 3}, x),
        lambda lib, F, x, lin: F.functional_call(_tied(lib), {"b.weight": lib.eye(2), "a.weight": lib.ones(2, 2)},
                                                 (lib.ones(1, 2),)),
        lambda lib, F, x, lin: F.functional_call(_tied(lib), {"a.weight": lib.eye(2), "b.weight": lib.ones(2, 2)},
                                                 (lib.ones(1, 2),)),
    ]
    for case in cases:
        _same_error(lambda: case(jtorch, jF, x[0], lin[0]), lambda: case(torch, tF, x[1], lin[1]))


def test_vmap_randomness_same_and_different():
    x = jtorch.ones(3, 4)

    def noisy(r):
        return jtorch.nn.functional.dropout(r, 0.5) + jtorch.rand(())

    jtorch.manual_seed(1)
    a = jF.vmap(noisy, randomness="different")(x).numpy()
    jtorch.manual_seed(1)
    b = jF.vmap(noisy, randomness="different")(x).numpy()
    same = jF.vmap(noisy, randomness="same")(x).numpy()
    np.testing.assert_array_equal(a, b)  # reproducible from the seed
    assert len({tuple(row) for row in a}) == 3 and len({tuple(row) for row in same}) == 1
    d = a - a.min(axis=1, keepdims=True)
    assert np.all(np.isclose(d, 0) | np.isclose(d, 2))  # dropout zeroes or doubles, plus one draw per row


def test_vmap_keeps_captured_tensors_intact():
    assert jtorch.vmap is jF.vmap  # torch.vmap is torch.func.vmap
    buf = jtorch.zeros(3)

    def f(r):
        buf.add_(r)  # a write into a tensor from outside: cannot be kept
        return r * 2

    with pytest.raises(RuntimeError, match="wrote in place"):
        jF.vmap(f)(jtorch.ones(2, 3))
    assert buf.tolist() == [0.0, 0.0, 0.0]


def test_transforms_trace_inside_compile():
    x = jtorch.tensor(M)
    step = jtorch.compile(lambda x: jF.vmap(jF.grad(lambda r: (r.sin() * r).sum()))(x) + 1)
    for _ in range(3):
        out = step(x)
    np.testing.assert_allclose(out.numpy(), np.sin(M) + M * np.cos(M) + 1, rtol=1e-5)
    assert not step.lazy_only  # traced, not fallen back to the lazy path


def test_autograd_functional_matches_torch():
    def run(lib, F, x, y, m):
        AF = jAF if lib is jtorch else tAF
        f1 = lambda a: a.exp() * 2  # noqa: E731
        f2 = lambda a, b: (a * b, (a + b).sum())  # noqa: E731
        sc = lambda a, b: (a ** 3 * b).sum()  # noqa: E731
        return [
            AF.jacobian(f1, x), AF.jacobian(f2, (x, y)), AF.jacobian(lambda a: (a, a.sum()), x),
            AF.jacobian(lambda a, b: a * b, (x, y)), AF.jacobian(f1, (x,)),
            AF.jacobian(f1, m, vectorize=True, strategy="forward-mode"),
            AF.hessian(_cube, x), AF.hessian(sc, (x, y)), AF.hessian(lambda a: _cube(a).reshape(1, 1), x),
            AF.vjp(f1, x, y), AF.vjp(f2, (x, y), (y, lib.tensor(2.0))), AF.vjp(_cube, x), AF.vjp(f1, (x,), (y,)),
            AF.jvp(f1, x, y), AF.jvp(f2, (x, y), (y, x)), AF.jvp(lambda a: (a, a), x, y),
            AF.hvp(_cube, x, y), AF.vhp(_cube, x, y), AF.hvp(sc, (x, y), (y, x)), AF.vhp(sc, (x, y), (y, x)),
            AF.hvp(lambda a: _cube(a).reshape(1), x, y),
        ]
    _check(*_both(run))


def test_autograd_functional_errors_match_torch():
    x = (jtorch.tensor(A), torch.tensor(A))
    cases = [
        lambda AF, lib, x: AF.vjp(lambda a: a * 2, x),
        lambda AF, lib, x: AF.vjp(lambda a: a.sum(), x, lib.ones(2)),
        lambda AF, lib, x: AF.vjp(lambda a: a, x, (lib.ones(3), lib.ones(3))),
        lambda AF, lib, x: AF.vjp(lambda a: (a, a), x, (lib.ones(3),)),
        lambda AF, lib, x: AF.vjp(lambda a: [a], x, lib.ones(3)),
        lambda AF, lib, x: AF.vjp(lambda a: a, [x], lib.ones(3)),
        lambda AF, lib, x: AF.vjp(lambda a: a, x, [lib.ones(3)]),
        lambda AF, lib, x: AF.jvp(lambda a: a * 2, x),
        lambda AF, lib, x: AF.jvp(lambda a: a, x, lib.ones(2)),
        lambda AF, lib, x: AF.jacobian(lambda a: a, x, strategy="forward-mode"),
        lambda AF, lib, x: AF.jacobian(lambda a: a, x, strategy="bad"),
        lambda AF, lib, x: AF.jacobian(lambda a: a, x, strict=True, vectorize=True),
        lambda AF, lib, x: AF.jacobian(lambda a: a, x, create_graph=True, strategy="forward-mode", vectorize=True),
        lambda AF, lib, x: AF.jacobian(lambda a: 1, x),
        lambda AF, lib, x: AF.hessian(lambda a: a * 2, x),
        lambda AF, lib, x: AF.hessian(lambda a: (a.sum(), a.sum()), x),
        lambda AF, lib, x: AF.hvp(lambda a: a * 2, x, lib.ones(3)),
        lambda AF, lib, x: AF.vhp(lambda a: (a.sum(),), x, lib.ones(3)),
        lambda AF, lib, x: AF.vhp(lambda a, b: a.sum(), (x, x), (lib.ones(3),)),
        lambda AF, lib, x: AF.hvp(lambda a: a.sum(), x),
    ]
    for case in cases:
        _same_error(lambda: case(jAF, jtorch, x[0]), lambda: case(tAF, torch, x[1]))
