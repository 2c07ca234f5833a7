"""torch.fx: Python-level program capture.

torch's symbolic tracer records a module's forward by running it on Proxy objects that every torch function
accepts through __torch_function__. jtorch has no __torch_function__ dispatch, so symbolic_trace raises,
naming the reason. The registries libraries fill at import time (wrap, has_side_effect) work, and the graph
data structures (Graph, Node) can be built by hand; running a GraphModule interprets its graph node by node.
"""
from .graph import Graph as Graph
from .graph_module import GraphModule as GraphModule
from .interpreter import Interpreter as Interpreter, Transformer as Transformer
from .node import Node as Node, map_arg as map_arg
from .proxy import Proxy as Proxy, ProxyableClassMeta as ProxyableClassMeta, Tracer as Tracer
from ._symbolic_trace import (  # noqa: F401
    PH as PH, has_side_effect as has_side_effect, symbolic_trace as symbolic_trace, wrap as wrap,
)

__all__ = ["symbolic_trace", "Tracer", "wrap", "Graph", "GraphModule", "Interpreter", "Node", "Proxy",
           "Transformer", "map_arg", "replace_pattern", "has_side_effect"]


def replace_pattern(gm, pattern, replacement):
    raise NotImplementedError("jtorch has no subgraph rewriting (torch.fx.replace_pattern): it needs traced "
                              "graphs, which need __torch_function__ dispatch")
