"""torch.onnx.ops: custom ONNX ops inside a traced model. jtorch exports jaxprs, where a custom op
has no place to live, so these raise with the reason."""

__all__ = ["symbolic", "symbolic_multi_out", "rotary_embedding", "attention"]


def _unsupported(name):
    raise NotImplementedError(f"jtorch.onnx.ops.{name}: custom ONNX nodes cannot be placed in a jax trace; write the "
                              "computation with jtorch ops (they are lowered to ONNX)")


def symbolic(domain_op, inputs, attrs=None, *, dtype, shape, version=None, metadata_props=None):
    _unsupported("symbolic")


def symbolic_multi_out(domain_op, inputs, attrs=None, *, dtypes, shapes, version=None, metadata_props=None):
    _unsupported("symbolic_multi_out")


def rotary_embedding(X, cos_cache, sin_cache, position_ids=None, *, interleaved=False, num_heads=0,
                     rotary_embedding_dim=0):
    _unsupported("rotary_embedding")


def attention(Q, K, V, attn_mask=None, past_key=None, past_value=None, *, is_causal=False, kv_num_heads=0,
              q_num_heads=0, qk_matmul_output_mode=0, scale=None, softcap=0.0, softmax_precision=None):
    _unsupported("attention")
