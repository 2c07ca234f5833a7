import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import jtorch  # noqa: E402
from jtorch._ops.attention import scaled_dot_product_attention  # noqa: E402
from jtorch.nn.modules import transformer as T  # noqa: E402
from jtorch.nn.modules.activation import MultiheadAttention  # noqa: E402

from tests.nn._parity import close, copy_state, grads_close, jtorch_to_torch  # noqa: E402

rs = np.random.RandomState(0)
Q = rs.randn(4, 3, 8).astype(np.float32)   # (L, N, E)
KV = rs.randn(5, 3, 8).astype(np.float32)  # (S, N, E)
KPM = np.zeros((3, 5), bool)
KPM[1, 3:] = True


def _t(a):
    return torch.tensor(a) if isinstance(a, np.ndarray) else a


def _j(a):
    return jtorch.tensor(a) if isinstance(a, np.ndarray) else a


@pytest.mark.parametrize("kw,extra", [
    (dict(), dict(key_padding_mask=KPM, attn_mask=rs.randn(4, 5).astype(np.float32))),
    (dict(kdim=6, vdim=7, add_bias_kv=True, add_zero_attn=True),
     dict(attn_mask=rs.rand(6, 4, 5) > 0.8, average_attn_weights=False)),
    (dict(batch_first=True, bias=False),
     dict(need_weights=False, key_padding_mask=np.where(KPM, -1e9, 0).astype("f4"))),
    (dict(kdim=6, vdim=7, add_bias_kv=True, add_zero_attn=True, batch_first=True),  # batch-first all the way
     dict(attn_mask=rs.rand(6, 4, 5) > 0.8, key_padding_mask=KPM, average_attn_weights=False)),
])
def test_multihead_attention_parity(kw, extra):
    tm, jm = torch.nn.MultiheadAttention(8, 2, **kw), MultiheadAttention(8, 2, **kw)
    copy_state(tm, jm)
    k = rs.randn(5, 3, kw.get("kdim", 8)).astype(np.float32)
    v = rs.randn(5, 3, kw.get("vdim", 8)).astype(np.float32)
    args = [Q, k, v]
    if kw.get("batch_first"):
        args = [a.transpose(1, 0, 2).copy() for a in args]
    ta = [torch.tensor(a, requires_grad=True) for a in args]
    ja = [jtorch.tensor(a, requires_grad=True) for a in args]
    to, tw = tm(*ta, **{n: _t(a) for n, a in extra.items()})
    jo, jw = jm(*ja, **{n: _j(a) for n, a in extra.items()})
    close(to, jo)
    assert (tw is None) == (jw is None)
    if tw is not None:
        close(tw, jw)
    to.sum().backward()
    jo.sum().backward()
    for a, b in zip(ta, ja):
        close(a.grad, b.grad)
    grads_close(tm, jm)
    assert repr(tm) == repr(jm)


def test_sdpa_masks_causal_scale_gqa():
    q = rs.randn(2, 4, 5, 8).astype(np.float32)
    kv = rs.randn(2, 2, 6, 8).astype(np.float32)
    m = rs.rand(5, 6) > 0.3
    F = torch.nn.functional
    close(F.scaled_dot_product_attention(_t(q), _t(kv), _t(kv), attn_mask=_t(m), enable_gqa=True),
          scaled_dot_product_attention(_j(q), _j(kv), _j(kv), attn_mask=_j(m), enable_gqa=True))
    close(F.scaled_dot_product_attention(_t(q), _t(q), _t(q), is_causal=True, scale=0.3),
          scaled_dot_product_attention(_j(q), _j(q), _j(q), is_causal=True, scale=0.3))
    fm = rs.randn(5, 5).astype(np.float32)
    close(F.scaled_dot_product_attention(_t(q), _t(q), _t(q), attn_mask=_t(fm)),
          scaled_dot_product_attention(_j(q), _j(q), _j(q), attn_mask=_j(fm)))
    out = scaled_dot_product_attention(_j(q), _j(q), _j(q), dropout_p=0.5)
    assert out.shape == (2, 4, 5, 8)


def test_transformer_parity_and_state_dict_both_ways():
    kw = dict(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16, dropout=0.0,
              norm_first=True, activation="gelu")
    tm, jm = torch.nn.Transformer(**kw), T.Transformer(**kw)
    copy_state(tm, jm)
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(4)
    jmask = T.Transformer.generate_square_subsequent_mask(4)
    close(tmask, jmask)
    to = tm(_t(KV), _t(Q), tgt_mask=tmask, src_key_padding_mask=_t(KPM))
    jo = jm(_j(KV), _j(Q), tgt_mask=jmask, src_key_padding_mask=_j(KPM))
    close(to, jo, atol=1e-4)
    (to ** 2).sum().backward()
    (jo ** 2).sum().backward()
    grads_close(tm, jm, atol=1e-4, rtol=1e-3)
    tm2 = torch.nn.Transformer(**kw)
    jtorch_to_torch(jm, tm2)
    close(tm2(_t(KV), _t(Q), tgt_mask=tmask, src_key_padding_mask=_t(KPM)), to, atol=1e-5)


@pytest.mark.parametrize("layer_kw", [dict(batch_first=True, activation="relu"),
                                      dict(norm_first=False, activation=torch.nn.functional.tanh)])
def test_encoder_decoder_layers(layer_kw):
    jkw = dict(layer_kw)
    if callable(jkw["activation"]):
        jkw["activation"] = jtorch.tanh
    tenc = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, 0.0, **layer_kw), 2,
                                       enable_nested_tensor=False)
    jenc = T.TransformerEncoder(T.TransformerEncoderLayer(8, 2, 16, 0.0, **jkw), 2, enable_nested_tensor=False)
    tdec = torch.nn.TransformerDecoderLayer(8, 2, 16, 0.0, **layer_kw)
    jdec = T.TransformerDecoderLayer(8, 2, 16, 0.0, **jkw)
    copy_state(tenc, jenc)
    copy_state(tdec, jdec)
    src, tgt = KV, Q
    if layer_kw.get("batch_first"):
        src, tgt = KV.transpose(1, 0, 2).copy(), Q.transpose(1, 0, 2).copy()
    tmem, jmem = tenc(_t(src), src_key_padding_mask=_t(KPM)), jenc(_j(src), src_key_padding_mask=_j(KPM))
    close(tmem, jmem, atol=1e-4)
    mask = np.triu(np.ones((4, 4), bool), 1)
    close(tdec(_t(tgt), tmem, tgt_mask=_t(mask), tgt_is_causal=True),
          jdec(_j(tgt), jmem, tgt_mask=_j(mask), tgt_is_causal=True), atol=1e-4)


def test_attention_dropout_only_in_training():
    tm, jm = torch.nn.MultiheadAttention(8, 2, dropout=0.5), MultiheadAttention(8, 2, dropout=0.5)
    copy_state(tm, jm)
    a, b = jm(_j(Q), _j(Q), _j(Q))[0].detach().numpy(), jm(_j(Q), _j(Q), _j(Q))[0].detach().numpy()
    assert not np.allclose(a, b)
    tm.eval()
    jm.eval()
    close(tm(_t(Q), _t(Q), _t(Q))[0], jm(_j(Q), _j(Q), _j(Q))[0])
