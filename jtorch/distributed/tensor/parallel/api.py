"""parallelize_module: apply tensor-parallel styles to a module's submodules by name."""
import fnmatch

from .style import ParallelStyle

__all__ = ["parallelize_module"]


def _matches(module, path):
    """Submodules whose dotted name matches `path` (each part may hold fnmatch wildcards, e.g. 'layers.*')."""
    found = [module]
    for atom in path.split("."):
        found = [child for m in found for name, child in m.named_children() if fnmatch.fnmatchcase(name, atom)]
    return found


def parallelize_module(module, device_mesh=None, parallelize_plan=None, *, src_data_rank=0):
    """Lay `module` out over a 1-D `device_mesh` of this process's devices by `parallelize_plan` (a
    ParallelStyle, or a dict from submodule names to styles); returns the module, changed in place."""
    if device_mesh is None:
        raise RuntimeError("jtorch needs an explicit device_mesh (it has no current mesh context)")
    if device_mesh.ndim != 1:
        raise ValueError(f"Tensor Parallel only accepts a 1D DeviceMesh, but found {device_mesh.ndim}D! Pass a "
                         "1-D submesh (e.g. mesh['tp']).")
    if parallelize_plan is None:
        return module
    style = parallelize_plan
    if isinstance(style, ParallelStyle):  # one style for the whole module
        style.src_data_rank = src_data_rank
        style._apply(module, device_mesh)
        return module
    if not isinstance(parallelize_plan, dict):
        raise TypeError(f"Expect Union[ParallelStyle, Dict[str, ParallelStyle]] for parallelize_plan, "
                        f"{type(parallelize_plan)} found!")
    for path, style in parallelize_plan.items():
        subs = _matches(module, path)
        if not subs:
            raise ValueError(f"parallelize_plan names '{path}', which matches no submodule of "
                             f"{type(module).__name__}")
        for sub in subs:
            parallelize_module(sub, device_mesh, style, src_data_rank=src_data_rank)
    return module
