"""Recurrent layers: a whole nn.RNN/LSTM/GRU call is ONE op whose lowering runs jax.lax.scan.

One node per call keeps the lazy graph small (no per-time-step nodes) and the compile fast.
Variable lengths (PackedSequence) are handled by masking inside the scan: past its length
a sequence keeps its state, so final states equal torch's packed results.
"""
import functools

import jax
import jax.numpy as jnp

from .._engine import modes
from .random import _key
from .registry import op


def _sigmoid(x):
    return jax.nn.sigmoid(x)


def _lin(x, w, b):
    """x @ w^T + b; w and b may carry a leading direction axis matching x's."""
    y = jnp.matmul(x, jnp.swapaxes(w, -1, -2))
    return y if b is None else y + b[..., None, :] if b.ndim > 1 else y + b


def _cell(mode, xp, gh, h, c):
    """The elementwise part of one step, given the input projection xp = x @ w_ih.T + b_ih and
    the recurrent one gh = h @ w_hh.T + b_hh; returns (h', c') (c passes through but for LSTM)."""
    if mode == "RNN_TANH":
        return jnp.tanh(xp + gh), c
    if mode == "RNN_RELU":
        return jax.nn.relu(xp + gh), c
    if mode == "LSTM":
        i, f, g, o = jnp.split(xp + gh, 4, axis=-1)
        c2 = _sigmoid(f) * c + _sigmoid(i) * jnp.tanh(g)
        return _sigmoid(o) * jnp.tanh(c2), c2
    xr, xz, xn = jnp.split(xp, 3, axis=-1)
    hr, hz, hn = jnp.split(gh, 3, axis=-1)
    r = _sigmoid(xr + hr)
    z = _sigmoid(xz + hz)
    n = jnp.tanh(xn + r * hn)
    return (1 - z) * n + z * h, c


def _step(mode, xp, h, c, w_hh, b_hh, w_hr):
    """One time step given the input projection xp; returns (h', c')."""
    h2, c2 = _cell(mode, xp, _lin(h, w_hh, b_hh), h, c)
    if w_hr is not None:
        h2 = _lin(h2, w_hr, None)
    return h2, c2


def _masked(h2, c2, h, c, m):
    """((h', c'), output) of a step, where a sequence past its length (m False) keeps its state
    and outputs zeros."""
    if m is None:
        return (h2, c2), h2
    k = m[..., None]
    h2, c2 = jnp.where(k, h2, h), jnp.where(k, c2, c)
    return (h2, c2), jnp.where(k, h2, 0).astype(h2.dtype)


def _scan(mode, xp, mask, h0, c0, w_hh, b_hh, w_hr):
    """(out, h_n, c_n): the cell scanned over time; xp is (T, [D,] B, G)."""
    if w_hr is None and not modes.get().forward_mode:
        return _scan_vjp(mode, xp, mask, h0, c0, w_hh, b_hh)
    return _scan_plain(mode, xp, mask, h0, c0, w_hh, b_hh, w_hr)


def _scan_plain(mode, xp, mask, h0, c0, w_hh, b_hh, w_hr=None):
    """The plain scan, differentiated by jax (the rule below is used where there is no projection)."""
    def body(carry, inp):
        h, c = carry
        xt, mt = inp
        return _masked(*_step(mode, xt, h, c, w_hh, b_hh, w_hr), h, c, mt)

    (h, c), out = jax.lax.scan(body, (h0, c0), (xp, mask))
    return out, h, c


# Differentiating jax.lax.scan itself adds each step's w_hh gradient into a loop-carried
# accumulator (a (G, H) read and write per step) and stacks some residuals twice. This rule
# keeps one pullback per step, returns the gate gradients stacked, and forms the w_hh and
# b_hh gradients after the loop as one matmul and one sum: a bench-sized LSTM layer's
# gradient takes about three quarters of the time on XLA:CPU. Its backward is differentiable
# (double backward works); forward-mode transforms lower the plain scan (modes.get().forward_mode).
@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
def _scan_vjp(mode, xp, mask, h0, c0, w_hh, b_hh):
    return _scan_plain(mode, xp, mask, h0, c0, w_hh, b_hh)


def _scan_fwd(mode, xp, mask, h0, c0, w_hh, b_hh):
    def body(carry, inp):
        h, c = carry
        xt, mt = inp
        cell = lambda xt, gh, h, c: _masked(*_cell(mode, xt, gh, h, c), h, c, mt)
        (state, out), pullback = jax.vjp(cell, xt, _lin(h, w_hh, b_hh), h, c)
        return state, (out, None if mt is None else state[0], pullback)

    (h, c), (out, states, pullbacks) = jax.lax.scan(body, (h0, c0), (xp, mask))
    h_prev = jnp.concatenate([h0[None], (out if mask is None else states)[:-1]])
    return (out, h, c), (pullbacks, h_prev, w_hh, b_hh)


def _scan_bwd(mode, res, cts):
    pullbacks, h_prev, w_hh, b_hh = res
    d_out, d_h, d_c = cts

    def body(carry, inp):
        dout, pullback = inp
        dxt, dgh, dh, dc = pullback((carry, dout))
        # for all but GRU the gates are xp + gh, so dxp is dgh: stack it once
        return (dh + jnp.matmul(dgh, w_hh), dc), (dgh, dxt if mode == "GRU" else None)

    (dh0, dc0), (dgh, dxp) = jax.lax.scan(body, (d_h, d_c), (d_out, pullbacks), reverse=True)
    dw_hh = jnp.einsum("t...bg,t...bh->...gh", dgh, h_prev)
    db_hh = None if b_hh is None else dgh.sum((0, -2))
    return (dgh if dxp is None else dxp), None, dh0, dc0, dw_hh, db_hh


_scan_vjp.defvjp(_scan_fwd, _scan_bwd)


def _direction(mode, x, h0, c0, w, mask):
    w_ih, w_hh, b_ih, b_hh, w_hr = w
    return _scan(mode, _lin(x, w_ih, b_ih), mask, h0, c0, w_hh, b_hh, w_hr)


def _bidirectional(mode, x, h0, c0, wf, wb, mask):
    """Both directions in ONE scan (half the sequential steps): step i runs the forward cell
    at t = i and the backward cell at t = T - 1 - i, as one batched cell over a direction axis."""
    xp = jnp.stack([_lin(x, wf[0], wf[2]), _lin(x, wb[0], wb[2])[::-1]], 1)      # (T, 2, B, G)
    w_hh, b_hh, w_hr = (None if wf[i] is None else jnp.stack([wf[i], wb[i]]) for i in (1, 3, 4))
    m = None if mask is None else jnp.stack([mask, mask[::-1]], 1)                # (T, 2, B)
    out, h, c = _scan(mode, xp, m, h0, c0, w_hh, b_hh, w_hr)
    return jnp.concatenate([out[:, 0], out[::-1, 1]], -1), h, c


@op(list_input="arrays", method=False, function=False, grad_name="CudnnRnnBackward0")
def _rnn(*arrays, mode, num_layers, bidirectional, has_bias, proj_size, hidden_size, dropout):
    """arrays: x (T, B, I), h0, c0, lengths (B,), rng, then per layer and direction
    w_ih, w_hh[, b_ih, b_hh][, w_hr]; any of h0/c0/lengths/rng may be None.
    Returns (output (T, B, D * H_out), h_n, c_n) - c_n is h_n for RNN and GRU."""
    x, h0, c0, lengths, rng = arrays[:5]
    weights = list(arrays[5:])
    T, B = x.shape[0], x.shape[1]
    D = 2 if bidirectional else 1
    h_out = proj_size if proj_size else hidden_size
    dt = x.dtype
    if h0 is None:
        h0 = jnp.zeros((num_layers * D, B, h_out), dt)
    if mode == "LSTM":
        if c0 is None:
            c0 = jnp.zeros((num_layers * D, B, hidden_size), dt)
    mask = None if lengths is None else jnp.arange(T)[:, None] < lengths[None, :]
    per = 2 + (2 if has_bias else 0) + (1 if proj_size else 0)
    hs, cs = [], []
    layer_in = x
    for layer in range(num_layers):
        ws = []
        for d in range(D):
            k = layer * D + d
            w = weights[k * per:(k + 1) * per]
            bias = (w[2], w[3]) if has_bias else (None, None)
            ws.append((w[0], w[1]) + bias + ((w[-1],) if proj_size else (None,)))
        k = layer * D
        c_init = (c0 if mode == "LSTM" else h0)[k:k + D]
        if D == 1:
            layer_in, h, c = _direction(mode, layer_in, h0[k], c_init[0], ws[0], mask)
            hs.append(h)
            cs.append(c)
        else:
            layer_in, h, c = _bidirectional(mode, layer_in, h0[k:k + 2], c_init, ws[0], ws[1], mask)
            hs.extend([h[0], h[1]])
            cs.extend([c[0], c[1]])
        if dropout > 0 and layer < num_layers - 1:
            keep = jax.random.bernoulli(jax.random.fold_in(_key(rng), layer), 1.0 - dropout, layer_in.shape)
            layer_in = jnp.where(keep, layer_in / (1.0 - dropout), 0).astype(dt)
    h_n = jnp.stack(hs)
    c_n = jnp.stack(cs) if mode == "LSTM" else h_n
    return layer_in, h_n, c_n


@op(tensors=("input", "hx", "cx", "w_ih", "w_hh", "b_ih", "b_hh"), method=False, function=False)
def _rnn_cell(input, hx, cx, w_ih, w_hh, b_ih, b_hh, *, mode):
    """One step of RNNCell / LSTMCell / GRUCell on (B, I); returns h' (and c' for LSTM)."""
    if hx is None:
        hx = jnp.zeros((input.shape[0], w_hh.shape[1]), input.dtype)
    if cx is None:
        cx = jnp.zeros_like(hx)
    h, c = _step(mode, _lin(input, w_ih, b_ih), hx, cx, w_hh, b_hh, None)
    return (h, c) if mode == "LSTM" else h


@op(list_input="sequences", method=False, function=False, grad_name="PadSequenceBackward0")
def _pad_sequence(*sequences, batch_first, padding_value, padding_side):
    """Stack variable-length sequences (L_i, *) into (B, T, *) or (T, B, *) with padding."""
    T = max(s.shape[0] for s in sequences)
    out = []
    for s in sequences:
        pad = [(0, T - s.shape[0]) if padding_side == "right" else (T - s.shape[0], 0)] + [(0, 0)] * (s.ndim - 1)
        out.append(jnp.pad(s, pad, constant_values=jnp.asarray(padding_value, s.dtype)))
    res = jnp.stack(out, 0)
    return res if batch_first else jnp.swapaxes(res, 0, 1)
