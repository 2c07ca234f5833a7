"""torch.nn.DataParallel on a JAX device mesh (see _mesh.py for how the step is split)."""
from ..modules.module import Module
from ._mesh import ReplicatedModule, device_index, resolve_devices


class DataParallel(ReplicatedModule, Module):
    """DataParallel(module, device_ids=None, output_device=None, dim=0).

    Splits the batch (dimension `dim` of every tensor argument) over the devices and
    replicates the module's parameters on them; the engine compiles forward, backward
    and the optimizer update as one SPMD program in which XLA all-reduces the gradients.
    The result equals the single-device one. The output stays split over the devices
    (it reports device_ids[0], like torch's gathered output) and feeds the loss directly.
    A batch the devices cannot split evenly runs replicated. With one device (or none
    but the CPU) the wrapper just calls the module, as torch does.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        devices = resolve_devices(device_ids)
        self.module = module
        self.device_ids = [device_index(d) for d in devices]
        self.output_device = self.device_ids[0] if output_device is None else output_device
        self.dim = dim
        self._setup_mesh(devices)
