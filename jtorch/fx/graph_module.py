"""torch.fx.graph_module: a Module whose forward is a Graph (run by the Interpreter)."""
from ..nn.modules.module import Module

__all__ = ["GraphModule"]


class GraphModule(Module):
    def __init__(self, root, graph, class_name="GraphModule"):
        super().__init__()
        self.__class__.__name__ = class_name
        if isinstance(root, Module):
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    self._copy_attr(root, node.target)
        elif isinstance(root, dict):
            for name, value in root.items():
                self._set_path(name, value)
        self.graph = graph

    def _copy_attr(self, root, path):
        obj = root
        for part in path.split("."):
            obj = getattr(obj, part)
        self._set_path(path, obj)

    def _set_path(self, path, value):
        *parents, leaf = path.split(".")
        holder = self
        for p in parents:
            if not hasattr(holder, p):
                setattr(holder, p, Module())
            holder = getattr(holder, p)
        setattr(holder, leaf, value)

    @property
    def code(self):
        return str(self.graph)

    def recompile(self):
        """Nothing to regenerate: forward interprets the graph as it is now."""

    def forward(self, *args):
        from .interpreter import Interpreter
        return Interpreter(self).run(*args)
