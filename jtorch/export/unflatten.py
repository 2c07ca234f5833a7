"""torch.export.unflatten: an ExportedProgram back as a Module."""
import abc

from ..nn.modules.module import Module

__all__ = ["FlatArgsAdapter", "InterpreterModule", "UnflattenedModule", "unflatten"]


class FlatArgsAdapter(abc.ABC):
    """Adapts flat inputs given to an unflattened module to the ones the program was exported with."""

    @abc.abstractmethod
    def adapt(self, target_spec, input_spec, input_args, metadata=None, obj=None):
        ...

    def get_flat_arg_paths(self):
        return []


class UnflattenedModule(Module):
    """The exported program as a Module with the original's parameter and buffer names."""

    def __init__(self, export_module, flat_args_adapter=None):
        super().__init__()
        self.graph_signature = export_module.graph_signature
        self.adapted = flat_args_adapter is not None
        self.flat_args_adapter = flat_args_adapter
        object.__setattr__(self, "_program", export_module.module())  # not a child: keeps the original's names
        for name, child in self._program.named_children():
            self.add_module(name, child)
        for name, p in self._program.named_parameters(recurse=False):
            self.register_parameter(name, p)
        for name, b in self._program.named_buffers(recurse=False):
            self.register_buffer(name, b)

    def forward(self, *args, **kwargs):
        return type(self._program).forward(self, *args, **kwargs)


InterpreterModule = UnflattenedModule


def unflatten(module, flat_args_adapter=None):
    """An ExportedProgram as a Module called like the exported one."""
    return UnflattenedModule(module, flat_args_adapter)
