"""Canonicalising a pending subgraph into a structural key and a pure function.

A `Program` is the structure of a subgraph with its concrete leaves abstracted away:
leaf avals, the op entries in topological order, and which slots are outputs. Two steps
of the same training loop give equal Programs, so they share one compiled executable.
"""
import jax

from . import metrics, modes


class Program:
    """A pure function of its leaves, identified by structure only.

    code: tuple of (op, static, input refs); a ref is (slot, index) or None, slots
    0..n_leaves-1 are leaves and slot n_leaves+i is the result of code[i].
    """

    __slots__ = ("leaf_avals", "code", "outputs", "_hash")

    def __init__(self, leaf_avals, code, outputs):
        self.leaf_avals = leaf_avals
        self.code = code
        self.outputs = outputs
        self._hash = hash((leaf_avals, code, outputs))

    def __hash__(self):
        return self._hash

    def __eq__(self, other):
        return (self is other or isinstance(other, Program) and self._hash == other._hash
                and self.leaf_avals == other.leaf_avals and self.code == other.code
                and self.outputs == other.outputs)

    def run(self, leaves, nograd=(), extra=()):
        """Evaluate on arrays (or tracers); returns the list of outputs, then the values at the
        `extra` refs. Results of the code entries in `nograd` are cut from differentiation
        (jtorch.utils.checkpoint)."""
        # node results fill env from the front; leaves sit reversed at the back, so a leaf's
        # negative ref indexes it directly
        env = [None] * len(self.code) + list(reversed(leaves))
        for i, (op, static, refs) in enumerate(self.code):
            args = [None if r is None else (env[r[0]] if r[1] is None else env[r[0]][r[1]]) for r in refs]
            env[i] = op.lower(*args, **dict(static))
            if nograd and i in nograd:
                env[i] = jax.tree_util.tree_map(jax.lax.stop_gradient, env[i])
        return [env[s] if idx is None else env[s][idx] for s, idx in self.outputs + extra]


def build(roots, stop=None):
    """(Program, leaves, nodes) for computing `roots` (Lazies) from their leaves.

    One depth-first pass orders the pending nodes and gives every value a ref: a node's
    result (slot >= 0, output index), leaf i (-1 - i, None). Leaves are concrete Lazies, or
    those for which `stop` returns True (backward stops at autograd leaves).
    """
    leaves, nodes, code = [], [], []
    refs, slots = {}, {}  # Lazy -> ref; Node -> slot (both hash by identity: no id() calls)
    is_leaf = _concrete if stop is None else stop
    stack = list(reversed(roots))
    while stack:
        lz = stack[-1]
        if lz in refs:
            stack.pop()
            continue
        if is_leaf(lz):
            stack.pop()
            refs[lz] = (-1 - len(leaves), None)
            leaves.append(lz)
            continue
        node = lz.node
        slot = slots.get(node)
        if slot is None:
            waiting = False
            for i in node.inputs:  # leaves get their ref at once; pending inputs go first, then this value again
                if i is not None and i not in refs:
                    if is_leaf(i):
                        refs[i] = (-1 - len(leaves), None)
                        leaves.append(i)
                    else:
                        stack.append(i)
                        waiting = True
            if waiting:
                continue
            slot = slots[node] = len(nodes)
            nodes.append(node)
            code.append((node.op, node.static, tuple([None if i is None else refs[i] for i in node.inputs])))
        stack.pop()
        refs[lz] = (slot, lz.index)
    prog = Program(tuple([(lz.shape, lz.dtype) for lz in leaves]), tuple(code), tuple([refs[r] for r in roots]))
    return prog, leaves, nodes


def _concrete(lz):
    return lz.value is not None


_cache = {}


def executable(prog, donate=()):
    """(jitted function, is_new) for a Program, compiled once per structure."""
    # an op with a reverse-mode-only rule (jax.custom_vjp) lowers its plain form while a
    # forward-mode transform traces (modes.state.forward_mode): those programs are cached apart
    key = (prog, donate, modes.state.forward_mode > 0)
    fn = _cache.get(key)
    if fn is not None:
        metrics.count("cache_hits")
        return fn, False
    metrics.count("compiles")
    fn = _cache[key] = jax.jit(lambda *leaves: prog.run(leaves), donate_argnums=donate)
    return fn, True
