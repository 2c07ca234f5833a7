"""Attention: F.scaled_dot_product_attention and F.multi_head_attention_forward, each ONE op.

The whole of multi-head attention (projections, masks, softmax, dropout, output
projection) is one lowering so a Transformer layer adds a handful of nodes to the graph.
"""
import math

import jax
import jax.numpy as jnp

from .random import _key, default_generator
from .registry import op


def _dropout(w, rng, p):
    keep = jax.random.bernoulli(_key(rng), 1.0 - p, w.shape)
    return jnp.where(keep, w / (1.0 - p), 0).astype(w.dtype)


def _softmax(s):
    return jax.nn.softmax(s.astype(jnp.promote_types(s.dtype, jnp.float32)), axis=-1).astype(s.dtype)


@op(tensors=("query", "key", "value", "attn_mask", "rng"), method=False, function=False,
    grad_name="ScaledDotProductAttentionBackward0")
def _sdpa(query, key, value, attn_mask, rng, *, dropout_p, is_causal, scale, enable_gqa):
    L, S = query.shape[-2], key.shape[-2]
    if enable_gqa and key.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = jnp.repeat(key, rep, axis=-3)
        value = jnp.repeat(value, rep, axis=-3)
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"Expected query and key to have the same last dimension, got {query.shape[-1]} and "
                           f"{key.shape[-1]}")
    sc = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    s = jnp.matmul(query, jnp.swapaxes(key, -1, -2)) * jnp.asarray(sc, query.dtype)
    if is_causal:
        s = jnp.where(jnp.tril(jnp.ones((L, S), bool)), s, -jnp.inf)
    if attn_mask is not None:
        if attn_mask.dtype == jnp.bool_:
            s = jnp.where(attn_mask, s, -jnp.inf)
        else:
            s = s + attn_mask.astype(s.dtype)
    w = _softmax(s)
    if dropout_p > 0:
        w = _dropout(w, rng, dropout_p)
    return jnp.matmul(w, value)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """torch.nn.functional.scaled_dot_product_attention (the math reference; bool masks: True = attend)."""
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                           "is_causal=True")
    rng = default_generator._key_leaf() if dropout_p > 0 else None
    return _sdpa(query, key, value, attn_mask, rng, dropout_p=float(dropout_p), is_causal=bool(is_causal),
                 scale=None if scale is None else float(scale), enable_gqa=bool(enable_gqa))


def _float_mask(m, dtype):
    """torch's _canonical_mask: a bool mask (True = masked out) becomes 0 / -inf."""
    if m is None:
        return None
    if m.dtype == jnp.bool_:
        return jnp.where(m, -jnp.inf, 0.0).astype(dtype)
    return m.astype(dtype)


def _pad_last(m):
    return None if m is None else jnp.pad(m, [(0, 0)] * (m.ndim - 1) + [(0, 1)])


@op(tensors=("query", "key", "value", "in_proj_weight", "in_proj_bias", "q_proj_weight", "k_proj_weight",
             "v_proj_weight", "bias_k", "bias_v", "out_proj_weight", "out_proj_bias", "key_padding_mask",
             "attn_mask", "rng"),
    method=False, function=False, grad_name="MultiHeadAttentionBackward0")
def _mha(query, key, value, in_proj_weight, in_proj_bias, q_proj_weight, k_proj_weight, v_proj_weight, bias_k,
         bias_v, out_proj_weight, out_proj_bias, key_padding_mask, attn_mask, rng, *, num_heads, add_zero_attn,
         dropout_p, need_weights, average_attn_weights, batch_first=False):
    """Inputs are (L, N, E) as in torch, or (N, L, E) with batch_first (a module's batch_first
    input goes in as it is: on XLA:CPU each transpose is a copy); returns (output, weights or
    a dummy) in the same layout."""
    seq = 1 if batch_first else 0  # the sequence axis of inputs and output
    B, L, E = query.shape if batch_first else (query.shape[1], query.shape[0], query.shape[2])
    dt = query.dtype
    if in_proj_weight is not None:
        wq, wk, wv = jnp.split(in_proj_weight, 3, axis=0)
    else:
        wq, wk, wv = q_proj_weight, k_proj_weight, v_proj_weight
    bq = bk = bv = None
    if in_proj_bias is not None:
        bq, bk, bv = jnp.split(in_proj_bias, 3)

    def lin(x, w, b):
        y = jnp.matmul(x, w.T)
        return y if b is None else y + b

    q, k, v = lin(query, wq, bq), lin(key, wk, bk), lin(value, wv, bv)
    attn_mask = _float_mask(attn_mask, dt)
    key_padding_mask = _float_mask(key_padding_mask, dt)
    if bias_k is not None:
        one = (B, 1, E) if batch_first else (1, B, E)
        k = jnp.concatenate([k, jnp.broadcast_to(bias_k, one)], seq)
        v = jnp.concatenate([v, jnp.broadcast_to(bias_v, one)], seq)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    hd = E // num_heads

    def heads(x):  # (B * num_heads, length, hd), batch-major as torch's
        if batch_first:
            return x.reshape(B, x.shape[1], num_heads, hd).transpose(0, 2, 1, 3).reshape(B * num_heads, -1, hd)
        return x.reshape(x.shape[0], B * num_heads, hd).transpose(1, 0, 2)

    q, k, v = heads(q), heads(k), heads(v)
    if add_zero_attn:
        k = jnp.concatenate([k, jnp.zeros((B * num_heads, 1, hd), k.dtype)], 1)
        v = jnp.concatenate([v, jnp.zeros((B * num_heads, 1, hd), v.dtype)], 1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    S = k.shape[1]
    mask = None
    if attn_mask is not None:
        mask = attn_mask if attn_mask.ndim == 3 else attn_mask[None]
    if key_padding_mask is not None:
        kpm = jnp.broadcast_to(key_padding_mask.reshape(B, 1, 1, S), (B, num_heads, 1, S)).reshape(B * num_heads, 1, S)
        mask = kpm if mask is None else mask + kpm
    s = jnp.matmul(q * jnp.asarray(math.sqrt(1.0 / hd), dt), jnp.swapaxes(k, 1, 2))
    if mask is not None:
        s = s + mask
    w = _softmax(s)
    if dropout_p > 0:
        w = _dropout(w, rng, dropout_p)
    out = jnp.matmul(w, v)
    if batch_first:
        out = out.reshape(B, num_heads, L, hd).transpose(0, 2, 1, 3).reshape(B, L, E)
    else:
        out = out.transpose(1, 0, 2).reshape(L, B, E)
    out = lin(out, out_proj_weight, out_proj_bias)
    if not need_weights:
        return out, jnp.zeros((), dt)
    w = w.reshape(B, num_heads, L, S)
    if average_attn_weights:
        w = w.mean(axis=1)
    return out, w


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """torch.nn.functional.multi_head_attention_forward; inputs (L, N, E) or unbatched (L, E)."""
    return attention_forward(**locals())  # torch's arguments, by name


def attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
                      add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=True, key_padding_mask=None,
                      need_weights=True, attn_mask=None, use_separate_proj_weight=False, q_proj_weight=None,
                      k_proj_weight=None, v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                      is_causal=False, batch_first=False):
    """multi_head_attention_forward, also for batch-first (N, L, E) inputs (nn.MultiheadAttention)."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k / static_v")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    unbatched = query.dim() == 2
    if unbatched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    batch_first = batch_first and not unbatched
    seq = 1 if batch_first else 0
    tgt_len, bsz, embed_dim = query.shape[seq], query.shape[1 - seq], query.shape[2]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    if embed_dim % num_heads:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if attn_mask is not None:
        src_len = key.shape[seq]
        if attn_mask.dim() == 2 and tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be "
                               f"{(tgt_len, src_len)}.")
        if attn_mask.dim() == 3 and tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
                               f"{(bsz * num_heads, tgt_len, src_len)}.")
        if attn_mask.dim() not in (2, 3):
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    p = float(dropout_p) if training else 0.0
    rng = default_generator._key_leaf() if p > 0 else None
    if not use_separate_proj_weight:
        q_proj_weight = k_proj_weight = v_proj_weight = None
    else:
        in_proj_weight = None
    out, w = _mha(query, key, value, in_proj_weight, in_proj_bias, q_proj_weight, k_proj_weight, v_proj_weight,
                  bias_k, bias_v, out_proj_weight, out_proj_bias, key_padding_mask, attn_mask, rng,
                  num_heads=int(num_heads), add_zero_attn=bool(add_zero_attn), dropout_p=p,
                  need_weights=bool(need_weights), average_attn_weights=bool(average_attn_weights),
                  batch_first=batch_first)
    if not need_weights:
        w = None
    if unbatched:
        out = out.squeeze(1)
        if w is not None:
            w = w.squeeze(0)
    return out, w
