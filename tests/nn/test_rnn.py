import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import jtorch  # noqa: E402
from jtorch.nn.modules import rnn as R  # noqa: E402
from jtorch.nn.utils import rnn as U  # noqa: E402
from torch.nn.utils import rnn as TU  # noqa: E402

from tests.nn._parity import close, copy_state, grads_close, jtorch_to_torch, to_np  # noqa: E402

rs = np.random.RandomState(0)
X = rs.randn(6, 3, 4).astype(np.float32)   # (T, B, I), shared by every test to reuse compiled programs
LENGTHS = [4, 6, 2]


def _pair(name, *args, **kw):
    tm, jm = getattr(torch.nn, name)(*args, **kw), getattr(R, name)(*args, **kw)
    copy_state(tm, jm)
    return tm, jm


def _flat(out):
    return [o for x in out for o in (x if isinstance(x, tuple) else (x,))]


@pytest.mark.parametrize("name,kw,states", [
    ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3, batch_first=True), True),
    ("GRU", dict(num_layers=2, bias=False), False),
    ("RNN", dict(nonlinearity="relu", bidirectional=True), True),
])
def test_recurrent_parity(name, kw, states):
    tm, jm = _pair(name, 4, 5, **kw)
    x = X.transpose(1, 0, 2).copy() if kw.get("batch_first") else X
    D, L = 2 if kw.get("bidirectional") else 1, kw.get("num_layers", 1)
    hx = rs.randn(D * L, 3, kw.get("proj_size", 5)).astype(np.float32)
    cx = rs.randn(D * L, 3, 5).astype(np.float32)
    tx, jx = torch.tensor(x, requires_grad=True), jtorch.tensor(x, requires_grad=True)
    if not states:
        to, jo = tm(tx), jm(jx)
    elif name == "LSTM":
        to, jo = tm(tx, (torch.tensor(hx), torch.tensor(cx))), jm(jx, (jtorch.tensor(hx), jtorch.tensor(cx)))
    else:
        to, jo = tm(tx, torch.tensor(hx)), jm(jx, jtorch.tensor(hx))
    for a, b in zip(_flat(to), _flat(jo)):
        close(a, b)
    sum((o ** 2).sum() for o in _flat(to)).backward()
    sum((o ** 2).sum() for o in _flat(jo)).backward()
    close(tx.grad, jx.grad)
    grads_close(tm, jm)
    assert repr(tm) == repr(jm)


@pytest.mark.parametrize("name,enforce_sorted", [("LSTM", False), ("GRU", True)])
def test_packed_sequence_parity(name, enforce_sorted):
    tm, jm = _pair(name, 4, 5, bidirectional=True)
    lengths = sorted(LENGTHS, reverse=True) if enforce_sorted else LENGTHS
    tx, jx = torch.tensor(X, requires_grad=True), jtorch.tensor(X, requires_grad=True)
    tp = TU.pack_padded_sequence(tx, lengths, enforce_sorted=enforce_sorted)
    jp = U.pack_padded_sequence(jx, lengths, enforce_sorted=enforce_sorted)
    (to, th), (jo, jh) = tm(tp), jm(jp)
    assert isinstance(jo, U.PackedSequence)
    close(to.data, jo.data)
    close(to.batch_sizes, jo.batch_sizes)
    for a, b in zip(_flat((th,)), _flat((jh,))):
        close(a, b)
    tpad, tl = TU.pad_packed_sequence(to, total_length=6)
    jpad, jl = U.pad_packed_sequence(jo, total_length=6)
    close(tpad, jpad)
    assert tl.tolist() == jl.tolist()
    (tpad.sum() + sum(h.sum() for h in _flat((th,)))).backward()
    (jpad.sum() + sum(h.sum() for h in _flat((jh,)))).backward()
    close(tx.grad, jx.grad)
    grads_close(tm, jm)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells(name):
    tm, jm = _pair(name, 4, 5)
    x = X[0]
    tx, jx = torch.tensor(x, requires_grad=True), jtorch.tensor(x, requires_grad=True)
    to, jo = tm(tx), jm(jx)
    for a, b in zip(_flat((to,)), _flat((jo,))):
        close(a, b)
    h = rs.randn(3, 5).astype(np.float32)
    hx = (torch.tensor(h), torch.tensor(h)) if name == "LSTMCell" else torch.tensor(h)
    jhx = (jtorch.tensor(h), jtorch.tensor(h)) if name == "LSTMCell" else jtorch.tensor(h)
    to, jo = tm(tx, hx), jm(jx, jhx)
    sum(o.sum() for o in _flat((to,))).backward()
    sum(o.sum() for o in _flat((jo,))).backward()
    close(tx.grad, jx.grad)
    grads_close(tm, jm)
    close(tm(tx[0]) if name != "LSTMCell" else tm(tx[0])[0], jm(jx[0]) if name != "LSTMCell" else jm(jx[0])[0])


def test_default_init_and_state_dict_to_torch():
    jm = R.LSTM(4, 5, num_layers=2, proj_size=2)
    bound = 1 / math.sqrt(5)
    for _, p in jm.named_parameters():
        a = to_np(p)
        assert a.min() >= -bound and a.max() <= bound and a.std() > bound / 4
    tm = torch.nn.LSTM(4, 5, num_layers=2, proj_size=2)
    jtorch_to_torch(jm, tm)
    close(tm(torch.tensor(X))[0], jm(jtorch.tensor(X))[0])


def test_dropout_between_layers_only_in_training():
    tm, jm = _pair("GRU", 4, 5, num_layers=2, dropout=0.5)
    tm.eval()
    jm.eval()
    close(tm(torch.tensor(X))[0], jm(jtorch.tensor(X))[0])
    jm.train()
    a, b = to_np(jm(jtorch.tensor(X))[0]), to_np(jm(jtorch.tensor(X))[0])
    assert not np.allclose(a, b)


def test_pad_pack_utils():
    seqs = [rs.randn(n, 2).astype(np.float32) for n in (3, 1, 4)]
    for kw in (dict(), dict(batch_first=True, padding_value=-1.0, padding_side="left")):
        close(TU.pad_sequence([torch.tensor(s) for s in seqs], **kw),
              U.pad_sequence([jtorch.tensor(s) for s in seqs], **kw))
    tp = TU.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    jp = U.pack_sequence([jtorch.tensor(s) for s in seqs], enforce_sorted=False)
    close(tp.data, jp.data)
    assert jp.sorted_indices.tolist() == tp.sorted_indices.tolist()
    assert jp.unsorted_indices.tolist() == tp.unsorted_indices.tolist()
    tpad, tl = TU.pad_packed_sequence(tp, batch_first=True, padding_value=7.0)
    jpad, jl = U.pad_packed_sequence(jp, batch_first=True, padding_value=7.0)
    close(tpad, jpad)
    assert tl.tolist() == jl.tolist() == [3, 1, 4]


def test_pack_errors_match_torch():
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order when `enforce_sorted` is True"):
        U.pack_padded_sequence(jtorch.tensor(X), LENGTHS)
    with pytest.raises(RuntimeError, match="greater than 0"):
        U.pack_padded_sequence(jtorch.tensor(X), [6, 0, 1], enforce_sorted=False)
    jp = U.pack_padded_sequence(jtorch.tensor(X), LENGTHS, enforce_sorted=False)
    with pytest.raises(ValueError, match="total_length=3 and max sequence length being 6"):
        U.pad_packed_sequence(jp, total_length=3)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. Expected 3, got 4"):
        R.GRU(3, 5)(jtorch.tensor(X))


@pytest.mark.parametrize("name,kw,packed", [
    ("LSTM", dict(), True),
    ("GRU", dict(bidirectional=True), False),
    ("RNN", dict(bidirectional=True), True),
])
def test_initial_state_and_double_backward_parity(name, kw, packed):
    """Gradients reach h0/c0 (through masked steps too), and a second derivative matches torch."""
    tm, jm = _pair(name, 4, 5, **kw)
    D = 2 if kw.get("bidirectional") else 1
    h = rs.randn(D, 3, 5).astype(np.float32)
    res = []
    for lib, m, U_ in ((torch, tm, TU), (jtorch, jm, U)):
        x = lib.tensor(X, requires_grad=True)
        hx = [lib.tensor(h, requires_grad=True) for _ in range(2 if name == "LSTM" else 1)]
        inp = U_.pack_padded_sequence(x, LENGTHS, enforce_sorted=False) if packed else x
        out, hn = m(inp, tuple(hx) if name == "LSTM" else hx[0])
        out = U_.pad_packed_sequence(out)[0] if packed else out
        loss = (out ** 2).sum() + sum((t ** 3).sum() for t in _flat((hn,)))
        gx, = lib.autograd.grad(loss, x, create_graph=True)
        (gx ** 2).sum().backward()
        res.append([x.grad] + [t.grad for t in hx] + [p.grad for p in m.parameters()])
    for a, b in zip(*res):
        close(a, b, atol=1e-4)


@pytest.mark.parametrize("name,kw", [("LSTM", dict()), ("GRU", dict(bidirectional=True))])
def test_forward_mode_parity(name, kw):
    """Forward-mode transforms (jvp, and hvp as jvp of a gradient) go through a recurrent layer, whose
    reverse mode has its own rule, after an ordinary call compiled the layer's program; torch computes
    both by double backward."""
    tm, jm = _pair(name, 4, 5, **kw)
    v = rs.randn(*X.shape).astype(np.float32)
    res = []
    for lib, m in ((torch, tm), (jtorch, jm)):
        x, t = lib.tensor(X), lib.tensor(v)
        m(x)[0].sum().item()
        f = lambda x: (m(x)[0] ** 2).sum()  # noqa: E731
        res.append([lib.autograd.functional.jvp(lambda x: m(x)[0], x, t)[1],
                    lib.autograd.functional.hvp(f, x, t)[1]])
    for a, b in zip(*res):
        close(a, b, atol=1e-4)


def test_per_sample_gradients_parity():
    """vmap(grad) through an LSTM (batched through its reverse-mode rule) matches torch.func."""
    tm, jm = _pair("LSTM", 4, 5)
    res = []
    for lib, m in ((torch, tm), (jtorch, jm)):
        params = {k: v.detach() for k, v in m.named_parameters()}

        def loss(p, x):
            out, (h, c) = lib.func.functional_call(m, p, (x[:, None],))
            return (out ** 2).sum() + (h * c).sum()
        res.append(lib.func.vmap(lib.func.grad(loss), in_dims=(None, 1))(params, lib.tensor(X)))
    assert res[0].keys() == res[1].keys()
    for k in res[0]:
        close(res[0][k], res[1][k], atol=1e-5)


def _scan_carries(jaxpr, out):
    """The carried shapes of every scan in a jaxpr, nested ones included."""
    for e in jaxpr.eqns:
        if e.primitive.name == "scan":
            nc, nk = e.params["num_consts"], e.params["num_carry"]
            out.append([tuple(v.aval.shape) for v in e.invars[nc:nc + nk]])
        for p in e.params.values():
            for sub in p if isinstance(p, (list, tuple)) else [p]:
                sub = getattr(sub, "jaxpr", sub)
                if hasattr(sub, "eqns"):
                    _scan_carries(sub, out)
    return out


@pytest.mark.parametrize("mode,gates", [("LSTM", 4), ("GRU", 3)])
def test_backward_loop_carries_no_weight_gradient(mode, gates):
    """The scan's reverse-mode rule forms the w_hh/b_hh gradients after the loop: no scan of the
    gradient carries a (G, H) or (G,) sum. jax's own derivative of the scan (what forward-mode
    transforms lower) carries both, which the second half checks."""
    import jax
    import jax.numpy as jnp
    from jtorch._engine import modes
    from jtorch._ops import rnn

    T, B, H, G = 6, 3, 5, gates * 5
    h0 = jnp.zeros((B, H), jnp.float32)
    args = (jnp.ones((T, B, G), jnp.float32), jnp.full((G, H), 0.1, jnp.float32), jnp.zeros(G, jnp.float32))

    def loss(xp, w, b):
        out, h, c = rnn._scan(mode, xp, None, h0, h0, w, b, None)
        return (out ** 2).sum() + (c ** 2).sum()

    def carried(flag):
        modes.get().forward_mode = flag
        try:
            scans = _scan_carries(jax.make_jaxpr(jax.grad(loss, (0, 1, 2)))(*args).jaxpr, [])
        finally:
            modes.get().forward_mode = 0
        assert len(scans) == 2  # the forward loop and the backward loop
        return {shape for carry in scans for shape in carry}

    assert not {(G, H), (G,)} & carried(0)
    assert {(G, H), (G,)} <= carried(1)
