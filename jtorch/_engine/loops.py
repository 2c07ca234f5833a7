"""Python loops without a sync: the pending graph is cut into pieces that share one program.

A loop such as `for t in range(999): h, c = cell(x[:, t:t + 1], (h, c))` with no sync inside
records every step into one pending graph, which XLA would compile as one unrolled program
(minutes for an LSTM over 999 steps). When a thread has recorded modes.LOOP_OPS ops since its
last sync, `look()` lists the pending nodes in creation order and looks for a sequence of ops
(op and static arguments) that repeats at least MIN_REPEATS times in a row; a model's layers
repeat fewer times, so a training step stays one program. It then syncs the graph piece by
piece, each piece a whole number of repeats starting at the same place of the repeated
sequence, so every piece but the first has the same structure and hits the same compiled
program. The sequence is remembered per thread, and later pieces are cut as soon as they are
recorded. Compile time then grows with the number of distinct structures, not with the loop's
length. Backward over a cut graph goes piece by piece as well (backward.py reads `cuts`).
"""
import bisect

from . import metrics, modes, sync
from .graph import Lazy, Node

MIN_REPEATS = 32   # repeats of one op sequence that make a pending graph a loop
PIECE_SHARE = 8    # a piece holds about modes.LOOP_OPS / PIECE_SHARE ops (a whole number of repeats)
cuts = []          # node serials where a loop's graph was cut, ascending (backward splits its vjp there)
_MAX_CUTS = 1 << 16


def look(mode):
    """Called by the dispatcher when len(mode.live) reaches mode.next_look: cut a loop if there is one."""
    mode.next_look = 2 * len(mode.live)  # no loop: look again when the graph has doubled
    if mode.tracing:
        return
    held = sync.held_pending({})
    if not held:
        return
    nodes = _pending_nodes(held.values())
    nodes.sort(key=_serial)
    tokens = [(nd.op, nd.static) for nd in nodes]
    start = None
    if mode.loop is not None:  # the loop cut before: cut at the same place of its op sequence
        word, m = mode.loop
        start = _find_word(tokens, word)
    if start is None:
        found = _find_loop(tokens)
        if found is None:
            mode.loop = None
            return
        start, p = found
        word, m = tokens[start:start + p], max(1, -(-piece_ops() // p))
        mode.loop = (word, m)
    p = len(word)
    bounds, pos = [], start
    while pos + m * p <= len(tokens) and all(tokens[j:j + p] == word for j in range(pos, pos + m * p, p)):
        pos += m * p
        bounds.append(pos)
    if not bounds or bounds[-1] >= len(tokens):
        bounds = bounds[:-1]  # the last piece stays pending: the loop may still be writing into it
    if not bounds:
        mode.next_look = len(mode.live) + m * p
        return
    _cut(nodes, held, bounds)
    mode.live[:] = [r for r in mode.live if (t := r()) is not None and t._lazy.value is None]
    mode.next_look = len(mode.live) + 2 * m * p


def _cut(nodes, held, bounds):
    """Sync the pieces [0, bounds[0]), [bounds[0], bounds[1]), ... of `nodes` (creation order) in order."""
    position = {nd: k for k, nd in enumerate(nodes)}
    roots = [{} for _ in bounds]  # per piece: its values that later pieces read or the user holds

    def note(lz):
        q = bisect.bisect_right(bounds, position[lz.node])
        if q < len(bounds):
            roots[q][id(lz)] = lz

    for k, nd in enumerate(nodes):
        if k >= bounds[0]:
            for i in nd.inputs:
                if i is not None and i.value is None and i.node in position:
                    note(i)
    for lz in held.values():
        note(lz)
    for b in bounds:
        cuts.append(nodes[b].serial)
    if len(cuts) > _MAX_CUTS:
        del cuts[:len(cuts) // 2]
    for r in roots:
        if r:
            metrics.count("loop_pieces")
            sync.run(sorted(r.values(), key=sync._latest_op_first), "loop piece")


def _pending_nodes(lazies):
    """The nodes of every pending value that `lazies` are computed from."""
    seen, out = set(), []
    stack = [lz.node for lz in lazies]
    while stack:
        nd = stack.pop()
        if nd in seen:
            continue
        seen.add(nd)
        out.append(nd)
        for i in nd.inputs:
            if i is not None and i.value is None and i.node is not None and i.node not in seen:
                stack.append(i.node)
    return out


def _serial(nd):
    return nd.serial


def _find_loop(tokens):
    """(start, period) of the longest run at the end of `tokens` that repeats one sequence of
    `period` ops at least MIN_REPEATS times (the shortest such period), or None."""
    n = len(tokens)
    for p in range(1, n // MIN_REPEATS + 1):
        if tokens[n - p:] != tokens[n - 2 * p:n - p]:
            continue
        lo, hi = 2 * p, n  # the last `lo` tokens repeat with period p; find the longest such run
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if tokens[n - mid + p:] == tokens[n - mid:n - p]:
                lo = mid
            else:
                hi = mid - 1
        if lo >= MIN_REPEATS * p:
            return n - lo, p
    return None


def _find_word(tokens, word):
    """The first position where `word` starts in `tokens` followed by a second copy of it, or None."""
    p, first = len(word), word[0]
    for j in range(len(tokens) - 2 * p + 1):
        if tokens[j] == first and tokens[j:j + p] == word and tokens[j + p:j + 2 * p] == word:
            return j
    return None


def group_of(serial):
    """Which piece of a cut loop the node with this serial belongs to (0 before the first cut)."""
    return bisect.bisect_right(cuts, serial)


def piece_ops():
    """About how many ops a piece of a cut loop holds: 256 by default, which compiles in well under a second."""
    return max(1, modes.LOOP_OPS // PIECE_SHARE)


def spans_cuts(nodes):
    """Whether a backward's graph crosses a cut of a loop (then it can go piece by piece)."""
    if not cuts or len(nodes) <= piece_ops():
        return False
    serials = [nd.serial for nd in nodes]
    return group_of(min(serials)) != group_of(max(serials))


def _accumulate(a, b):
    return a + b


_ACC = []  # the op summing a value's cotangents (made at first use: dispatch imports this module)


def backward_by_piece(roots, cots, wrt, stop, build, vjp_node):
    """Gradients of `roots` (with cotangents `cots`) w.r.t. the Lazies in `wrt`, one vjp program
    per piece of a cut loop, latest piece first, each synced before the next (checkpoint style: a
    piece's forward runs again inside its vjp). Repeated pieces share one compiled program.
    Returns {id(w): concrete gradient} for the `wrt` entries the roots depend on.

    stop(lz) says where the differentiated graph ends (autograd leaves); build(roots, stop) is
    program.build and vjp_node(prog, leaves, diff, cots) makes a pending vjp node (backward.py)."""
    sync.materialize(list(roots) + [c for c in cots if c.value is None], "backward")
    targets = {id(w) for w in wrt}
    grads = {}   # id(wrt entry) -> its gradient so far
    later = {}   # id(value inside the graph) -> [value, its cotangent so far]
    for r, c in zip(roots, cots):
        _add_to(later, r, c)
    while later:
        g = max(group_of(lz.node.serial) for lz, _ in later.values())
        here = sorted((v for v in later.values() if group_of(v[0].node.serial) == g), key=lambda v: v[0].serial)
        for lz, _ in here:
            del later[id(lz)]

        def stop_here(lz):
            return stop(lz) or group_of(lz.node.serial) < g

        prog, leaves, _ = build([lz for lz, _ in here], stop_here)
        diff = [i for i, lz in enumerate(leaves) if id(lz) in targets or (not stop(lz) and lz.requires_grad)]
        node = vjp_node(prog, leaves, tuple(diff), [c for _, c in here])
        for k, i in enumerate(diff):
            lz = leaves[i]
            grad = Lazy(lz.shape, lz.dtype, node=node, index=k)
            if id(lz) in targets:
                prev = grads.get(id(lz))
                grads[id(lz)] = grad if prev is None else _sum(prev, grad)
            else:
                _add_to(later, lz, grad)
        pending = [v for v in grads.values() if v.value is None] + [c for _, c in later.values() if c.value is None]
        if pending:
            metrics.count("backward_pieces")
            sync.run(sorted(pending, key=sync._latest_op_first), "backward piece")
    return grads


def _add_to(table, lz, cot):
    entry = table.get(id(lz))
    if entry is None:
        table[id(lz)] = [lz, cot]
    else:
        entry[1] = _sum(entry[1], cot)


def _sum(a, b):
    if not _ACC:
        from .dispatch import OpDef
        _ACC.append(OpDef("autograd_accumulate", _accumulate, (), (), None, False, "AddBackward0", False))
    return Lazy(a.shape, a.dtype, node=Node(_ACC[0], (), (a, b)))
