"""torch.fx: Python-level program capture.

`symbolic_trace` runs a module's forward on Proxy objects; torch functions reach them through the
__torch_function__ protocol (jtorch._ops.torch_function), submodule calls and parameter reads are
intercepted by the Tracer, and the result is a Graph that a GraphModule turns back into Python code.
"""
from . import passes as passes  # noqa: F401
from ._symbolic_trace import (  # noqa: F401
    PH as PH, Tracer as Tracer, has_side_effect as has_side_effect, is_fx_tracing as is_fx_tracing,
    symbolic_trace as symbolic_trace, wrap as wrap,
)
from .graph import CodeGen as CodeGen, Graph as Graph, PythonCode as PythonCode
from .graph_module import GraphModule as GraphModule
from .interpreter import Interpreter as Interpreter, Transformer as Transformer
from .node import Node as Node, map_arg as map_arg
from .proxy import Proxy as Proxy, ProxyableClassMeta as ProxyableClassMeta
from .subgraph_rewriter import replace_pattern as replace_pattern

__all__ = ["symbolic_trace", "Tracer", "wrap", "Graph", "GraphModule", "Interpreter", "Node", "Proxy",
           "Transformer", "map_arg", "replace_pattern", "has_side_effect"]
