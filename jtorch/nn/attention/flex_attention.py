"""torch.nn.attention.flex_attention: attention with a user score function and mask function.

torch compiles these into a block-sparse kernel; jtorch evaluates mask_mod / score_mod on broadcast index
tensors (the whole (B, H, Q, KV) grid at once) and runs dense attention, which XLA fuses. The results are the
same; memory grows with Q * KV, as for scaled_dot_product_attention with a mask.
"""
import dataclasses
import math
from typing import TypedDict
from ... import _dtype
from ..._ops.creation import arange
import inspect
from ..._ops.creation import zeros
from ..functional import pad

__all__ = ["BlockMask", "flex_attention", "AuxOutput", "AuxRequest", "FlexKernelOptions", "create_block_mask",
           "create_mask", "or_masks", "and_masks", "noop_mask"]

_DEFAULT_SPARSE_BLOCK_SIZE = 128


def noop_mask(batch, head, token_q, token_kv):
    """Attend everywhere."""
    return batch.new_ones(size=(), dtype=_bool())


def _bool():
    return _dtype.bool


def or_masks(*mask_mods):
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def or_mask(b, h, q_idx, kv_idx):
        result = b.new_zeros((), dtype=_bool())
        for m in mask_mods:
            result = result | m(b, h, q_idx, kv_idx)
        return result
    return or_mask


def and_masks(*mask_mods):
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def and_mask(b, h, q_idx, kv_idx):
        result = b.new_ones((), dtype=_bool())
        for m in mask_mods:
            result = result & m(b, h, q_idx, kv_idx)
        return result
    return and_mask


def _grid(B, H, Q_LEN, KV_LEN, device):
    """Index tensors shaped to broadcast to (B, H, Q_LEN, KV_LEN)."""
    return (arange(B, device=device).view(B, 1, 1, 1), arange(H, device=device).view(1, H, 1, 1),
            arange(Q_LEN, device=device).view(1, 1, Q_LEN, 1), arange(KV_LEN, device=device).view(1, 1, 1, KV_LEN))


def _is_score_mod(fn):
    try:
        return len(inspect.signature(fn).parameters) == 5
    except (TypeError, ValueError):
        return False


def create_mask(mod_fn, B, H, Q_LEN, KV_LEN, device=None):
    """The dense (B, H, Q_LEN, KV_LEN) boolean mask of a mask_mod (or where a score_mod keeps a score finite)."""
    B, H = B or 1, H or 1
    b, h, q, kv = _grid(B, H, Q_LEN, KV_LEN, device)
    if _is_score_mod(mod_fn):
        out = mod_fn(zeros((), device=device), b, h, q, kv)
        mask = out != -math.inf
    else:
        mask = mod_fn(b, h, q, kv)
    return mask.expand(B, H, Q_LEN, KV_LEN).to(_bool())


class BlockMask:
    """What create_block_mask returns: the mask_mod and its sequence lengths, with the dense mask jtorch uses.

    torch's block-sparse index tensors (kv_num_blocks, kv_indices, ...) are accepted and kept for code that
    reads them; jtorch attends with the token-level mask."""

    def __init__(self, seq_lengths, kv_num_blocks, kv_indices, full_kv_num_blocks, full_kv_indices, q_num_blocks,
                 q_indices, full_q_num_blocks, full_q_indices, BLOCK_SIZE=(128, 128), mask_mod=noop_mask, *,
                 dq_write_order=None, dq_write_order_full=None, dq_kv_order=None, dq_kv_order_spt=None):
        self.seq_lengths = tuple(seq_lengths)
        self.kv_num_blocks, self.kv_indices = kv_num_blocks, kv_indices
        self.full_kv_num_blocks, self.full_kv_indices = full_kv_num_blocks, full_kv_indices
        self.q_num_blocks, self.q_indices = q_num_blocks, q_indices
        self.full_q_num_blocks, self.full_q_indices = full_q_num_blocks, full_q_indices
        self.BLOCK_SIZE = tuple(BLOCK_SIZE)
        self.mask_mod = mask_mod
        self._dense = None
        self._bh = None

    @classmethod
    def _from_mask_mod(cls, mask_mod, B, H, Q_LEN, KV_LEN, device, block_size):
        bm = cls((Q_LEN, KV_LEN), None, None, None, None, None, None, None, None, block_size, mask_mod)
        bm._dense = create_mask(mask_mod, B, H, Q_LEN, KV_LEN, device)
        bm._bh = (B or 1, H or 1)
        return bm

    @property
    def shape(self):
        """(B, H, Q_LEN, KV_LEN)."""
        b, h = self._bh or (1, 1)
        return (b, h) + self.seq_lengths

    def dense_mask(self, device=None):
        """The token-level (B, H, Q, KV) boolean mask."""
        if self._dense is None:
            b, h = self._bh or (1, 1)
            self._dense = create_mask(self.mask_mod, b, h, *self.seq_lengths, device)
        return self._dense

    def to_dense(self):
        """The block-level mask: True where a BLOCK_SIZE tile holds any attended position."""
        m = self.dense_mask()
        b, h, q, kv = m.shape
        bq, bk = self.BLOCK_SIZE
        nq, nk = -(-q // bq), -(-kv // bk)
        m = pad(m.to(self._float()), (0, nk * bk - kv, 0, nq * bq - q))
        return m.view(b, h, nq, bq, nk, bk).amax(dim=(3, 5)).to(self._int())

    @staticmethod
    def _float():
        return _dtype.float32

    @staticmethod
    def _int():
        return _dtype.int32

    def __repr__(self):
        return f"BlockMask(shape={self.shape}, sparsity=-, mask_mod={getattr(self.mask_mod, '__name__', '?')})"


def create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN, device=None, BLOCK_SIZE=_DEFAULT_SPARSE_BLOCK_SIZE,
                      _compile=False, separate_full_blocks=True, compute_dq_write_order=False, dq_kv_order=True):
    size = (BLOCK_SIZE, BLOCK_SIZE) if isinstance(BLOCK_SIZE, int) else tuple(BLOCK_SIZE)
    return BlockMask._from_mask_mod(mask_mod, B, H, Q_LEN, KV_LEN, device, size)


@dataclasses.dataclass(frozen=True)
class AuxRequest:
    lse: bool = False
    max_scores: bool = False


@dataclasses.dataclass(frozen=True)
class AuxOutput:
    lse: "object" = None
    max_scores: "object" = None


class FlexKernelOptions(TypedDict, total=False):
    """Kernel tuning knobs (block sizes, warps, stages): speed only, ignored here."""


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None, enable_gqa=False,
                   return_lse=False, kernel_options=None, *, return_aux=None):
    """softmax(score_mod(q @ k^T * scale) masked by block_mask) @ v, per (batch, head, query)."""
    if query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
        raise NotImplementedError("NYI: query, key, and value must be 4D tensors")
    B, Hq, L, E = query.shape
    Hkv, S = key.shape[1], key.shape[2]
    if Hq != Hkv:
        if not enable_gqa:
            raise ValueError(f"Expect query and key/value to have the same number of heads but got Hq={Hq} and "
                             f"Hkv={Hkv}. Try setting enable_gqa=True for GQA.")
        if Hq % Hkv:
            raise ValueError(f"Expect number of query heads to be a multiple of kv heads for GQA but got Hq={Hq} "
                             f"and Hkv={Hkv}.")
        key = key.repeat_interleave(Hq // Hkv, dim=1)
        value = value.repeat_interleave(Hq // Hkv, dim=1)
    scale = 1.0 / math.sqrt(E) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)).to(_dtype.float32) * scale
    if score_mod is not None:
        b, h, q, kv = _grid(B, Hq, L, S, query.device)
        scores = score_mod(scores, b, h, q, kv)
    if block_mask is not None:
        mask = block_mask.dense_mask(query.device)
        scores = scores.masked_fill(~mask, -math.inf)
    lse = scores.logsumexp(dim=-1)
    weights = (scores - lse.unsqueeze(-1)).exp()
    # a query that attends nowhere gets 0 output (and lse -inf), as torch's kernel gives
    weights = weights.masked_fill(lse.unsqueeze(-1) == -math.inf, 0.0)
    out = (weights.to(value.dtype) @ value)
    want_lse = return_lse or (return_aux is not None and return_aux.lse)
    want_max = return_aux is not None and return_aux.max_scores
    if return_aux is not None:
        return out, AuxOutput(lse=lse if want_lse else None,
                              max_scores=scores.amax(dim=-1) if want_max else None)
    if return_lse:
        return out, lse
    return out
