"""An ONNX file as a TensorBoard GraphDef (torch.utils.tensorboard._onnx_graph)."""
import itertools

from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef

__all__ = ["load_onnx_graph", "parse"]


def load_onnx_graph(fname):
    import onnx  # optional, as in torch

    return parse(onnx.load(fname).graph)


def parse(graph):
    nodes = []
    for node in itertools.chain(graph.input, graph.output):
        shapeproto = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d.dim_value)
                                           for d in node.type.tensor_type.shape.dim])
        nodes.append(NodeDef(name=node.name.encode(encoding="utf_8"), op="Variable", input=[],
                             attr={"dtype": AttrValue(type=node.type.tensor_type.elem_type),
                                   "shape": AttrValue(shape=shapeproto)}))
    for node in graph.node:
        attr = ", ".join(" = ".join(str(f[1]) for f in s.ListFields()) for s in node.attribute)
        nodes.append(NodeDef(name=node.output[0].encode(encoding="utf_8"), op=node.op_type, input=node.input,
                             attr={"parameters": AttrValue(s=attr.encode(encoding="utf_8"))}))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
