"""torch.fx.graph: a list of Nodes in execution order."""
from .node import Node

__all__ = ["Graph"]


class Graph:
    def __init__(self, owning_module=None, tracer_cls=None, tracer_extras=None):
        self.owning_module = owning_module
        self._nodes = []
        self._names = {}

    @property
    def nodes(self):
        return list(self._nodes)

    def _unique(self, candidate):
        base = candidate.replace(".", "_")
        n = self._names.get(base, 0)
        self._names[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    def create_node(self, op, target, args=None, kwargs=None, name=None, type_expr=None):
        default = target if isinstance(target, str) else getattr(target, "__name__", "node")
        node = Node(self, self._unique(name or default), op, target, args or (), kwargs or {}, type_expr)
        self._nodes.append(node)
        return node

    def placeholder(self, name, type_expr=None, default_value=None):
        args = () if default_value is None else (default_value,)
        return self.create_node("placeholder", name, args, name=name, type_expr=type_expr)

    def get_attr(self, qualified_name, type_expr=None):
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(self, module_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function, args=None, kwargs=None, type_expr=None, name=None):
        return self.create_node("call_function", the_function, args, kwargs, name=name, type_expr=type_expr)

    def output(self, result, type_expr=None):
        return self.create_node("output", "output", (result,), type_expr=type_expr)

    def erase_node(self, to_erase):
        if to_erase.users:
            raise RuntimeError(f"Tried to erase Node {to_erase} but it still had {len(to_erase.users)} users in "
                               "the graph")
        for n in to_erase.all_input_nodes:
            n.users.pop(to_erase, None)
        self._nodes.remove(to_erase)

    def eliminate_dead_code(self, is_impure_node=None):
        from .node import _side_effectful_functions
        changed = False
        for node in reversed(self._nodes):
            impure = node.op in ("placeholder", "output") or node.target in _side_effectful_functions or (
                is_impure_node is not None and is_impure_node(node))
            if not node.users and not impure:
                self.erase_node(node)
                changed = True
        return changed

    def lint(self):
        seen = set()
        for n in self._nodes:
            for i in n.all_input_nodes:
                if i not in seen:
                    raise RuntimeError(f"Argument '{i}' of Node '{n}' was used before it has been defined!")
            seen.add(n)

    def __str__(self):
        return "graph():\n" + "\n".join("    " + n.format_node() for n in self._nodes)
