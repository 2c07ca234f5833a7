"""torch.nn.utils parametrizations, weight/spectral norm (both APIs), fusion, skip_init, stateless calls:
parity with PyTorch (outputs, gradients w.r.t. the originals, state_dict keys, values after SGD steps,
power-iteration buffers) and torch's error messages."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import jtorch
import jtorch.nn as jnn
import jtorch.nn.utils.parametrize as jP

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
pytestmark = pytest.mark.filterwarnings("ignore:jtorch.*compiled .* different programs:RuntimeWarning")
tP = torch.nn.utils.parametrize

RTOL, ATOL = 1e-5, 1e-5


def _np(t):
    if isinstance(t, jtorch.Tensor):
        return t.numpy(force=True)
    return t.detach().numpy()


def _close(j, t, what="", rtol=RTOL, atol=ATOL):
    """allclose, with atol relative to the tensor's largest entry (float32 cancellation in big sums)."""
    j, t = _np(j), _np(t)
    scale = max(1.0, float(np.abs(t).max())) if t.size else 1.0
    np.testing.assert_allclose(j, t, rtol=rtol, atol=atol * scale, err_msg=what)


def _copy_state(tmod, jmod):
    """torch's state into jtorch (through numpy); the keys, in order, must already match."""
    tsd = tmod.state_dict()
    assert list(jmod.state_dict(keep_vars=True)) == list(tsd)
    res = jmod.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in tsd.items()})
    assert not res.missing_keys and not res.unexpected_keys


def _state_checks(tmod, jmod, what=""):
    """(jtorch value, torch value, name) for every state_dict entry; keys must match in order.
    keep_vars: no detach, which would record (and compile) an alias op per entry."""
    tsd, jsd = tmod.state_dict(), jmod.state_dict(keep_vars=True)
    assert list(jsd) == list(tsd)
    return [(jsd[k], tsd[k], what + k) for k in tsd]


def _check(checks, rtol=RTOL, atol=ATOL):
    """Compare many (jtorch, torch, name) triples; every jtorch value is already built, so the first
    .numpy() computes them all in one program."""
    for j, t, what in checks:
        _close(j, t, what, rtol, atol)


def _same_state(tmod, jmod, rtol=RTOL, atol=ATOL):
    _check(_state_checks(tmod, jmod), rtol, atol)


def _pairs(specs):
    """(torch module, jtorch module) for each (ctor name, args): same initial weights (torch's, seeded so a
    run is reproducible)."""
    torch.manual_seed(0)
    out = []
    for name, args in specs:
        tm, jm = getattr(torch.nn, name)(*args), getattr(jnn, name)(*args)
        _copy_state(tm, jm)
        out.append((tm, jm))
    return out


_RNG = np.random.default_rng(0)
_X = {}


def _input(shape):
    if shape not in _X:
        _X[shape] = _RNG.standard_normal(shape).astype(np.float32)
    return _X[shape]


def _train_parity(pairs, shapes, steps=2, lr=0.1, rtol=RTOL, atol=ATOL):
    """Summed loss over the modules, backward, SGD; checks outputs, gradients of every named parameter
    (the originals) and, at the end, every state_dict entry against torch. One jtorch program per step
    (the checks read values computed by the step's sync), the same program every step."""
    tparams = [p for tm, _ in pairs for p in tm.parameters()]
    jparams = [p for _, jm in pairs for p in jm.parameters()]
    for (tm, jm) in pairs:
        assert [n for n, _ in jm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    topt, jopt = torch.optim.SGD(tparams, lr=lr), jtorch.optim.SGD(jparams, lr=lr)
    for step in range(steps):
        touts = [tm(torch.tensor(_input(s))) for (tm, _), s in zip(pairs, shapes)]
        jouts = [jm(jtorch.tensor(_input(s))) for (_, jm), s in zip(pairs, shapes)]
        tl = sum(((o * o).sum() + o.sum()) for o in touts)
        jl = sum(((o * o).sum() + o.sum()) for o in jouts)
        topt.zero_grad()
        jopt.zero_grad()
        tl.backward()
        jl.backward()
        topt.step()
        jopt.step()
        checks = [(jo, to, f"output {i} step {step}") for i, (to, jo) in enumerate(zip(touts, jouts))]
        for (tm, jm) in pairs:
            checks += [(jp.grad, tp.grad, f"grad {n} step {step}")
                       for (n, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters())]
        _check(checks, rtol, atol)
    _check([c for tm, jm in pairs for c in _state_checks(tm, jm)], rtol, atol)


# -- parametrizations.weight_norm ------------------------------------------------------------------------

def test_parametrizations_weight_norm_parity_and_removal():
    tW, jW = torch.nn.utils.parametrizations.weight_norm, jnn.utils.parametrizations.weight_norm
    pairs = _pairs([("Linear", (5, 4)), ("Conv2d", (3, 4, 3)), ("Linear", (5, 4)), ("Linear", (5, 4))])
    checks = []
    for (tm, jm), dim in zip(pairs, (0, 0, None, 1)):
        assert tW(tm, dim=dim) is tm and jW(jm, dim=dim) is jm
        assert type(jm).__name__ == type(tm).__name__ == "Parametrized" + type(tm).__bases__[0].__name__
        assert jP.type_before_parametrizations(jm) is getattr(jnn, type(tm).__bases__[0].__name__)
        assert jP.is_parametrized(jm) and jP.is_parametrized(jm, "weight") and not jP.is_parametrized(jm, "bias")
        # g and v from right_inverse are torch's (g is a 0-dim norm of the whole tensor for dim=None)
        checks += _state_checks(tm, jm) + [(jm.weight, tm.weight, "weight")]
    _check(checks)
    assert list(pairs[0][1].state_dict(keep_vars=True)) == ["bias", "parametrizations.weight.original0",
                                                            "parametrizations.weight.original1"]
    assert pairs[2][1].parametrizations.weight.original0.shape == ()
    assert repr(pairs[0][1]) == repr(pairs[0][0])
    _train_parity(pairs, [(2, 5), (2, 3, 6, 6), (2, 5), (2, 5)])
    # removal leaves a plain Parameter holding g * v / ||v|| and restores the class
    (tm, jm) = pairs[0]
    jweight = jm.weight
    assert jP.remove_parametrizations(jm, "weight") is jm
    tP.remove_parametrizations(tm, "weight")
    assert type(jm) is jnn.Linear and not hasattr(jm, "parametrizations") and not jP.is_parametrized(jm)
    assert isinstance(jm.weight, jnn.Parameter) and jm.weight.requires_grad and jm.weight.is_leaf
    assert list(jm.state_dict(keep_vars=True)) == list(tm.state_dict()) == ["bias", "weight"]
    # old-style checkpoints (weight_g / weight_v) load into the parametrized module
    tl, jl = pairs[3]
    old = {"bias": tl.bias.detach(), "weight_g": torch.full((1, 5), 2.0), "weight_v": torch.ones(4, 5)}
    tl.load_state_dict(old)
    jl.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in old.items()})
    _check([(jm.weight, tm.weight, "removed"), (jm.weight, jweight, "removed == parametrized")]
           + _state_checks(tl, jl))


# -- parametrizations.spectral_norm ----------------------------------------------------------------------

def test_parametrizations_spectral_norm_power_iteration_train_and_eval():
    tS, jS = torch.nn.utils.parametrizations.spectral_norm, jnn.utils.parametrizations.spectral_norm
    pairs = _pairs([("Linear", (5, 4)), ("Conv2d", (3, 4, 3)), ("ConvTranspose2d", (3, 4, 3))])
    kwargs = [{}, {"n_power_iterations": 3}, {}]  # ConvTranspose: dim=1 by default
    for (tm, jm), kw in zip(pairs, kwargs):
        tS(tm, **kw)
        jS(jm, **kw)
        # the random initial u/v differ: start both from torch's
        _copy_state(tm, jm)
    assert list(pairs[0][1].state_dict(keep_vars=True)) == [
        "bias", "parametrizations.weight.original", "parametrizations.weight.0._u", "parametrizations.weight.0._v"]
    assert pairs[2][1].parametrizations.weight[0].dim == 1 and pairs[2][1].parametrizations.weight[0]._u.shape == (4,)
    ju = pairs[0][1].parametrizations.weight[0]._u
    # training: every forward does power iteration (u, v compared as state after each step)
    _train_parity(pairs, [(2, 5), (2, 3, 6, 6), (2, 3, 5, 5)], steps=3, rtol=2e-5)
    assert pairs[0][1].parametrizations.weight[0]._u is ju  # updated in place, as torch's out=
    # eval: no iteration, u/v unchanged, same normalised weight
    checks, us = [], []
    for tm, jm in pairs:
        tm.eval()
        jm.eval()
        assert not jm.parametrizations.weight[0].training
        us.append((jm, _np(jm.parametrizations.weight[0]._u).copy()))
        checks += [(jm.weight, tm.weight, "eval weight"), (jm.weight, tm.weight, "eval weight again")]
    _check(checks + [c for tm, jm in pairs for c in _state_checks(tm, jm)], 2e-5, 1e-5)
    for jm, u in us:
        np.testing.assert_array_equal(_np(jm.parametrizations.weight[0]._u), u)
    # errors
    lin = jnn.Linear(5, 4)
    for bad, err, msg in [({"n_power_iterations": 0}, ValueError,
                           "Expected n_power_iterations to be positive, but got n_power_iterations=0"),
                          ({"dim": 2}, IndexError,
                           "Dimension out of range (expected to be in range of [-2, 1] but got 2)")]:
        with pytest.raises(err) as te:
            tS(torch.nn.Linear(5, 4), **bad)
        with pytest.raises(err) as je:
            jS(lin, **bad)
        assert str(je.value) == str(te.value) == msg
    with pytest.raises(ValueError) as je:
        jS(lin, name="nope")
    with pytest.raises(ValueError) as te:
        tS(torch.nn.Linear(5, 4), name="nope")
    assert str(je.value) == str(te.value)


# -- parametrizations.orthogonal ------------------------------------------------------------------------

def test_parametrizations_orthogonal_maps():
    tO, jO = torch.nn.utils.parametrizations.orthogonal, jnn.utils.parametrizations.orthogonal
    # matrix_exp (square), householder (tall), cayley (wide: transposed, zero-padded), no trivialization
    specs = [("Linear", (4, 4)), ("Linear", (4, 6)), ("Linear", (6, 4)), ("Linear", (4, 6))]
    maps = [({}, "matrix_exp"), ({}, "householder"), ({"orthogonal_map": "cayley"}, "cayley"),
            ({"orthogonal_map": "householder", "use_trivialization": False}, "householder")]
    pairs = _pairs(specs)
    grams = []
    for (tm, jm), (kw, name) in zip(pairs, maps):
        tO(tm, **kw)
        jO(jm, **kw)
        assert jm.parametrizations.weight[0].orthogonal_map.name == name
        W = jm.weight
        grams.append(W @ W.T if W.shape[0] < W.shape[1] else W.T @ W)
    # deterministic right_inverse (square: QR of the weight; no trivialization: geqrf) equals torch's
    _check(_state_checks(*pairs[0]) + _state_checks(*pairs[3]) + [(pairs[3][1].weight, pairs[3][0].weight, "W")])
    for g in grams:
        np.testing.assert_allclose(_np(g), np.eye(g.shape[0]), atol=1e-5)
    assert list(pairs[1][1].state_dict(keep_vars=True)) == ["bias", "parametrizations.weight.original",
                                                            "parametrizations.weight.0.base"]
    assert list(pairs[3][1].state_dict(keep_vars=True)) == ["bias", "parametrizations.weight.original"]
    for tm, jm in pairs:  # the non-square bases use random columns: take torch's
        _copy_state(tm, jm)
    # jax's expm and torch's matrix_exp differ by float32 rounding, which SGD on sum(o * o) amplifies
    _train_parity(pairs, [(2, 4), (2, 4), (2, 6), (2, 4)], rtol=1e-4, atol=1e-4)
    # assigning an orthogonal matrix goes through right_inverse (a new base, original = -I)
    tm, jm = pairs[0]
    q = np.linalg.qr(_RNG.standard_normal((4, 4)))[0].astype(np.float32)
    with torch.no_grad():
        tm.weight = torch.tensor(q)
    jm.weight = jtorch.tensor(q)
    _check(_state_checks(tm, jm) + [(jm.weight, torch.tensor(q), "assigned")])
    # errors
    cases = [(lambda lib: lib.nn.Linear(4, 4), {"orthogonal_map": "qr"}),
             (lambda lib: lib.nn.BatchNorm1d(4), {}),
             (lambda lib: lib.nn.Linear(4, 4), {"name": "nope"})]
    for make, kw in cases:
        with pytest.raises(ValueError) as te:
            tO(make(torch), **kw)
        with pytest.raises(ValueError) as je:
            jO(make(jtorch), **kw)
        assert str(je.value) == str(te.value)


# -- parametrize: custom parametrizations, caching, chains, tuple right_inverse, errors ---------------------

def _custom(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

    class Scale(lib.nn.Module):
        def forward(self, X):
            return 2 * X

        def right_inverse(self, X):
            return X / 2

    class RankOne(lib.nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            return Z[:, 0].clone(), Z[0].clone() / Z[0, 0]

    class Counter(lib.nn.Module):
        calls = 0

        def forward(self, X):
            Counter.calls += 1
            return X + 1

    return Symmetric, Scale, RankOne, Counter


def test_register_parametrization_chain_tuple_cache_and_removal():
    tSym, tScale, tRank, tCount = _custom(torch)
    jSym, jScale, jRank, jCount = _custom(jtorch)
    pairs = _pairs([("Linear", (4, 4)), ("Linear", (4, 4)), ("Linear", (4, 4))])
    (t0, j0), (t1, j1), (t2, j2) = pairs
    for P, m, Sym, Scale, Rank in ((tP, t0, tSym, tScale, tRank), (jP, j0, jSym, jScale, jRank)):
        P.register_parametrization(m, "weight", Sym())
        P.register_parametrization(m, "weight", Scale())  # a chain: Scale(Sym(original))
    for P, m, Rank in ((tP, t1, tRank), (jP, j1, jRank)):
        with (torch if P is tP else jtorch).no_grad():
            m.weight[:] = torch.ones(4, 4) if P is tP else jtorch.ones(4, 4)
        P.register_parametrization(m, "weight", Rank())  # right_inverse -> (x, y): original0 / original1
    for P, m, Count in ((tP, t2, tCount), (jP, j2, jCount)):
        P.register_parametrization(m, "bias", Count())
    assert list(j0.state_dict()) == list(t0.state_dict()) == [
        "bias", "parametrizations.weight.original"]
    assert list(j1.state_dict()) == list(t1.state_dict()) == [
        "bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert list(j2.state_dict()) == list(t2.state_dict()) == ["weight", "parametrizations.bias.original"]
    assert len(j0.parametrizations.weight) == 2 and isinstance(j0.parametrizations.weight, jP.ParametrizationList)
    for tm, jm in pairs:
        _same_state(tm, jm)
        _close(jm.weight, tm.weight, "parametrized weight")
    w = _np(j0.weight)
    np.testing.assert_allclose(w, w.T)
    # the original keeps its identity (optimizers holding it keep working)
    orig = j2.parametrizations.bias.original
    _train_parity(pairs, [(2, 4)] * 3)
    assert j2.parametrizations.bias.original is orig
    # transfer: the same parametrization objects and original tensors on another module
    other = jP.transfer_parametrizations_and_params(j2, jnn.Linear(4, 4))
    assert jP.is_parametrized(other, "bias") and other.parametrizations.bias.original is orig
    assert other.parametrizations.bias[0] is j2.parametrizations.bias[0]
    # cached(): one evaluation per tensor inside the context
    jCount.calls = 0
    with jP.cached():
        a, b = j2.bias, j2.bias
        assert a is b and jCount.calls == 1
    j2.bias
    assert jCount.calls == 2
    # assignment goes through right_inverse (and needs one for every parametrization)
    v = _RNG.standard_normal((4, 4)).astype(np.float32)
    with pytest.raises(RuntimeError, match="parametrization Symmetric does not implement right_inverse."):
        j0.weight = jtorch.tensor(v)
    tP.register_parametrization(torch.nn.Linear(2, 2), "weight", tScale())
    jl = jP.register_parametrization(jnn.Linear(2, 2), "weight", jScale())
    jl.weight = jtorch.ones(2, 2)
    np.testing.assert_allclose(_np(jl.parametrizations.weight.original), np.full((2, 2), 0.5))
    # assigning a Parameter is refused, as in torch
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        jl.weight = jnn.Parameter(jtorch.ones(2, 2))
    # serialization only through state_dict; deepcopy works
    with pytest.raises(RuntimeError, match="Serialization of parametrized modules is only supported"):
        pickle.dumps(j0)
    j0c = copy.deepcopy(j0)
    assert type(j0c) is type(j0) and j0c.parametrizations.weight.original is not j0.parametrizations.weight.original
    _close(j0c.weight, j0.weight)
    # removal: leave_parametrized=False restores the original; True keeps the value
    for P, m in ((tP, t0), (jP, j0)):
        P.remove_parametrizations(m, "weight", leave_parametrized=False)
    _close(j0.weight, t0.weight)
    assert type(j0) is jnn.Linear and isinstance(j0.weight, jnn.Parameter)
    for P, m in ((tP, t1), (jP, j1)):
        P.remove_parametrizations(m, "weight")
    assert isinstance(j1.weight, jnn.Parameter) and list(j1.state_dict()) == ["bias", "weight"]
    _close(j1.weight, t1.weight)
    # a buffer can be parametrized too, and comes back as a buffer
    bn_t, bn_j = torch.nn.BatchNorm1d(3), jnn.BatchNorm1d(3)
    tP.register_parametrization(bn_t, "running_var", tScale())
    jP.register_parametrization(bn_j, "running_var", jScale())
    assert list(bn_j.state_dict()) == list(bn_t.state_dict())
    _close(bn_j.running_var, bn_t.running_var)
    jP.remove_parametrizations(bn_j, "running_var")
    assert "running_var" in bn_j._buffers and type(bn_j) is jnn.BatchNorm1d


def test_parametrize_errors_match_torch():
    def make(lib, name):
        class Flatten(lib.nn.Module):
            def forward(self, X):
                return X.flatten()

        class ToDouble(lib.nn.Module):
            def forward(self, X):
                return X.double()

        class BadInverse(lib.nn.Module):
            def forward(self, X):
                return X

            def right_inverse(self, X):
                return 3

        return {"Flatten": Flatten, "ToDouble": ToDouble, "BadInverse": BadInverse}[name]()

    def both(fn):
        with pytest.raises(Exception) as te:
            fn(torch)
        with pytest.raises(Exception) as je:
            fn(jtorch)
        assert type(je.value) is type(te.value) and str(je.value) == str(te.value), (je.value, te.value)

    P = {torch: tP, jtorch: jP}
    both(lambda lib: P[lib].register_parametrization(lib.nn.Linear(2, 3), "weight", make(lib, "Flatten")))
    both(lambda lib: P[lib].register_parametrization(lib.nn.Linear(2, 3), "weight", make(lib, "ToDouble")))
    both(lambda lib: P[lib].register_parametrization(lib.nn.Linear(2, 3), "weight", make(lib, "BadInverse")))
    both(lambda lib: P[lib].register_parametrization(lib.nn.Linear(2, 3), "nope", make(lib, "Flatten")))
    both(lambda lib: P[lib].remove_parametrizations(lib.nn.Linear(2, 3), "weight"))

    def second(lib):
        m = P[lib].register_parametrization(lib.nn.Linear(2, 3), "weight", lib.nn.Identity())
        P[lib].register_parametrization(m, "weight", make(lib, "Flatten"))
    both(second)

    def multi(lib):
        m = lib.nn.Linear(2, 3)
        lib.nn.utils.parametrizations.weight_norm(m)
        P[lib].remove_parametrizations(m, "weight", leave_parametrized=False)
    both(multi)
    # a failed registration leaves the module as it was
    m = jnn.Linear(2, 3)
    with pytest.raises(ValueError):
        jP.register_parametrization(m, "weight", make(jtorch, "Flatten"))
    assert type(m) is jnn.Linear and "weight" in m._parameters
    # unsafe=True allows shape changes
    jP.register_parametrization(m, "weight", make(jtorch, "Flatten"), unsafe=True)
    assert m.weight.shape == (6,)


# -- the hook-based nn.utils.weight_norm / spectral_norm ------------------------------------------------

def test_hook_weight_norm_parity_warning_and_removal():
    pairs = _pairs([("Linear", (5, 4)), ("Conv2d", (3, 4, 3))])
    for tm, jm in pairs:
        with pytest.warns(FutureWarning) as tw:
            torch.nn.utils.weight_norm(tm)
        with pytest.warns(FutureWarning) as jw:
            assert jnn.utils.weight_norm(jm) is jm
        assert str(jw[0].message) == str(tw[0].message)
        assert [n for n, _ in jm.named_parameters()] == ["bias", "weight_g", "weight_v"]
        _same_state(tm, jm)
        assert not isinstance(jm.weight, jnn.Parameter)
        _close(jm.weight, tm.weight)
    _train_parity(pairs, [(2, 5), (2, 3, 6, 6)])
    tm, jm = pairs[0]
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks on the same parameter weight"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            jnn.utils.weight_norm(jm)
    assert jnn.utils.remove_weight_norm(jm) is jm
    torch.nn.utils.remove_weight_norm(tm)
    assert isinstance(jm.weight, jnn.Parameter) and list(jm.state_dict()) == ["bias", "weight"]
    _close(jm.weight, tm.weight)
    assert not jm._forward_pre_hooks
    with pytest.raises(ValueError) as te:
        torch.nn.utils.remove_weight_norm(tm)
    with pytest.raises(ValueError) as je:
        jnn.utils.remove_weight_norm(jm)
    assert str(je.value) == str(te.value)


def test_hook_spectral_norm_parity_metadata_and_removal():
    pairs = _pairs([("Linear", (5, 4)), ("ConvTranspose2d", (3, 4, 3))])
    for tm, jm in pairs:
        torch.nn.utils.spectral_norm(tm)
        assert jnn.utils.spectral_norm(jm) is jm
        _copy_state(tm, jm)  # torch's random initial u / v
    tm, jm = pairs[0]
    assert list(jm.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert jm.state_dict()._metadata[""]["spectral_norm"] == {"weight.version": 1}
    assert pairs[1][1].weight_u.shape == (4,)  # dim=1 for transposed convs
    _train_parity(pairs, [(2, 5), (2, 3, 5, 5)], steps=3, rtol=2e-5)
    for tm, jm in pairs:
        tm.eval()
        jm.eval()
        u = _np(jm.weight_u).copy()
        to = tm(torch.tensor(_input((2, 5)) if isinstance(tm, torch.nn.Linear) else _input((2, 3, 5, 5))))
        jo = jm(jtorch.tensor(_input((2, 5)) if isinstance(jm, jnn.Linear) else _input((2, 3, 5, 5))))
        _close(jo, to, "eval output", 1e-4, 1e-5)
        np.testing.assert_array_equal(_np(jm.weight_u), u)
    tm, jm = pairs[0]
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks on the same parameter weight"):
        jnn.utils.spectral_norm(jm)
    # loading a state dict (with its version metadata) into a fresh spectral-norm module
    fresh = jnn.utils.spectral_norm(jnn.Linear(5, 4))
    fresh.load_state_dict(jm.state_dict())
    _close(fresh.weight_v, jm.weight_v)
    jnn.utils.remove_spectral_norm(jm)
    torch.nn.utils.remove_spectral_norm(tm)
    assert isinstance(jm.weight, jnn.Parameter) and list(jm.state_dict()) == ["bias", "weight"]
    assert not jm._forward_pre_hooks and not jm._state_dict_hooks and not jm._load_state_dict_pre_hooks
    _close(jm.weight, tm.weight, "removed", 1e-4, 1e-5)
    with pytest.raises(ValueError) as te:
        torch.nn.utils.remove_spectral_norm(tm)
    with pytest.raises(ValueError) as je:
        jnn.utils.remove_spectral_norm(jm)
    assert str(je.value) == str(te.value)


# -- fusion, skip_init, stateless, memory format -------------------------------------------------------

def test_spectral_norm_weight_matrices_match_torch():
    """Both APIs flatten the weight to rows along `dim` the same way as torch (1-D weights: the hook API
    makes a column, the parametrization refuses them)."""
    from torch.nn.utils.spectral_norm import SpectralNorm as TSpectralNorm
    from jtorch.nn.utils.spectral_norm import SpectralNorm as JSpectralNorm
    w = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    for dim in (0, 1, 2):
        t_hook, j_hook = TSpectralNorm(dim=dim), JSpectralNorm(dim=dim)
        _close(j_hook.reshape_weight_to_matrix(jtorch.tensor(w)), t_hook.reshape_weight_to_matrix(torch.tensor(w)))
    assert tuple(JSpectralNorm().reshape_weight_to_matrix(jtorch.ones(3)).shape) == \
        tuple(TSpectralNorm().reshape_weight_to_matrix(torch.ones(3)).shape) == (3, 1)
    tp = torch.nn.utils.parametrizations._SpectralNorm(torch.tensor(w), dim=1)
    jp = jnn.utils.parametrizations._SpectralNorm(jtorch.tensor(w), dim=1)
    _close(jp._reshape_weight_to_matrix(jtorch.tensor(w)), tp._reshape_weight_to_matrix(torch.tensor(w)))
    for p, lib in ((tp, torch), (jp, jtorch)):
        with pytest.raises(AssertionError, match="Expected weight to have more than 1 dimension, got 1"):
            p._reshape_weight_to_matrix(lib.ones(3))


def test_fusion_matches_torch_and_unfused_output():
    pairs = _pairs([("Conv2d", (3, 4, 3)), ("BatchNorm2d", (4,)), ("ConvTranspose2d", (3, 4, 3)),
                    ("Linear", (5, 4)), ("BatchNorm1d", (4,))])
    for tm, jm in pairs:
        if isinstance(tm, torch.nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                for t in (tm.weight, tm.bias, tm.running_mean):
                    t.copy_(torch.tensor(_RNG.standard_normal(4).astype(np.float32)))
                tm.running_var.copy_(torch.tensor(_RNG.uniform(0.5, 2, 4).astype(np.float32)))
            _copy_state(tm, jm)
        tm.eval()
        jm.eval()
    (tc, jc), (tb, jb), (tct, jct), (tl, jl), (tb1, jb1) = pairs
    fused = [(torch.nn.utils.fuse_conv_bn_eval(tc, tb), jnn.utils.fuse_conv_bn_eval(jc, jb), tc, tb, (2, 3, 6, 6)),
             (torch.nn.utils.fuse_conv_bn_eval(tct, tb, transpose=True),
              jnn.utils.fuse_conv_bn_eval(jct, jb, transpose=True), tct, tb, (2, 3, 5, 5)),
             (torch.nn.utils.fuse_linear_bn_eval(tl, tb1), jnn.utils.fuse_linear_bn_eval(jl, jb1), tl, tb1, (2, 5))]
    for tf, jf, tm, tbn, shape in fused:
        assert type(jf).__name__ == type(tf).__name__ and jf is not jc and jf is not jl
        assert isinstance(jf.weight, jnn.Parameter) and jf.weight.requires_grad
        _same_state(tf, jf, 1e-5, 1e-5)
        x = _input(shape)
        _close(jf(jtorch.tensor(x)), tbn(tm(torch.tensor(x))), "fused == bn(conv)", 1e-4, 1e-4)
    # the weight-level helpers with no conv bias / no affine BatchNorm
    w = _RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)
    rm, rv = np.zeros(4, np.float32), np.full(4, 4.0, np.float32)
    tw, tbias = torch.nn.utils.fuse_conv_bn_weights(torch.tensor(w), None, torch.tensor(rm), torch.tensor(rv),
                                                    1e-5, None, None)
    jw, jbias = jnn.utils.fuse_conv_bn_weights(jtorch.tensor(w), None, jtorch.tensor(rm), jtorch.tensor(rv),
                                               1e-5, None, None)
    _close(jw, tw)
    _close(jbias, tbias)
    assert isinstance(jw, jnn.Parameter) and jw.requires_grad is tw.requires_grad
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        jnn.utils.fuse_conv_bn_eval(jc.train(), jb)
    with pytest.raises(AssertionError) as te:
        torch.nn.utils.fuse_linear_bn_eval(torch.nn.Linear(5, 3).eval(), tb1)
    with pytest.raises(AssertionError) as je:
        jnn.utils.fuse_linear_bn_eval(jnn.Linear(5, 3).eval(), jb1)
    assert str(je.value) == str(te.value)


def test_skip_init_stateless_and_memory_format():
    # skip_init: the right structure, no initialisation drawn from the generator
    jtorch.manual_seed(3)
    expected = _np(jtorch.rand(3))
    jtorch.manual_seed(3)
    m = jnn.utils.skip_init(jnn.Linear, 5, 4, bias=True)
    assert type(m) is jnn.Linear and m.weight.shape == (4, 5) and isinstance(m.weight, jnn.Parameter)
    np.testing.assert_array_equal(_np(jtorch.rand(3)), expected)
    for bad in (jnn.ReLU, int):
        with pytest.raises(RuntimeError) as te:
            torch.nn.utils.skip_init(getattr(torch.nn, bad.__name__) if bad is jnn.ReLU else bad)
        with pytest.raises(RuntimeError) as je:
            jnn.utils.skip_init(bad)
        assert str(je.value) == str(te.value)

    # stateless.functional_call: swapped for one call, restored after (also on error)
    (tm, jm), = _pairs([("Linear", (5, 4))])
    new_w = _RNG.standard_normal((4, 5)).astype(np.float32)
    x = _input((2, 5))
    with pytest.warns(FutureWarning) as tw:
        to = torch.nn.utils.stateless.functional_call(tm, {"weight": torch.tensor(new_w)}, torch.tensor(x))
    with pytest.warns(FutureWarning) as jw:
        jo = jnn.utils.stateless.functional_call(jm, {"weight": jtorch.tensor(new_w)}, (jtorch.tensor(x),))
    assert str(jw[0].message) == str(tw[0].message)
    _close(jo, to)
    _same_state(tm, jm)
    w0 = jm.weight

    class Boom(jnn.Module):
        def __init__(self):
            super().__init__()
            self.lin = jm

        def forward(self, x):
            raise ValueError("boom")

    boom = Boom()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(ValueError, match="boom"):
            jnn.utils.stateless.functional_call(boom, {"lin.weight": jtorch.zeros(4, 5)}, x)
        assert jm.weight is w0 and jm._parameters["weight"] is w0
        with pytest.raises(RuntimeError) as je:
            jnn.utils.stateless.functional_call(jm, {"weight": jtorch.zeros(4, 5), "extra": jtorch.zeros(1)},
                                                jtorch.tensor(x), strict=True)
        with pytest.raises(RuntimeError) as te:
            torch.nn.utils.stateless.functional_call(tm, {"weight": torch.zeros(4, 5), "extra": torch.zeros(1)},
                                                     torch.tensor(x), strict=True)
        assert str(je.value) == str(te.value)
        # tied weights: one value reaches every name; two different values are refused
        tied_t = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 4))
        tied_j = jnn.Sequential(jnn.Linear(4, 4), jnn.Linear(4, 4))
        tied_t[1].weight, tied_j[1].weight = tied_t[0].weight, tied_j[0].weight
        bad_t = {"0.weight": torch.zeros(4, 4), "1.weight": torch.ones(4, 4)}
        bad_j = {"0.weight": jtorch.zeros(4, 4), "1.weight": jtorch.ones(4, 4)}
        with pytest.raises(ValueError) as te:
            torch.nn.utils.stateless.functional_call(tied_t, bad_t, torch.zeros(1, 4))
        with pytest.raises(ValueError) as je:
            jnn.utils.stateless.functional_call(tied_j, bad_j, jtorch.zeros(1, 4))
        assert str(je.value) == str(te.value)
        out = jnn.utils.stateless.functional_call(tied_j, {"0.weight": jtorch.zeros(4, 4)}, jtorch.ones(1, 4))
        np.testing.assert_allclose(_np(out), np.broadcast_to(_np(tied_j[1].bias), (1, 4)))
        # buffers a module updates during the call land in the caller's dict (BatchNorm running stats)
        tbn, jbn = torch.nn.BatchNorm1d(5), jnn.BatchNorm1d(5)
        td, jd = {"running_mean": torch.zeros(5)}, {"running_mean": jtorch.zeros(5)}
        torch.nn.utils.stateless.functional_call(tbn, td, torch.tensor(x))
        jnn.utils.stateless.functional_call(jbn, jd, jtorch.tensor(x))
        _close(jd["running_mean"], td["running_mean"])
        np.testing.assert_array_equal(_np(jbn.running_mean), np.zeros(5))

    # memory format: values are always row-major; the parameter objects and values are kept
    net = jnn.Sequential(jnn.Conv2d(3, 4, 3), jnn.ReLU(), jnn.Sequential(jnn.Conv2d(4, 2, 1)))
    w = net[0].weight
    before = _np(w).copy()
    assert jnn.utils.convert_conv2d_weight_memory_format(net, jtorch.channels_last) is net
    assert net[0].weight is w
    np.testing.assert_array_equal(_np(net[0].weight), before)
