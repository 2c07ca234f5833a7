"""Canonicalising a pending subgraph into a structural key and a pure function.

A `Program` is the structure of a subgraph with its concrete leaves abstracted away:
leaf avals, the op entries in topological order, and which slots are outputs. Two steps
of the same training loop give equal Programs, so they share one compiled executable.
"""
import jax

from . import metrics


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

    def run(self, leaves):
        """Evaluate on arrays (or tracers); returns the list of outputs."""
        n = len(self.leaf_avals)
        env = list(leaves)
        env.extend([None] * len(self.code))
        for i, (op, static, refs) in enumerate(self.code):
            args = [None if r is None else (env[r[0]] if r[1] is None else env[r[0]][r[1]]) for r in refs]
            env[n + i] = op.lower(*args, **dict(static))
        return [env[s] if idx is None else env[s][idx] for s, idx in self.outputs]


def collect(roots, stop=None):
    """Topologically order the pending subgraph under `roots` (Lazies).

    Returns (leaves, nodes, ref) where leaves are the concrete Lazies (or Lazies for which
    `stop` returns True), nodes the pending nodes in dependency order, and ref(lazy) the
    slot reference of any Lazy reached.
    """
    leaves, leaf_ids, nodes, node_ids = [], {}, [], {}
    stack = [(r, False) for r in reversed(roots)]
    while stack:
        lz, expanded = stack.pop()
        if lz is None:
            continue
        is_leaf = lz.value is not None if stop is None else stop(lz)
        if is_leaf:
            if id(lz) not in leaf_ids:
                leaf_ids[id(lz)] = len(leaves)
                leaves.append(lz)
            continue
        node = lz.node
        nid = id(node)
        if nid in node_ids:
            continue
        if expanded:
            node_ids[nid] = len(nodes)
            nodes.append(node)
            continue
        stack.append((lz, True))
        for inp in reversed(node.inputs):
            if inp is not None and id(inp) not in leaf_ids and (inp.node is None or id(inp.node) not in node_ids):
                stack.append((inp, False))
    n = len(leaves)

    def ref(lz):
        i = leaf_ids.get(id(lz))
        if i is not None:
            return (i, None)
        return (n + node_ids[id(lz.node)], lz.index)

    return leaves, nodes, ref


def build(roots, stop=None):
    """(Program, leaves, nodes) for computing `roots` from their leaves."""
    leaves, nodes, ref = collect(roots, stop)
    code = tuple((node.op, node.static, tuple(None if i is None else ref(i) for i in node.inputs))
                 for node in nodes)
    avals = tuple((lz.shape, lz.dtype) for lz in leaves)
    prog = Program(avals, code, tuple(ref(r) for r in roots))
    return prog, leaves, nodes


_cache = {}


def executable(prog, donate=()):
    """(jitted function, is_new) for a Program, compiled once per structure."""
    key = (prog, donate)
    fn = _cache.get(key)
    if fn is not None:
        metrics.count("cache_hits")
        return fn, False
    metrics.count("compiles")
    fn = _cache[key] = jax.jit(lambda *leaves: prog.run(leaves), donate_argnums=donate)
    return fn, True
