"""Backward: differentiate the recorded graph with one jax.vjp (torch.autograd's engine).

There are no per-op gradient rules. The autograd subgraph from the outputs down to the
leaves is canonicalised into a Program (the same structure every step, so one compile),
and a single pending "vjp" node computes all gradients from it. The gradients stay
pending, so forward, backward and the optimizer update run as one XLA program.
"""
import weakref

import jax
import jax.numpy as jnp

from . import hooks, loops, modes, program
from .dispatch import OPS, OpDef
from .graph import Lazy, Node

# jtorch.autograd.backward, which Tensor.backward() calls: jtorch.autograd installs it (it builds the
# default gradient with the op table, which sits above the engine)
entry = None


class Cut:
    """Hooks and retain_grad of a non-leaf value: backward() cuts the graph there.

    Keyed by the graph value (Lazy), not the Tensor, so hooks live as long as the graph
    does, as torch's hooks on grad_fn do, even when the user drops the tensor.
    """

    __slots__ = ("hooks", "tensor", "retains")

    def __init__(self, tensor):
        self.hooks = hooks.Hooks()
        self.tensor = weakref.ref(tensor)
        self.retains = False


_cuts = weakref.WeakKeyDictionary()  # Lazy -> Cut


def cut(tensor):
    """The Cut of a non-leaf tensor's current value."""
    c = _cuts.get(tensor._lazy)
    if c is None:
        c = _cuts[tensor._lazy] = Cut(tensor)
    return c


def register_hook(tensor, hook):
    if tensor.is_leaf:
        if tensor._hooks is None:
            tensor._hooks = hooks.Hooks()
        table = tensor._hooks
    else:
        table = cut(tensor).hooks
    return hooks.add(table, hook)


def _vjp_lower(*arrays, prog, diff, n_cot, shared=()):
    """Gradients of prog's outputs w.r.t. the leaves at `diff`, then the forward values at the
    `shared` refs (computed by the same forward pass the gradients use)."""
    leaves, cots = list(arrays[:-n_cot]), arrays[-n_cot:]
    n_out = len(prog.outputs)

    def f(*dvals):
        env = list(leaves)
        for i, v in zip(diff, dvals):
            env[i] = v
        res = prog.run(env, extra=shared)
        return res[:n_out], res[n_out:]

    outs, pullback, forward = jax.vjp(f, *[leaves[i] for i in diff], has_aux=True)
    # torch's complex gradients are the conjugates of jax's cotangents (both ways)
    grads = pullback([_conj(c.astype(o.dtype)) for c, o in zip(cots, outs)])
    return tuple(_conj(g) for g in grads) + tuple(forward)


def _conj(x):
    return jnp.conj(x) if jnp.iscomplexobj(x) else x


VJP = OpDef("autograd_vjp", _vjp_lower, (), ("prog", "diff", "n_cot", "shared"), None, False, "VjpBackward0", True)
OPS[VJP.name] = VJP

_SECOND_TIME = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward.")


def run_vjp(roots, cots, wrt, create_graph, share=()):
    """One pending vjp node: (wrt, grads, nodes traversed); all Lazies.

    Pending values in `share` that the differentiated graph computes are taken from the vjp
    node from then on (the caller frees that graph). Otherwise the forward would run twice
    in the step's program, once for them and once inside jax.vjp: XLA merges most repeated
    ops, but not repeated loops (an LSTM's scan) or random draws.

    wrt=None means every leaf that requires grad (backward()). `wrt` may hold
    intermediates: the graph is cut there, which gives the gradient of the intermediate
    itself (the sum over all its uses), as torch.autograd.grad does. A wrt entry the
    roots do not depend on gets None.
    """
    check_roots(roots)
    wrt_ids = {id(w) for w in wrt or ()}
    root_ids = {id(r) for r in roots}

    def stop(lz):  # a released value (node None) stops here and is reported just below
        return lz.grad_fn is None or lz.node is None or (id(lz) in wrt_ids and id(lz) not in root_ids)

    prog, leaves, nodes = program.build(roots, stop)
    if wrt is None:
        wrt = [lz for lz in leaves if lz.requires_grad and lz.owner is not None]
    for node in nodes:
        if node.freed:
            raise RuntimeError(_SECOND_TIME)
        for inp in node.inputs:
            if inp is not None and inp.grad_fn is not None and inp.node is None and id(inp) not in wrt_ids:
                raise RuntimeError(_SECOND_TIME)
    if not create_graph and not modes.get().tracing and loops.spans_cuts(nodes) and all(r.node for r in roots):
        # the graph of a loop cut into pieces: one vjp program per piece, shared by repeated pieces
        grads = loops.backward_by_piece(roots, cots, wrt, stop, program.build, _piece_vjp)
        return wrt, [grads.get(id(w)) for w in wrt], nodes
    leaf_index = {id(lz): i for i, lz in enumerate(leaves)}
    diff = tuple(leaf_index[id(w)] for w in wrt if id(w) in leaf_index)
    inputs = tuple(leaves) + tuple(cots)
    slots = {id(n): i for i, n in enumerate(nodes)}
    # traced (eager) values are replaced too: the first forward then has no use left, and XLA drops it
    share = [lz for lz in share if (lz.value is None or modes.get().tracing) and lz.node is not None
             and id(lz.node) in slots]
    if share:
        # a pending input of the vjp (`q.detach()` of a pending q) is computed from the forward
        # graph: a value it reads must keep its own node, or the vjp would become its own input
        upstream = _pending_nodes_above([lz for lz in leaves if lz.value is None])
        if upstream:
            share = [lz for lz in share if id(lz.node) not in upstream]
    refs = tuple((slots[id(lz.node)], lz.index) for lz in share)
    node = Node(VJP, (("prog", prog), ("diff", diff), ("n_cot", len(cots)), ("shared", refs)), inputs)
    rg = create_graph and modes.get().grad_enabled and any(lz.requires_grad for lz in inputs)
    values = None
    if modes.get().tracing:  # tracing (jtorch.compile, custom functions): compute now
        values = VJP.lower(*[None if lz is None else lz.value for lz in inputs], **dict(node.static))
    grads = {}
    for k, i in enumerate(diff):
        lz = leaves[i]
        g = Lazy(lz.shape, lz.dtype, node=node, index=k, requires_grad=rg, grad_fn="VjpBackward0" if rg else None)
        if values is not None:
            g.value = values[k]
        grads[id(lz)] = g
    for k, lz in enumerate(share):  # computed by the vjp node from now on
        lz.node, lz.index = node, len(diff) + k
        if values is not None:
            lz.value = values[len(diff) + k]
    if share:
        nodes.append(node)  # freed with the graph: a value taken from it has no graph behind it
    return wrt, [grads.get(id(w)) for w in wrt], nodes


def _piece_vjp(prog, leaves, diff, cots):
    return Node(VJP, (("prog", prog), ("diff", diff), ("n_cot", len(cots)), ("shared", ())), tuple(leaves) + tuple(cots))


def _pending_nodes_above(lazies):
    """ids of the nodes that the pending values in `lazies` are computed from."""
    seen, stack = set(), [lz.node for lz in lazies if lz.node is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(i.node for i in node.inputs if i is not None and i.value is None and i.node is not None)
    return seen


def check_roots(roots):
    """A root whose graph was released by an earlier backward raises torch's error."""
    for r in roots:
        if r.grad_fn is not None and r.node is None:
            raise RuntimeError(_SECOND_TIME)


def free(roots, nodes):
    """Release the graph after a backward without retain_graph (a second one raises)."""
    for n in nodes:
        n.freed = True
    for lz in roots:
        if lz.value is not None and lz.grad_fn is not None:
            lz.node = None
