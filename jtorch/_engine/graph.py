"""The lazy graph: values that are either concrete jax arrays or recipes to compute them.

A `Lazy` is one value. It is concrete (`value` holds a jax array or a numpy scalar) or
pending (`node` says how to compute it from other Lazies). A `Node` is one op call; a
multi-output op's results are Lazies sharing one node with different `index`.

Autograd lives on the same graph: a Lazy produced under grad mode from an input that
requires grad keeps its node after it is materialised (its `grad_fn` names the op) so
that `backward()` can rebuild the pure function leaves -> output and differentiate it.
"""
import itertools

_serial = itertools.count()


class Node:
    __slots__ = ("op", "static", "inputs", "freed", "serial")

    def __init__(self, op, static, inputs):
        self.op = op            # OpDef
        self.static = static    # hashable tuple of (name, value)
        self.inputs = inputs    # tuple of Lazy or None
        self.freed = False      # set by backward() without retain_graph
        self.serial = next(_serial)  # creation order (a sync orders its outputs by it)


class Lazy:
    __slots__ = ("value", "node", "index", "shape", "dtype", "serial", "requires_grad", "grad_fn",
                 "owner", "__weakref__")

    def __init__(self, shape, dtype, value=None, node=None, index=None, requires_grad=False, grad_fn=None):
        self.value = value
        self.node = node
        self.index = index
        self.shape = shape
        self.dtype = dtype
        self.serial = next(_serial)
        self.requires_grad = requires_grad
        self.grad_fn = grad_fn  # name of the backward node, e.g. "AddBackward0", or None for leaves
        self.owner = None       # weakref to the leaf Tensor whose .grad this accumulates into

    @property
    def pending(self):
        return self.value is None

    def __repr__(self):
        state = "pending " + self.node.op.name if self.value is None else "concrete"
        return f"<Lazy {state} {self.shape} {self.dtype}>"
