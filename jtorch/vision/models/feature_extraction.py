"""torchvision.models.feature_extraction: intermediate activations of a model, by node name, through fx.

A node's name is the dotted path of the module it runs in plus the node's own name ("layer1.0.relu",
"layer1.0.add"); a leaf module's call is named by its path. Repeats within the same parent get
`_1`, `_2`, ... counted there (not graph-wide as fx counts). Asking for a module path returns the
last node run inside it. The model is traced in train and in eval mode; the returned module switches
between the two graphs with train()/eval().
"""
import copy
import re
import warnings

from ... import fx
from ...fx.graph_module import _copy_attr
from ...nn.modules.module import Module

__all__ = ["create_feature_extractor", "get_graph_node_names"]


class LeafModuleAwareTracer(fx.Tracer):
    """A Tracer that also keeps instances of the classes in `leaf_modules` as single calls."""

    def __init__(self, *args, **kwargs):
        self.leaf_modules = kwargs.pop("leaf_modules", {})
        super().__init__(*args, **kwargs)

    def is_leaf_module(self, m, module_qualname):
        if self.leaf_modules and isinstance(m, tuple(self.leaf_modules)):
            return True
        return super().is_leaf_module(m, module_qualname)


class NodePathTracer(LeafModuleAwareTracer):
    """Records, for every node, its dotted module path name (in `node_to_qualname`, in trace order)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_module_qualname = ""
        self.node_to_qualname = {}

    def call_module(self, m, forward, args, kwargs):
        outer = self.current_module_qualname
        try:
            path = self.path_of_module(m)
            self.current_module_qualname = path
            if not self.is_leaf_module(m, path):
                return forward(*args, **kwargs)
            return self.create_proxy("call_module", path, args, kwargs)
        finally:
            self.current_module_qualname = outer

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, *_):
        proxy = super().create_proxy(kind, target, args, kwargs, name, type_expr)
        self.node_to_qualname[proxy.node] = self._get_node_qualname(self.current_module_qualname, proxy.node)
        return proxy

    def _get_node_qualname(self, module_qualname, node):
        name = module_qualname
        if node.op != "call_module":
            name = f"{name}.{node}" if name else str(node)
        if re.match(r".+_[0-9]+$", name):
            name = name.rsplit("_", 1)[0]  # fx's graph-wide counter; the parent-local one is added below
        for seen in reversed(list(self.node_to_qualname.values())):
            m = re.match(rf"{re.escape(name)}(_([0-9]+))?$", seen)
            if m:
                return f"{name}_{int(m.group(2)) + 1 if m.group(2) else 1}"
        return name


def _is_subseq(longer, shorter):
    it = iter(longer)
    return all(any(x == y for x in it) for y in shorter)


def _warn_graph_differences(train_tracer, eval_tracer):
    train = list(train_tracer.node_to_qualname.values())
    evaln = list(eval_tracer.node_to_qualname.values())
    if train == evaln:
        return
    hint = ("When choosing nodes for feature extraction, you may need to specify output nodes for train and eval "
            "mode separately.")
    if _is_subseq(train, evaln):
        msg = "NOTE: The nodes obtained by tracing the model in eval mode are a subsequence of those obtained in " \
              "train mode. "
    elif _is_subseq(evaln, train):
        msg = "NOTE: The nodes obtained by tracing the model in train mode are a subsequence of those obtained in " \
              "eval mode. "
    else:
        msg = "The nodes obtained by tracing the model in train mode are different to those obtained in eval mode. "
    warnings.warn(msg + hint)


def _trace(model, tracer_kwargs, concrete_args):
    tracer = NodePathTracer(**(tracer_kwargs or {}))
    graph = tracer.trace(model, concrete_args=concrete_args)
    return tracer, graph


def get_graph_node_names(model, tracer_kwargs=None, suppress_diff_warning=False, concrete_args=None):
    """(train-mode node names, eval-mode node names), in execution order."""
    was_training = model.training
    train_tracer, _ = _trace(model.train(), tracer_kwargs, concrete_args)
    eval_tracer, _ = _trace(model.eval(), tracer_kwargs, concrete_args)
    if not suppress_diff_warning:
        _warn_graph_differences(train_tracer, eval_tracer)
    model.train(was_training)
    return list(train_tracer.node_to_qualname.values()), list(eval_tracer.node_to_qualname.values())


class DualGraphModule(fx.GraphModule):
    """A GraphModule holding a train-mode and an eval-mode graph; train(mode) picks one."""

    def __init__(self, root, train_graph, eval_graph, class_name="GraphModule"):
        Module.__init__(self)
        self.__class__.__name__ = class_name
        self.train_graph = train_graph
        self.eval_graph = eval_graph
        for graph in (train_graph, eval_graph):
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(root, self, node.target)
        self.meta = {}
        self.training = True
        self.graph = train_graph
        self._tracer_cls = None

    def train(self, mode=True):
        if mode and not self.training:
            self.graph = self.train_graph
        elif not mode and self.training:
            self.graph = self.eval_graph
        return super().train(mode=mode)


def _as_dict(nodes):
    if isinstance(nodes, list):
        return {str(n): str(n) for n in nodes}
    return {str(k): str(v) for k, v in nodes.items()}


def create_feature_extractor(model, return_nodes=None, train_return_nodes=None, eval_return_nodes=None,
                             tracer_kwargs=None, suppress_diff_warning=False, concrete_args=None):
    """A GraphModule returning {output name: activation} for the requested nodes (see the module docstring)."""
    was_training = model.training
    if all(n is None for n in (return_nodes, train_return_nodes, eval_return_nodes)):
        raise AssertionError("Either `return_nodes` or `train_return_nodes` and `eval_return_nodes` together, "
                             "should be specified")
    if (train_return_nodes is None) != (eval_return_nodes is None):
        raise AssertionError("If any of `train_return_nodes` and `eval_return_nodes` are specified, then both "
                             "should be specified")
    if (return_nodes is None) == (train_return_nodes is None):
        raise AssertionError("If `train_return_nodes` and `eval_return_nodes` are specified, then both should be "
                             "specified")
    if train_return_nodes is None:
        train_return_nodes = _as_dict(return_nodes)
        eval_return_nodes = copy.deepcopy(train_return_nodes)
    wanted = {"train": _as_dict(train_return_nodes), "eval": _as_dict(eval_return_nodes)}
    tracers, graphs = {}, {}
    name = type(model).__name__
    for mode in ("train", "eval"):
        model.train(mode == "train")
        tracer, graph = _trace(model, tracer_kwargs, concrete_args)
        gm = fx.GraphModule(tracer.root, graph, name)
        available = list(tracer.node_to_qualname.values())
        for query in wanted[mode]:
            if not any(re.match(rf"^{re.escape(query)}(\.|$)", n) for n in available):
                raise ValueError(f"node: '{query}' is not present in model. Hint: use `get_graph_node_names` to make "
                                 "sure the `return_nodes` you specified are present. It may even be that you need to "
                                 "specify `train_return_nodes` and `eval_return_nodes` separately.")
        for n in [n for n in gm.graph.nodes if n.op == "output"]:
            gm.graph.erase_node(n)
        nodes = list(gm.graph.nodes)
        pending = dict(wanted[mode])
        picked = {}
        for n in reversed(nodes):  # the last node under a module path is that module's output
            qual = tracer.node_to_qualname.get(n)
            if qual is None:
                continue
            for query in list(pending):
                if ".".join(qual.split(".")[:query.count(".") + 1]) == query:
                    picked[pending.pop(query)] = n
                    break
        outputs = dict(reversed(list(picked.items())))
        with gm.graph.inserting_after(nodes[-1]):
            gm.graph.output(outputs)
        gm.graph.eliminate_dead_code()
        gm.recompile()
        tracers[mode], graphs[mode] = tracer, graph
    if not suppress_diff_warning:
        _warn_graph_differences(tracers["train"], tracers["eval"])
    result = DualGraphModule(model, graphs["train"], graphs["eval"], class_name=name)
    model.train(was_training)
    result.train(was_training)
    return result
