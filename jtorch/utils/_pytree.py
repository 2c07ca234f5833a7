"""torch.utils._pytree: nested containers as (leaves, structure).

Libraries register their output classes here (transformers' ModelOutput) and walk nested arguments with
tree_map. A node type is known by a flatten function (children and a context) and an unflatten function; every
other object is a leaf, None included, as in torch. TreeSpec prints and serialises in torch's form.
"""
import collections
import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

__all__ = ["PyTree", "Context", "FlattenFn", "UnflattenFn", "DumpableContext", "ToDumpableContextFn",
           "FromDumpableContextFn", "PyTreeSpec", "TreeSpec", "LeafSpec", "keystr", "key_get",
           "register_pytree_node", "tree_is_leaf", "tree_flatten", "tree_flatten_with_path", "tree_unflatten",
           "tree_iter", "tree_leaves", "tree_leaves_with_path", "tree_structure", "tree_map", "tree_map_with_path",
           "tree_map_", "tree_map_only", "tree_map_only_", "tree_all", "tree_any", "tree_all_only", "tree_any_only",
           "treespec_dumps", "treespec_loads", "treespec_pprint", "is_namedtuple", "is_namedtuple_class",
           "is_namedtuple_instance", "is_structseq", "is_structseq_class", "is_structseq_instance"]

PyTree = Any
Context = Any
DumpableContext = Any
FlattenFn = Callable[[PyTree], tuple[list[Any], Context]]
UnflattenFn = Callable[[Iterable[Any], Context], PyTree]
ToDumpableContextFn = Callable[[Context], DumpableContext]
FromDumpableContextFn = Callable[[DumpableContext], Context]

NO_SERIALIZED_TYPE_NAME_FOUND = "NO_SERIALIZED_TYPE_NAME_FOUND"
DEFAULT_TREESPEC_SERIALIZATION_PROTOCOL = 1


class NodeDef(NamedTuple):
    type: type
    flatten_fn: FlattenFn
    unflatten_fn: UnflattenFn
    flatten_with_keys_fn: Any = None


class _SerializeNodeDef(NamedTuple):
    typ: type
    serialized_type_name: str
    to_dumpable_context: Any
    from_dumpable_context: Any


SUPPORTED_NODES = {}
SUPPORTED_SERIALIZED_TYPES = {}
SERIALIZED_TYPE_TO_PYTHON_TYPE = {}


# ---- keys: how a path names one child -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SequenceKey:
    idx: int

    def __str__(self):
        return f"[{self.idx!r}]"

    def get(self, sequence):
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    key: Any

    def __str__(self):
        return f"[{self.key!r}]"

    def get(self, mapping):
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    name: str

    def __str__(self):
        return f".{self.name}"

    def get(self, obj):
        return getattr(obj, self.name)


KeyEntry = Any
KeyPath = tuple


def keystr(kp):
    """The path as Python source would spell it: "['a'][0].b"."""
    return "".join(str(k) for k in kp)


def key_get(obj, kp):
    for k in kp:
        obj = k.get(obj)
    return obj


# ---- registration ----------------------------------------------------------------------------------------

def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None):
    """Make `cls` a node: flatten_fn(obj) -> (children, context); unflatten_fn(children, context) -> obj."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    if (to_dumpable_context is None) != (from_dumpable_context is None):
        raise ValueError("Both to_dumpable_context and from_dumpable_context must be None or registered.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)
    name = serialized_type_name if serialized_type_name is not None else NO_SERIALIZED_TYPE_NAME_FOUND
    SUPPORTED_SERIALIZED_TYPES[cls] = _SerializeNodeDef(cls, name, to_dumpable_context, from_dumpable_context)
    SERIALIZED_TYPE_TO_PYTHON_TYPE[name] = cls


_register_pytree_node = register_pytree_node


def _private_register(cls, flatten, unflatten, keyed, name, to_ctx=None, from_ctx=None):
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten, unflatten, keyed)
    SUPPORTED_SERIALIZED_TYPES[cls] = _SerializeNodeDef(cls, name, to_ctx, from_ctx)
    SERIALIZED_TYPE_TO_PYTHON_TYPE[name] = cls


def _tuple_flatten(d):
    return list(d), None


def _tuple_unflatten(values, context):
    return tuple(values)


def _tuple_flatten_with_keys(d):
    return [(SequenceKey(i), v) for i, v in enumerate(d)], None


def _list_flatten(d):
    return list(d), None


def _list_unflatten(values, context):
    return list(values)


def _list_flatten_with_keys(d):
    return [(SequenceKey(i), v) for i, v in enumerate(d)], None


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _dict_unflatten(values, context):
    return dict(zip(context, values))


def _dict_flatten_with_keys(d):
    return [(MappingKey(k), v) for k, v in d.items()], list(d.keys())


def _namedtuple_flatten(d):
    return list(d), type(d)


def _namedtuple_unflatten(values, context):
    return context(*values)


def _namedtuple_flatten_with_keys(d):
    return [(GetAttrKey(f), v) for f, v in zip(d._fields, d)], type(d)


def _namedtuple_serialize(context):
    raise NotImplementedError("jtorch cannot serialise a TreeSpec holding a namedtuple type (treespec_dumps)")


def _ordereddict_unflatten(values, context):
    return collections.OrderedDict(zip(context, values))


def _defaultdict_flatten(d):
    return list(d.values()), [d.default_factory, list(d.keys())]


def _defaultdict_unflatten(values, context):
    factory, keys = context
    return collections.defaultdict(factory, zip(keys, values))


def _defaultdict_flatten_with_keys(d):
    return [(MappingKey(k), v) for k, v in d.items()], [d.default_factory, list(d.keys())]


def _deque_flatten(d):
    return list(d), d.maxlen


def _deque_unflatten(values, context):
    return collections.deque(values, maxlen=context)


def _deque_flatten_with_keys(d):
    return [(SequenceKey(i), v) for i, v in enumerate(d)], d.maxlen


_private_register(tuple, _tuple_flatten, _tuple_unflatten, _tuple_flatten_with_keys, "builtins.tuple")
_private_register(list, _list_flatten, _list_unflatten, _list_flatten_with_keys, "builtins.list")
_private_register(dict, _dict_flatten, _dict_unflatten, _dict_flatten_with_keys, "builtins.dict")
_private_register(collections.namedtuple, _namedtuple_flatten, _namedtuple_unflatten, _namedtuple_flatten_with_keys,
                  "collections.namedtuple", _namedtuple_serialize, _namedtuple_serialize)
_private_register(collections.OrderedDict, _dict_flatten, _ordereddict_unflatten, _dict_flatten_with_keys,
                  "collections.OrderedDict")
_private_register(collections.defaultdict, _defaultdict_flatten, _defaultdict_unflatten,
                  _defaultdict_flatten_with_keys, "collections.defaultdict")
_private_register(collections.deque, _deque_flatten, _deque_unflatten, _deque_flatten_with_keys, "collections.deque")


# ---- namedtuples and structseqs --------------------------------------------------------------------------

def is_namedtuple_class(cls):
    return isinstance(cls, type) and issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple) \
        and all(isinstance(f, str) for f in cls._fields) and callable(getattr(cls, "_make", None))


def is_namedtuple_instance(obj):
    return is_namedtuple_class(type(obj))


def is_namedtuple(obj):
    return is_namedtuple_class(obj if isinstance(obj, type) else type(obj))


def is_structseq_class(cls):
    # C structseqs (os.stat_result, torch.return_types.*) have n_sequence_fields and cannot be subclassed
    return isinstance(cls, type) and issubclass(cls, tuple) and isinstance(getattr(cls, "n_sequence_fields", None),
                                                                           int) and not is_namedtuple_class(cls)


def is_structseq_instance(obj):
    return is_structseq_class(type(obj))


def is_structseq(obj):
    return is_structseq_class(obj if isinstance(obj, type) else type(obj))


def _node_type(tree):
    if is_namedtuple_instance(tree) and type(tree) not in SUPPORTED_NODES:
        return collections.namedtuple
    return type(tree)


def tree_is_leaf(tree, is_leaf=None):
    if is_leaf is not None and is_leaf(tree):
        return True
    return _node_type(tree) not in SUPPORTED_NODES


# ---- TreeSpec --------------------------------------------------------------------------------------------

class TreeSpec:
    """The structure of a pytree: the node type, its context, and one spec per child (a leaf has no type)."""

    def __init__(self, type, context, children_specs):  # noqa: A002 - torch's name
        self.type = type
        self.context = context
        self.children_specs = list(children_specs)
        self.num_children = len(self.children_specs)
        self.num_leaves = 1 if type is None else sum(c.num_leaves for c in self.children_specs)
        self.num_nodes = 1 + sum(c.num_nodes for c in self.children_specs)

    def is_leaf(self):
        return self.type is None

    def child(self, index):
        return self.children_specs[index]

    def children(self):
        return list(self.children_specs)

    def unflatten(self, leaves):
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers "
                             f"to a pytree that holds {self.num_leaves} items ({self}).")
        return self._build(iter(leaves))

    def _build(self, it):
        if self.is_leaf():
            return next(it)
        children = [c._build(it) for c in self.children_specs]
        return SUPPORTED_NODES[self.type].unflatten_fn(children, self.context)

    def flatten_up_to(self, tree):
        """The subtrees of `tree` sitting where this spec has leaves."""
        out = []

        def walk(spec, node):
            if spec.is_leaf():
                out.append(node)
                return
            if _node_type(node) != spec.type:
                raise ValueError(f"Node type mismatch; expected {spec.type}, but got {type(node)}.")
            children, context = SUPPORTED_NODES[spec.type].flatten_fn(node)
            if len(children) != spec.num_children:
                raise ValueError(f"Node arity mismatch; expected {spec.num_children}, but got {len(children)}.")
            if context != spec.context:
                raise ValueError(f"Node context mismatch for custom node type {spec.type}.")
            for c, s in zip(children, spec.children_specs):
                walk(s, c)

        walk(self, tree)
        return out

    def __eq__(self, other):
        return isinstance(other, TreeSpec) and (self.type, self.context, self.children_specs) == \
            (other.type, other.context, other.children_specs)

    def __hash__(self):
        return hash((self.type, repr(self.context), tuple(self.children_specs)))

    def __repr__(self, indent=0):
        if self.is_leaf():
            return "*"
        name = getattr(self.type, "__name__", str(self.type))
        head = f"TreeSpec({name}, {self.context}, ["
        parts = []
        for i, c in enumerate(self.children_specs):
            text = c.__repr__(indent + 2)
            parts.append(text if i == 0 else "\n" + " " * (indent + 2) + text)
        return head + ",".join(parts) + "])"


PyTreeSpec = TreeSpec


class LeafSpec(TreeSpec):
    """The spec of a single leaf."""

    def __init__(self):
        super().__init__(None, None, [])

    def __repr__(self, indent=0):
        return "*"


# ---- flatten / unflatten / map ---------------------------------------------------------------------------

def _flatten(tree, is_leaf, leaves, path, paths):
    if tree_is_leaf(tree, is_leaf):
        leaves.append(tree)
        if paths is not None:
            paths.append(path)
        return LeafSpec()
    node = SUPPORTED_NODES[_node_type(tree)]
    if paths is not None:
        keyed, context = _keyed_children(node, tree)
        specs = [_flatten(c, is_leaf, leaves, path + (k,), paths) for k, c in keyed]
    else:
        children, context = node.flatten_fn(tree)
        specs = [_flatten(c, is_leaf, leaves, path, None) for c in children]
    return TreeSpec(node.type, context, specs)


def _keyed_children(node, tree):
    if node.flatten_with_keys_fn is not None:
        return node.flatten_with_keys_fn(tree)
    raise ValueError(f"Did not find a flatten_with_keys_fn for type: {node.type}. Please pass a "
                     "flatten_with_keys_fn argument to register_pytree_node.")


def tree_flatten(tree, is_leaf=None):
    leaves = []
    spec = _flatten(tree, is_leaf, leaves, (), None)
    return leaves, spec


def tree_flatten_with_path(tree, is_leaf=None):
    leaves, paths = [], []
    spec = _flatten(tree, is_leaf, leaves, (), paths)
    return list(zip(paths, leaves)), spec


def tree_unflatten(leaves, treespec):
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"tree_unflatten(leaves, treespec): Expected `treespec` to be instance of TreeSpec but got "
                        f"item of type {type(treespec)}.")
    return treespec.unflatten(leaves)


def tree_iter(tree, is_leaf=None):
    if tree_is_leaf(tree, is_leaf):
        yield tree
        return
    children, _ = SUPPORTED_NODES[_node_type(tree)].flatten_fn(tree)
    for c in children:
        yield from tree_iter(c, is_leaf)


def tree_leaves(tree, is_leaf=None):
    return list(tree_iter(tree, is_leaf))


def tree_leaves_with_path(tree, is_leaf=None):
    return tree_flatten_with_path(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(func(*xs) for xs in zip(leaves, *others))


def tree_map_with_path(func, tree, *rests, is_leaf=None):
    pairs, spec = tree_flatten_with_path(tree, is_leaf)
    others = [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(func(p, x, *xs) for (p, x), *xs in zip(pairs, *others))


def tree_map_(func, tree, *rests, is_leaf=None):
    """tree_map for its side effects; returns `tree` itself."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec.flatten_up_to(r) for r in rests]
    for xs in zip(leaves, *others):
        func(*xs)
    return tree


def _type_pred(type_or_types_or_pred):
    if isinstance(type_or_types_or_pred, (type, tuple)) or type(type_or_types_or_pred).__name__ == "UnionType":
        return lambda x: isinstance(x, type_or_types_or_pred)
    if callable(type_or_types_or_pred):
        return type_or_types_or_pred
    raise TypeError("Argument must be a type, a tuple of types, or a callable.")


def _only(pred, func):
    return lambda x: func(x) if pred(x) else x


def tree_map_only(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map(_only(_type_pred(type_or_types_or_pred), func), tree, is_leaf=is_leaf)


def tree_map_only_(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map_(_only(_type_pred(type_or_types_or_pred), func), tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(map(pred, tree_iter(tree, is_leaf)))


def tree_any(pred, tree, is_leaf=None):
    return any(map(pred, tree_iter(tree, is_leaf)))


def tree_all_only(type_or_types, /, pred, tree, is_leaf=None):
    return all(pred(x) for x in tree_iter(tree, is_leaf) if isinstance(x, type_or_types))


def tree_any_only(type_or_types, /, pred, tree, is_leaf=None):
    return any(pred(x) for x in tree_iter(tree, is_leaf) if isinstance(x, type_or_types))


# ---- serialisation (torch's JSON layout, protocol 1) -----------------------------------------------------

def _spec_to_json(spec):
    if spec.is_leaf():
        return {"type": None, "context": None, "children_spec": []}
    entry = SUPPORTED_SERIALIZED_TYPES.get(spec.type)
    if entry is None or entry.serialized_type_name == NO_SERIALIZED_TYPE_NAME_FOUND:
        raise NotImplementedError(f"Serializing {spec.type} in pytree is not registered.")
    context = entry.to_dumpable_context(spec.context) if entry.to_dumpable_context else spec.context
    return {"type": entry.serialized_type_name, "context": json.dumps(context),
            "children_spec": [_spec_to_json(c) for c in spec.children_specs]}


def _json_to_spec(data):
    if data["type"] is None:
        return LeafSpec()
    cls = SERIALIZED_TYPE_TO_PYTHON_TYPE.get(data["type"])
    if cls is None:
        raise NotImplementedError(f"Deserializing {data['type']} in pytree is not registered.")
    entry = SUPPORTED_SERIALIZED_TYPES[cls]
    context = json.loads(data["context"])
    if entry.from_dumpable_context is not None:
        context = entry.from_dumpable_context(context)
    return TreeSpec(cls, context, [_json_to_spec(c) for c in data["children_spec"]])


def treespec_dumps(treespec, protocol=None):
    protocol = DEFAULT_TREESPEC_SERIALIZATION_PROTOCOL if protocol is None else protocol
    if protocol != 1:
        raise ValueError(f"Unknown protocol {protocol}. Available protocols: [1]")
    return json.dumps([protocol, _spec_to_json(treespec)])


def treespec_loads(serialized):
    protocol, data = json.loads(serialized)
    if protocol != 1:
        raise ValueError(f"Unknown protocol {protocol}. Available protocols: [1]")
    return _json_to_spec(data)


def treespec_pprint(treespec):
    """The spec drawn as a tree of `*` leaves: {'a': [*, (*, *)]}."""
    dummy = tree_unflatten([_Star()] * treespec.num_leaves, treespec)
    return repr(dummy)


class _Star:
    def __repr__(self):
        return "*"


def _size_unflatten(values, context):
    return Size(values)


from .._tensor import Size  # noqa: E402  torch.Size is a node too (its entries are leaves)

_private_register(Size, _tuple_flatten, _size_unflatten, _tuple_flatten_with_keys, "torch.Size")
