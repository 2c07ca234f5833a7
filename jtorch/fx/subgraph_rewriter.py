"""torch.fx.subgraph_rewriter: replace_pattern (not written yet for jtorch)."""

__all__ = ["replace_pattern", "Match"]


class Match:
    def __init__(self, anchor, nodes_map):
        self.anchor, self.nodes_map = anchor, nodes_map


def replace_pattern(gm, pattern, replacement):
    raise NotImplementedError("jtorch has no subgraph rewriting yet (torch.fx.replace_pattern); edit the graph "
                              "with Graph/Node methods and call GraphModule.recompile()")
