"""Sync points: turning pending values into concrete arrays with one compiled program.

At a sync every pending tensor the user still holds is computed together, so a training
step's loss, outputs, gradients and updated parameters come out of ONE XLA program and
the `loss.item()` that follows is free.
"""
import math
import os
import sys
import time
import warnings
import weakref

import jax

from . import metrics, modes, program
from .._device import reconcile

# Each thread keeps weak references to the tensors it created pending since its last sync in
# modes.get().live (a plain list: appending a weakref is far cheaper per op than a WeakSet,
# and Tensor.__eq__ is elementwise anyway).
_sites = {}                # call site -> [programs compiled there, the latest two of them, their hashes]
_warned = set()
RECOMPILE_WARN_LIMIT = 4   # distinct programs at one call site before the warning
after_sync = []            # functions run after each materialize (jtorch.debug.check_values raises there)
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def track(tensor):
    modes.get().live.append(weakref.ref(tensor))


def materialize(lazies, reason):
    """Make every pending Lazy in `lazies`, and every live pending tensor, concrete."""
    roots = {id(lz): lz for lz in lazies if lz.value is None}
    if not roots:
        return
    held_pending(roots)
    mode = modes.get()
    mode.live.clear()
    mode.next_look = modes.look_at()
    run(sorted(roots.values(), key=_latest_op_first), reason)
    for hook in after_sync:
        hook()


def held_pending(out):
    """Add the pending value of every tensor still held (tracked since the last sync) to `out`,
    a dict id(Lazy) -> Lazy; returns it."""
    for ref in modes.get().live:
        t = ref()
        if t is not None:
            lz = t._lazy
            if lz.value is None:
                out.setdefault(id(lz), lz)
    return out


def _latest_op_first(lz):
    """The sync's output order: the latest op's outputs first, each op's in output order.

    jax gives a donated input's buffer to the first output of the same shape and dtype, in
    order. The latest op of a step is its optimizer update, whose outputs replace its inputs
    in the same order, and the leaves are numbered in that op's input order (program.build):
    so each parameter and state buffer goes to its own new value. A gradient written into a
    parameter's buffer would make XLA copy the parameter first.
    """
    return -lz.node.serial, lz.index or 0


def run(roots, reason):
    global _syncs
    _syncs += 1
    metrics.count("sync:" + reason)
    prog, leaves, nodes = program.build(roots)
    donate = _donatable(roots, leaves, nodes)
    if not program.cached(prog, donate) and not modes.get().tracing and _op_by_op(prog, reason):
        metrics.count("op_by_op_runs")
        t0 = time.perf_counter()
        _store(roots, program.run_op_by_op(prog, [lz.value for lz in leaves]))
        metrics.add_seconds("execute", time.perf_counter() - t0)
        return
    fn, new = program.executable(prog, donate)
    if new:
        _note_compile(prog, new, reason)
    rss = program.resident_bytes() if new else 0
    t0 = time.perf_counter()
    args = [lz.value for lz in leaves]
    try:
        values = fn(*args)
    except ValueError as e:
        if "incompatible devices" not in str(e):
            raise
        # leaves on a device mesh and on one of its devices (DataParallel): replicate, or torch's error
        values = fn(*reconcile(args))
    # a first call traces and compiles: its time is counted as compile time
    metrics.add_seconds("compile" if new else "execute", time.perf_counter() - t0)
    if new and rss:  # the program's memory: what compiling and running it added, less its outputs
        program.note_bytes(new, program.resident_bytes() - rss - sum(
            math.prod(lz.shape) * lz.dtype.itemsize for lz in roots))
    _store(roots, values)
    for i in donate:
        leaves[i].value = None  # its buffer now belongs to an output


def _store(roots, values):
    for lz, v in zip(roots, values):
        lz.value = v
        if lz.grad_fn is None or lz.node is None or lz.node.freed:
            lz.node = None


# A call site that keeps meeting new shapes runs the programs it has not compiled op by op
# (program.run_op_by_op) rather than compiling each; a site that goes
# OP_BY_OP_QUIET syncs (of any site) without a new program returns to whole programs.
OP_BY_OP_QUIET = 32
_syncs = 0        # syncs so far
_op_by_op_sites = {}  # call site in op-by-op mode -> _syncs at its latest new program


def _op_by_op(prog, reason):
    """Whether a program no cache holds should run op by op instead of compiling."""
    filename, lineno, tag = _call_site()
    site = f"{filename}:{lineno}{tag} ({reason})"
    seen = _sites.get(site)
    if seen is None or seen[0] < RECOMPILE_WARN_LIMIT:
        return False
    if hash(prog) in seen[3]:
        return False  # compiled here before (and evicted since): compile it again
    last = _op_by_op_sites.get(site)
    if last is None:
        _op_by_op_sites[site] = _syncs
        _warn(site, seen, seen[2], prog, filename, lineno)
    elif _syncs - last > OP_BY_OP_QUIET:  # shapes settled: whole programs again
        del _op_by_op_sites[site]
        return False
    _op_by_op_sites[site] = _syncs
    return True


def _donatable(roots, leaves, nodes):
    """Leaves whose buffers nothing else can read after this sync.

    A leaf is donated when the only references to it are this graph's own edges, and no
    root keeps its graph for a later backward. On CPU only large buffers are donated:
    reusing them saves a fresh allocation (and its page faults) every step, while small
    ones come cheaply from the allocator. A buffer a numpy array still views is never
    overwritten (XLA then writes the output elsewhere).
    """
    min_size = _min_donation_size()
    # sizes from the recorded shapes: jax.Array.size is a Python property, slow at every leaf
    big = [i for i, lz in enumerate(leaves) if math.prod(lz.shape) >= min_size and isinstance(lz.value, jax.Array)]
    if not big or any(r.grad_fn is not None and r.node is not None and not r.node.freed for r in roots):
        return ()
    uses = {}  # by id: a dict keyed by the Lazy would hold one more reference to it
    for node in nodes:
        for inp in node.inputs:
            if inp is not None:
                uses[id(inp)] = uses.get(id(inp), 0) + 1
    out = []
    for i in big:
        n = uses.get(id(leaves[i]), 0)
        # references to the Lazy: the leaves list, the graph edges and getrefcount's argument;
        # to its array: the Lazy and getrefcount's argument (no local names: they would count)
        if n and sys.getrefcount(leaves[i]) == n + 2 and sys.getrefcount(leaves[i].value) == 2:
            out.append(i)
    return tuple(out)


def _min_donation_size():
    return 1024 if _on_accelerator() else 1 << 18  # elements: 1 MiB of float32 on CPU


def _on_accelerator(_known=[]):  # noqa: B006 - a one-slot cache: jax.default_backend() costs ~15 us
    if not _known:
        _known.append(jax.default_backend() != "cpu")
    return _known[0]


def _call_site():
    """(file, line, tag) of the user code that caused this sync (first frame outside jtorch).

    Code typed at a prompt has no file: every input is `<stdin>:1`. There the tag tells
    inputs apart by their compiled content, so five different statements are five sites."""
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith(_PKG):
        f = f.f_back
    if f is None:
        return "<unknown>", 0, ""
    code = f.f_code
    tag = ""
    if code.co_filename.startswith("<"):
        tag = f" #{hash((code.co_code, code.co_names, repr(code.co_consts))) & 0xFFFFFF:06x}"
    return code.co_filename, f.f_lineno, tag


def _note_compile(prog, key, reason):
    filename, lineno, tag = _call_site()
    site = f"{filename}:{lineno}{tag} ({reason})"
    program.note_site(key, site)
    seen = _sites.get(site)
    if seen is None:
        seen = _sites[site] = [0, None, None, set()]
    seen[0] += 1
    if len(seen[3]) < 4096:
        seen[3].add(hash(prog))
    seen[1:3] = seen[2], prog
    if seen[0] > RECOMPILE_WARN_LIMIT:
        _warn(site, seen, seen[1], prog, filename, lineno)


def _warn(site, seen, old, new, filename, lineno):
    """The recompile warning, once per call site: what changed and which mode the site is in."""
    if site in _warned:
        return
    _warned.add(site)
    mode = ("it now runs each new program op by op (per-op executables cached by shape, no whole-program "
            f"compile) until {OP_BY_OP_QUIET} syncs pass without a new one" if site in _op_by_op_sites else
            "it compiles each new program whole")
    warnings.warn_explicit(
        f"jtorch: {site} has compiled {seen[0]} different programs ({program._held[site]} of them still "
        f"cached, at most {program.max_programs} in all); the latest change: {describe_change(old, new)}; "
        f"{mode}. Each new shape, dtype or static argument compiles again "
        "(pad batches to fixed shapes or pass changing numbers as tensors/Python floats).",
        RuntimeWarning, filename, lineno)


def describe_change(old, new):
    """What differs between two Programs, in words."""
    if len(old.leaf_avals) == len(new.leaf_avals):
        for i, (a, b) in enumerate(zip(old.leaf_avals, new.leaf_avals)):
            if a != b:
                return f"input {i} changed from {_aval(a)} to {_aval(b)}"
    if len(old.code) == len(new.code):
        for (op1, st1, _), (op2, st2, _) in zip(old.code, new.code):
            if op1 is not op2:
                return f"op {op1.name} became {op2.name}"
            if st1 != st2:
                before = dict(st1)
                changed = {k: (before.get(k), v) for k, v in st2 if before.get(k) != v}
                graphs = changed.get("prog", ())  # a backward: say what changed in the graph it differentiates
                if len(graphs) == 2 and all(isinstance(g, program.Program) for g in graphs):
                    return "in the graph that backward() or autograd.grad() differentiates, " + \
                        describe_change(*graphs)
                return f"static arguments of {op2.name} changed: " + ", ".join(
                    f"{k}: {a!r} -> {b!r}" for k, (a, b) in changed.items())
    return (f"the graph changed ({len(old.code)} ops with {len(old.leaf_avals)} inputs -> {len(new.code)} ops with "
            f"{len(new.leaf_avals)} inputs)")


def _aval(a):
    shape, dt = a
    return f"{dt.name}{list(shape)}"
