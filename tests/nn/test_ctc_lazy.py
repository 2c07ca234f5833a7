"""F.ctc_loss / nn.CTCLoss and the lazy modules: parity with torch (values, gradients, errors,
state_dict, repr, class after the first forward)."""
import copy
import warnings

import numpy as np
import pytest

import jtorch
import jtorch.nn as jnn
import jtorch.nn.functional as JF

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

RNG = np.random.default_rng(3)
T, N, C, S = 6, 3, 5, 4
RAW = RNG.standard_normal((T, N, C)).astype(np.float32)
TARGETS = np.array([[1, 2, 2, 3], [4, 1, 0, 0], [3, 3, 1, 0]])  # a repeat needs a blank between
IN_LENS, TGT_LENS = np.array([6, 5, 4]), np.array([4, 2, 3])


def _ctc_cases(lib, F):
    """Few CTC calls, each covering several options: XLA compiles each one's scan for ~1 s."""
    raw = lib.tensor(RAW, requires_grad=True)
    lp = raw.log_softmax(2)
    tg, il, tl = lib.tensor(TARGETS), lib.tensor(IN_LENS), lib.tensor(TGT_LENS)
    concat = lib.tensor(np.concatenate([TARGETS[i, :TGT_LENS[i]] for i in range(N)]))
    infeasible = lib.tensor([6, 1, 4])  # sample 1 needs 2 frames
    loss_mod = (torch.nn.CTCLoss if lib is torch else jnn.CTCLoss)(blank=0, reduction="mean")
    outs = [
        loss_mod(lp, tg, il, tl),
        # raw scores (not normalised), concatenated targets, tuple lengths, an infeasible sample zeroed
        F.ctc_loss(raw, concat, (6, 1, 4), tuple(TGT_LENS), reduction="none", zero_infinity=True),
    ]
    sum(o.sum() for o in outs).backward()
    with lib.no_grad():
        values = [F.ctc_loss(lp, tg, infeasible, tl, reduction="none"),  # inf
                  F.ctc_loss(lp[:, 1], tg[1, :2], lib.tensor(5), lib.tensor(2), reduction="sum")]  # unbatched
    grad_fns = [type(o.grad_fn).__name__ if lib is torch else o.grad_fn.name() for o in outs]
    np_ = (lambda t: t.numpy(force=True)) if lib is jtorch else (lambda t: t.detach().numpy())
    return [np_(o) for o in outs + values], np_(raw.grad), grad_fns


def test_ctc_loss_values_gradients_match_torch():
    tv, tg, tf = _ctc_cases(torch, torch.nn.functional)
    jv, jg, jf = _ctc_cases(jtorch, JF)
    for a, b in zip(jv, tv):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(jg, tg, rtol=1e-4, atol=1e-5)
    assert jf == tf  # MeanBackward0, WhereBackward0


def _ctc_concat_infeasible(lib, F, zero_infinity):
    """Concatenated targets of varied lengths (one empty) and a sample with too few frames: loss inf,
    and torch's nan gradient over its frames unless zero_infinity. Every reduction in one backward."""
    rng = np.random.default_rng(5)
    raw = lib.tensor(rng.standard_normal((7, 4, 5)).astype(np.float32), requires_grad=True)
    tl, il = [1, 5, 0, 3], [7, 6, 3, 2]
    concat = lib.tensor(rng.integers(1, 5, sum(tl)))
    outs = [F.ctc_loss(raw.log_softmax(2), concat, il, tl, reduction=r, zero_infinity=zero_infinity)
            for r in ("none", "mean", "sum")]
    (outs[0].sum() + 2 * outs[1] + 3 * outs[2]).backward()
    np_ = (lambda t: t.numpy(force=True)) if lib is jtorch else (lambda t: t.detach().numpy())
    return [np_(o) for o in outs] + [np_(raw.grad)]


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_concatenated_and_infeasible_match_torch(monkeypatch, zero_infinity):
    widths = []
    lowering = JF._L._ctc_loss

    def spy(log_probs, targets, *args, **kw):
        widths.append(tuple(targets.shape))
        return lowering(log_probs, targets, *args, **kw)

    monkeypatch.setattr(JF._L, "_ctc_loss", spy)
    want = _ctc_concat_infeasible(torch, torch.nn.functional, zero_infinity)
    got = _ctc_concat_infeasible(jtorch, JF, zero_infinity)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)  # nan where torch has nan
    assert np.isnan(want[-1]).any() != zero_infinity
    assert widths == [(4, 5)] * 3  # host-known lengths: padded to the longest target, not the total (9)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - compared with torch's
        return type(e).__name__, str(e)
    return None


def test_ctc_loss_errors_match_torch():
    cases = {
        "input_len_high": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, lib.tensor([7, 5, 4]), lib.tensor([4, 2, 3])),
        "input_len_neg": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, [-1, 5, 4], [4, 2, 3]),
        "target_len_neg": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, [6, 5, 4], [-1, 2, 3]),
        "target_too_short": lambda lib, F, lp, tg: F.ctc_loss(lp, tg[:, :2], [6, 5, 4], [4, 2, 3]),
        "concat_size": lambda lib, F, lp, tg: F.ctc_loss(lp, tg.flatten()[:5], [6, 5, 4], [4, 2, 3]),
        "batch_size": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, [6, 5], [4, 2, 3]),
        "target_batch": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, [6, 5, 4], [4, 2]),
        "blank": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, [6, 5, 4], [4, 2, 3], blank=5),
        "reduction": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, [6, 5, 4], [4, 2, 3], reduction="avg"),
        "float_lengths": lambda lib, F, lp, tg: F.ctc_loss(lp, tg, lib.tensor([6., 5., 4.]), lib.tensor([4, 2, 3])),
        "targets_dim": lambda lib, F, lp, tg: F.ctc_loss(lp, tg[None], [6, 5, 4], [4, 2, 3]),
        "int_input": lambda lib, F, lp, tg: F.ctc_loss(lp.int(), tg, [6, 5, 4], [4, 2, 3]),
    }
    for name, case in cases.items():
        want = _error(lambda: case(torch, torch.nn.functional, torch.tensor(RAW), torch.tensor(TARGETS)))
        got = _error(lambda: case(jtorch, JF, jtorch.tensor(RAW), jtorch.tensor(TARGETS)))
        assert got == want, name


def _lazy_pairs():
    return [
        ("LazyLinear", (3,), {}, (2, 4)),
        ("LazyConv1d", (4, 3), {"stride": 2}, (2, 3, 9)),
        ("LazyConv2d", (4, 3), {"groups": 2, "bias": False}, (1, 2, 6, 6)),
        ("LazyConv3d", (2, 2), {}, (1, 3, 3, 3, 3)),
        ("LazyConvTranspose1d", (4, 3), {"stride": 2}, (2, 3, 5)),
        ("LazyConvTranspose2d", (2, 2), {"output_padding": 1, "stride": 2}, (3, 4, 4)),  # unbatched
        ("LazyConvTranspose3d", (2, 2), {}, (1, 2, 2, 2, 2)),
        ("LazyBatchNorm1d", (), {}, (4, 3)),
        ("LazyBatchNorm2d", (), {"affine": False}, (2, 3, 2, 2)),
        ("LazyBatchNorm3d", (), {"momentum": None}, (2, 2, 2, 2, 2)),
        ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
        ("LazyInstanceNorm2d", (), {"affine": False}, (2, 3, 2, 2)),
        ("LazyInstanceNorm3d", (), {}, (1, 2, 2, 2, 2)),
    ]


NUMERIC = ("LazyLinear", "LazyConv2d", "LazyConvTranspose1d", "LazyBatchNorm1d")


def test_lazy_modules_match_torch():
    """Before: repr, state_dict keys and placeholders. After one forward: the ordinary class, its repr,
    shapes, keys; with torch's weights loaded, the same outputs and gradients."""
    jx_all, tx_all, jouts, touts, jmods, tmods = [], [], [], [], [], []
    for name, args, kw, shape in _lazy_pairs():
        t, j = getattr(torch.nn, name)(*args, **kw), getattr(jnn, name)(*args, **kw)
        assert repr(j) == repr(t)
        tsd, jsd = t.state_dict(), j.state_dict()
        assert list(jsd) == list(tsd), name
        assert [repr(v) for k, v in jsd.items() if k != "num_batches_tracked"] == \
            [repr(v) for k, v in tsd.items() if k != "num_batches_tracked"]
        assert isinstance(j.weight, jnn.UninitializedParameter) if kw.get("affine", True) else j.weight is None
        x = RNG.standard_normal(shape).astype(np.float32)
        t(torch.tensor(x))
        j(jtorch.tensor(x))
        assert type(j).__name__ == type(t).__name__ == name[4:], name
        assert repr(j) == repr(t)
        assert {k: tuple(v.shape) for k, v in j.state_dict().items()} == \
            {k: tuple(v.shape) for k, v in t.state_dict().items()}
        assert all(type(p) is jnn.Parameter for p in j.parameters())
        j.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in t.state_dict().items()})
        if name not in NUMERIC:  # the ordinary layers' numerics are tested elsewhere: a few here
            continue
        tx, jx = torch.tensor(x, requires_grad=True), jtorch.tensor(x, requires_grad=True)
        touts.append(t(tx))
        jouts.append(j(jx))
        tx_all.append(tx)
        jx_all.append(jx)
        tmods.append(t)
        jmods.append(j)
    sum((o * o).sum() for o in touts).backward()
    sum((o * o).sum() for o in jouts).backward()
    for name, t, j, to, jo, tx, jx in zip(NUMERIC, tmods, jmods, touts, jouts, tx_all, jx_all):
        np.testing.assert_allclose(jo.numpy(force=True), to.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(jx.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
        for (k, tp), jp in zip(t.named_parameters(), j.parameters()):
            np.testing.assert_allclose(jp.grad.numpy(), tp.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=name + k)


def test_lazy_placeholders_behave_like_torch():
    results = {}
    for lib, nn in ((torch, torch.nn), (jtorch, jnn)):
        r = results[lib.__name__] = {}
        m = nn.LazyLinear(3)
        r["shape"] = _error(lambda: m.weight.shape)
        r["op"] = _error(lambda: m.weight + 1)[0]  # torch names its C function, jtorch the op
        r["repr"] = repr(m.weight)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            opt = lib.optim.SGD(m.parameters(), lr=0.1)  # the same Parameter objects after materializing
        r["optimizer_warnings"] = [str(x.message) for x in w]  # torch 2.13 warns about nothing here
        m.double()
        r["double"] = str(m.weight.dtype)
        out = m(lib.ones(2, 4, dtype=lib.float64))
        out.sum().backward()
        before = m.weight.detach().clone()
        opt.step()
        r["stepped"] = bool((m.weight.detach() != before).any())
        r["deepcopy"] = type(copy.deepcopy(nn.LazyLinear(2)).weight).__name__
        loaded = nn.LazyLinear(3)
        loaded.load_state_dict(nn.Linear(4, 3).state_dict())
        r["loaded"] = (type(loaded).__name__, tuple(loaded.weight.shape), repr(loaded))
        r["conv_dim"] = _error(lambda: nn.LazyConv2d(4, 3)(lib.ones(5, 5)))
        r["groups"] = _error(lambda: nn.LazyConv2d(4, 3, groups=2)(lib.ones(1, 3, 5, 5)))
    assert results["jtorch"] == results["torch"]
