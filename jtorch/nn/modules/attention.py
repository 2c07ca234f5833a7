"""MultiheadAttention (torch.nn.MultiheadAttention), one attention op per call."""
from ..._ops import attention as _A
from ..._ops.creation import empty
from ...autograd.grad_mode import no_grad
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module


class NonDynamicallyQuantizableLinear(Linear):
    pass


class MultiheadAttention(Module):
    """Multi-head attention with torch's parameters: in_proj_weight / in_proj_bias (or q/k/v_proj_weight
    when kdim or vdim differ), out_proj, and optional bias_k / bias_v.

    Shape: query (L, N, E) ((N, L, E) with batch_first, (L, E) unbatched), key/value (S, N, kdim/vdim);
    returns (attn_output (L, N, E), attn_weights (N, L, S) averaged over heads, or (N, H, L, S), or None).
    Bool masks: True = not allowed to attend.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        # one packed (3E, E) input projection when key and value have the query's width
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        assert self.head_dim * num_heads == self.embed_dim, "embed_dim must be divisible by num_heads"
        kw = dict(dtype=dtype, device=device)
        # registration order (None entries included) is torch's, so parameter and state_dict order match
        split = {"q_proj_weight": embed_dim, "k_proj_weight": self.kdim, "v_proj_weight": self.vdim}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **kw))
            for name in split:
                self.register_parameter(name, None)
        else:
            for name, width in split.items():
                setattr(self, name, Parameter(empty((embed_dim, width), **kw)))
            self.register_parameter("in_proj_weight", None)
        self.register_parameter("in_proj_bias", Parameter(empty((3 * embed_dim,), **kw)) if bias else None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        for name in ("bias_k", "bias_v"):  # plain None attributes when off, as in torch
            setattr(self, name, Parameter(empty((1, 1, embed_dim), **kw)) if add_bias_kv else None)
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        with no_grad():
            if self._qkv_same_embed_dim:
                init.xavier_uniform_(self.in_proj_weight)
            else:
                init.xavier_uniform_(self.q_proj_weight)
                init.xavier_uniform_(self.k_proj_weight)
                init.xavier_uniform_(self.v_proj_weight)
            if self.in_proj_bias is not None:
                init.constant_(self.in_proj_bias, 0.0)
                init.constant_(self.out_proj.bias, 0.0)
            if self.bias_k is not None:
                init.xavier_normal_(self.bias_k)
            if self.bias_v is not None:
                init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        # batch-first inputs stay batch-first: no transposes around the attention
        return _A.attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias, self.bias_k,
            self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal, batch_first=self.batch_first)
