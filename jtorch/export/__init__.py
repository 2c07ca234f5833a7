"""torch.export: a module traced once into a graph with its state lifted to inputs.

export() is built on jtorch.fx: an fx Tracer whose Proxies also carry their values on the example
inputs traces through every module (see jtorch/export/_trace.py); the graph is made of jtorch's
functions. save/load store it as JSON plus state dicts (no pickled code).
"""
import dataclasses

from ..utils import _pytree
from ._serialize import load as load, save as save
from .dynamic_shapes import (  # noqa: F401
    AdditionalInputs as AdditionalInputs, Constraint as Constraint, Dim as Dim, ShapesCollection as ShapesCollection,
    dims as dims, refine_dynamic_shapes_from_suggested_fixes as refine_dynamic_shapes_from_suggested_fixes,
)
from .exported_program import (  # noqa: F401
    CustomDecompTable as CustomDecompTable, ExportedProgram as ExportedProgram, ModuleCallEntry as ModuleCallEntry,
    ModuleCallSignature as ModuleCallSignature, default_decompositions as default_decompositions, export as export,
)
from .graph_signature import (  # noqa: F401
    ExportBackwardSignature as ExportBackwardSignature, ExportGraphSignature as ExportGraphSignature,
)
from .unflatten import FlatArgsAdapter as FlatArgsAdapter, UnflattenedModule as UnflattenedModule, unflatten as unflatten
from . import graph_signature as graph_signature, dynamic_shapes as dynamic_shapes  # noqa: F401,E402

__all__ = ["AdditionalInputs", "Constraint", "CustomDecompTable", "default_decompositions", "Dim", "dims",
           "draft_export", "export", "ExportBackwardSignature", "ExportedProgram", "ExportGraphSignature",
           "FlatArgsAdapter", "load", "ModuleCallEntry", "ModuleCallSignature", "register_dataclass", "save",
           "ShapesCollection", "unflatten", "UnflattenedModule"]


def draft_export(mod, args, kwargs=None, *, dynamic_shapes=None, preserve_module_call_signature=(), strict=False,
                 prefer_deferred_runtime_asserts_over_guards=False):
    """export() that reports instead of failing where torch's would guess; jtorch's export has nothing to
    guess (sizes it reads are the examples'), so this is export() with an empty report."""
    ep = export(mod, args, kwargs, dynamic_shapes=dynamic_shapes, strict=strict,
                preserve_module_call_signature=preserve_module_call_signature)
    ep._report = _DraftExportReport()
    return ep


class _DraftExportReport:
    failures = ()

    def successful(self):
        return True

    def __str__(self):
        return "##############################################################################################\n" \
               "Congratuations: No issues are found during export, and it was able to soundly produce a graph.\n" \
               "You can now change back to torch.export.export()\n" \
               "##############################################################################################"


def register_dataclass(cls, *, serialized_type_name=None):
    """Let instances of a dataclass be export inputs and outputs (flattened field by field)."""
    if not dataclasses.is_dataclass(cls):
        raise ValueError(f"Class {cls} is not a dataclass.")
    names = [f.name for f in dataclasses.fields(cls) if f.init]

    def flatten(obj):
        return [getattr(obj, n) for n in names], names

    def unflatten(values, context):
        return cls(**dict(zip(context, values)))
    _pytree.register_pytree_node(cls, flatten, unflatten,
                                 serialized_type_name=serialized_type_name or f"{cls.__module__}.{cls.__qualname__}")
