"""torch.autograd.graph: hooks on the backward graph and on the tensors it saves.

jtorch's backward differentiates the recorded forward graph with jax.vjp; it keeps no per-op saved tensors.
Hooks that only move saved tensors (save_on_cpu) change memory, not results, and are accepted without effect.
Arbitrary pack/unpack hooks could change results (a hook that quantises what it saves), so entering one
raises, naming the reason.
"""
import contextlib
from .._tensor import Tensor

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "register_multi_grad_hook",
           "allow_mutation_on_saved_tensors", "Node", "GradientEdge", "get_gradient_edge", "increment_version",
           "region_activation_memory_budget", "set_warn_on_accumulate_grad_stream_mismatch",
           "set_override_stale_capture_stream"]


class saved_tensors_hooks:  # noqa: N801 - torch's name
    """Context manager: pack_hook(tensor) when autograd saves a tensor, unpack_hook(packed) when it uses it."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        raise NotImplementedError("jtorch's backward saves no tensors for pack/unpack hooks to transform "
                                  "(torch.autograd.graph.saved_tensors_hooks): it differentiates the recorded graph")

    def __exit__(self, *exc):
        return False


class save_on_cpu(saved_tensors_hooks):  # noqa: N801
    """Keep saved activations in host memory: a memory placement only, so the block runs as written."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        self.pin_memory = pin_memory
        self.device_type = device_type

    def __enter__(self):
        return self


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """No saved-tensor hooks run inside jtorch anyway."""
    yield


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """jtorch's in-place ops rebind a tensor to a new graph node, so the values backward reads never change."""
    yield


class Node:
    """A node of the backward graph (what tensor.grad_fn returns)."""

    def name(self):
        raise NotImplementedError


class GradientEdge:
    """(node, output_nr): the point of the backward graph where a tensor's gradient arrives."""

    def __init__(self, node, output_nr, ownership_token=None):
        self.node = node
        self.output_nr = output_nr
        self.ownership_token = ownership_token

    def __iter__(self):
        return iter((self.node, self.output_nr))

    def __repr__(self):
        return f"GradientEdge(node={self.node!r}, output_nr={self.output_nr})"


def get_gradient_edge(tensor):
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require "
                           "gradients")
    return GradientEdge(tensor.grad_fn, 0)


def increment_version(tensor):
    """Mark tensors as modified in place (autograd then refuses a backward through their old values)."""
    for t in [tensor] if isinstance(tensor, Tensor) else tensor:
        t._version += 1


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call fn once per backward: with every tensor's gradient ("all", None for those that got none) or with
    the first gradient to arrive ("any")."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = list(tensors)
    return _MultiGradHook(tensors, fn, mode)


class _MultiGradHook:
    """RemovableHandle-like: the per-tensor hooks it registered come off together."""

    def __init__(self, tensors, fn, mode):
        self._seen = {}
        self._fired = False
        self._count = sum(t.requires_grad for t in tensors)
        self._handles = [t.register_hook(self._hook(i, fn, mode, len(tensors))) for i, t in enumerate(tensors)
                         if t.requires_grad]

    def _hook(self, i, fn, mode, n):
        def on_grad(grad):
            if mode == "any":
                if not self._fired:
                    self._fired = True
                    fn(grad)
                return None
            self._seen[i] = grad
            if len(self._seen) == self._count:
                grads, self._seen = [self._seen.get(j) for j in range(n)], {}
                fn(grads)
            return None
        return on_grad

    def remove(self):
        for h in self._handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


@contextlib.contextmanager
def region_activation_memory_budget(budget):
    """A hint to torch.compile's activation recomputation: memory only."""
    yield


def set_warn_on_accumulate_grad_stream_mismatch(enabled):
    """Streams do not exist here; nothing to warn about."""


def set_override_stale_capture_stream(enabled):
    """CUDA graph capture does not exist here."""
