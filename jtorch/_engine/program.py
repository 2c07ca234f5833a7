"""Canonicalising a pending subgraph into a structural key and a pure function.

A `Program` is the structure of a subgraph with its concrete leaves abstracted away:
leaf avals, the op entries in topological order, and which slots are outputs. Two steps
of the same training loop give equal Programs, so they share one compiled executable.
"""
import collections
import os

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


def run_op_by_op(prog, leaves):
    """prog's outputs computed one op at a time, each op through its own jitted lowering: jax
    compiles an op per input shape in milliseconds, where a whole program of new shapes takes
    far longer (a call site whose shapes change every step runs this way: sync.py)."""
    env = [None] * len(prog.code) + list(reversed(leaves))
    for i, (op, static, refs) in enumerate(prog.code):
        args = [None if r is None else (env[r[0]] if r[1] is None else env[r[0]][r[1]]) for r in refs]
        fn = _op_fns.get((op, static))
        if fn is None:
            if len(_op_fns) >= 4096:
                _op_fns.clear()
            fn = _op_fns[(op, static)] = _jit_op(op, dict(static))
        env[i] = fn(*args)
    return [env[s] if idx is None else env[s][idx] for s, idx in prog.outputs]


_op_fns = {}  # (op, static arguments) -> its jitted lowering (jax keeps one executable per input shape)


def _jit_op(op, static):
    return jax.jit(lambda *arrays: op.lower(*arrays, **static))


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


# Compiled programs, least recently used first. Each one holds an XLA executable (several MB
# on CPU), so a loop whose shapes never repeat would otherwise grow without bound.
_cache = collections.OrderedDict()
_site_of = {}                      # cache key -> the call site that compiled it
_held = collections.Counter()      # call site -> programs of it still cached
max_programs = int(os.environ.get("JTORCH_MAX_PROGRAMS", "512"))
# ... and at most this many bytes of them: a program's size is what the process's resident memory
# grew by while it compiled and first ran, less its outputs
max_bytes = int(os.environ.get("JTORCH_MAX_PROGRAM_BYTES", str(2 << 30)))
_sizes = {}                        # cache key -> bytes
_total = [0]                       # bytes of the cached programs


def cached(prog, donate=()):
    """Whether `executable(prog, donate)` would find a compiled program."""
    return (prog, donate, modes.get().forward_mode > 0) in _cache


def executable(prog, donate=()):
    """(jitted function, cache key or None): the key is given when the program is new."""
    # an op with a reverse-mode-only rule (jax.custom_vjp) lowers its plain form while a
    # forward-mode transform traces (modes.get().forward_mode): those programs are cached apart
    key = (prog, donate, modes.get().forward_mode > 0)
    fn = _cache.get(key)
    if fn is not None:
        _cache.move_to_end(key)
        metrics.count("cache_hits")
        return fn, None
    metrics.count("compiles")
    fn = _cache[key] = jax.jit(lambda *leaves: prog.run(leaves), donate_argnums=donate)
    evict(max_programs)
    return fn, key


def evict(limit):
    """Drop the least recently used programs until at most `limit` remain, and until they hold
    at most max_bytes (the latest program stays, whatever its size)."""
    while len(_cache) > max(limit, 0) or (_total[0] > max_bytes and len(_cache) > 1):
        key, _ = _cache.popitem(last=False)
        _total[0] -= _sizes.pop(key, 0)
        metrics.count("evictions")
        site = _site_of.pop(key, None)
        if site is not None:
            _held[site] -= 1
            if not _held[site]:
                del _held[site]


def note_site(key, site):
    """Remember which call site compiled the program cached under `key`."""
    if key in _cache:
        _site_of[key] = site
        _held[site] += 1


def resident_bytes():
    """This process's resident memory in bytes (0 where /proc is missing: no byte accounting)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def note_bytes(key, n):
    """Record that the program cached under `key` holds `n` bytes; evict past max_bytes."""
    if key in _cache and key not in _sizes:
        n = max(int(n), 0)
        _sizes[key] = n
        _total[0] += n
        evict(max_programs)
