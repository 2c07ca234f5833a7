"""torch._dynamo._trace_wrapped_higher_order_op: what transformers' masks import from it."""


class TransformGetItemToIndex:
    """In torch, lets `tensor[index_tensor]` run under vmap by turning it into torch.index_select-style ops.
    jtorch's indexing already accepts tensor indices under torch.func.vmap, so the block changes nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
