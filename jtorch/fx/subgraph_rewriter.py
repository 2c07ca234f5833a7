"""torch.fx.subgraph_rewriter: replace every occurrence of a pattern graph with a replacement graph.

A pattern (a function or GraphModule) is traced; its inputs match any value, its other nodes must
match a graph's nodes op for op, target for target and constant for constant, working back from
the value the pattern returns. An occurrence whose inner values are also used elsewhere is left
alone (replacing it would change those uses). Matches do not overlap.
"""
from typing import NamedTuple

from ._symbolic_trace import symbolic_trace
from .graph_module import GraphModule, _copy_attr
from .node import Node, map_arg

__all__ = ["Match", "replace_pattern", "ReplacedPatterns"]


class Match(NamedTuple):
    anchor: Node
    nodes_map: dict


class ReplacedPatterns(NamedTuple):
    anchor: Node
    nodes_map: dict
    replacements: list


def _as_graph_module(fn):
    return fn if isinstance(fn, GraphModule) else symbolic_trace(fn)


def _returned(graph):
    out = graph.output_node().args[0]
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _match(pn, gn, found):
    """Whether graph node gn computes what pattern node pn does; bindings go into found (pattern -> graph)."""
    if pn in found:
        return found[pn] is gn
    if pn.op == "placeholder":
        found[pn] = gn
        return True
    if pn.op != gn.op or pn.target != gn.target or len(pn.args) != len(gn.args) or set(pn.kwargs) != set(gn.kwargs):
        return False
    found[pn] = gn
    pairs = list(zip(pn.args, gn.args)) + [(pn.kwargs[k], gn.kwargs[k]) for k in pn.kwargs]
    if all(_match_arg(a, b, found) for a, b in pairs):
        return True
    del found[pn]
    return False


def _match_arg(a, b, found):
    if isinstance(a, Node) and a.op == "placeholder" and not isinstance(b, Node):
        if a in found:  # a pattern input matches a constant too
            return not isinstance(found[a], Node) and found[a] == b
        found[a] = b
        return True
    if isinstance(a, Node):
        return isinstance(b, Node) and _match(a, b, found)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_match_arg(x, y, found) for x, y in zip(a, b))
    return not isinstance(b, Node) and type(a) is type(b) and a == b


def replace_pattern(gm, pattern, replacement):
    """Rewrite gm in place; returns a Match for each occurrence replaced."""
    p_graph = _as_graph_module(pattern).graph
    r_gm = _as_graph_module(replacement)
    p_inputs = [n for n in p_graph.nodes if n.op == "placeholder"]
    r_inputs = [n for n in r_gm.graph.nodes if n.op == "placeholder"]
    p_outs = _returned(p_graph)
    graph = gm.graph
    matches, taken = [], set()
    for anchor in list(graph.nodes):
        if anchor._erased or anchor in taken or anchor.op in ("placeholder", "output"):
            continue
        found = {}
        if not _match(p_outs[-1], anchor, found):
            continue
        if not all(_match(p, found.get(p, anchor), found) for p in p_outs[:-1] if p in found):
            continue
        inner = [g for p, g in found.items() if p.op != "placeholder"]
        outputs = {found[p] for p in p_outs if p in found}
        if any(g in taken for g in inner):
            continue
        if any(u not in inner for g in inner if g not in outputs for u in g.users):
            continue  # an intermediate value is used outside the occurrence
        bound = [found.get(p) for p in p_inputs]
        env = dict(zip(r_inputs, bound))
        order = {n: i for i, n in enumerate(graph.nodes)}
        users = [u for g in outputs for u in g.users if u not in inner]
        # the replacement goes just before the first use of what the occurrence returns, as torch places it
        with graph.inserting_before(min(users, key=order.__getitem__) if users else anchor):
            for node in r_gm.graph.nodes:
                if node.op == "placeholder":
                    continue
                if node.op == "output":
                    new_outs = node.args[0] if isinstance(node.args[0], (tuple, list)) else [node.args[0]]
                    new_outs = [map_arg(v, lambda n: env[n]) for v in new_outs]
                    break
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(r_gm, gm, node.target)
                env[node] = graph.node_copy(node, lambda n: env[n])
        for p, new in zip(p_outs, new_outs):
            found[p].replace_all_uses_with(new)
        for g in sorted(inner, key=lambda n: -order[n]):
            if not g.users:
                graph.erase_node(g)
        taken.update(inner)
        matches.append(Match(anchor=anchor, nodes_map={p: g for p, g in found.items()}))
    gm.recompile()
    return matches
