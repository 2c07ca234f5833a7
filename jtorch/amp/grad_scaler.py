"""torch.amp.GradScaler: dynamic loss scaling with torch's state machine and scale sequence.

The scale and growth tracker live in Python (float32 arithmetic, as torch's float32
scale tensor): `scale(loss)` multiplies by a Python float, which the engine feeds as an
input (changing scales never recompile). `step()` reads found_inf once (torch's
`.item()` on it), so a step with inf/nan gradients is skipped exactly as in torch.
"""
import enum
import warnings
from collections import abc, defaultdict

import numpy as np

from .. import _dtype
from ..autograd.grad_mode import no_grad
from .._ops import registry
from .._ops.creation import zeros as _zeros
from .._ops.elementwise import isfinite as _isfinite, maximum as _maximum
from .. import cuda


class OptState(enum.Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _refresh_per_optimizer_state():
    return {"stage": OptState.READY, "found_inf_per_device": {}}


class GradScaler:
    """GradScaler(device='cuda', init_scale=2.**16, growth_factor=2.0, backoff_factor=0.5,
    growth_interval=2000, enabled=True)."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = enabled
        if self._device == "cuda":
            if enabled and not cuda.is_available():
                warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                              stacklevel=2)
                self._enabled = False
        if not self._enabled:
            return  # a disabled scaler keeps no state at all, as in torch
        for bad, message in ((growth_factor <= 1.0, "The growth factor must be > 1.0."),
                             (backoff_factor >= 1.0, "The backoff factor must be < 1.0.")):
            if bad:
                raise AssertionError(message)
        self._init_scale, self._init_growth_tracker = init_scale, 0
        # the live values (scale: a float32 value held as a Python float) start at the first scale()
        self._scale = self._growth_tracker = None
        self._growth_factor, self._backoff_factor = growth_factor, backoff_factor
        self._growth_interval = growth_interval
        self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def _lazy_init_scale_growth_tracker(self):
        self._scale = float(np.float32(self._init_scale))
        self._growth_tracker = int(self._init_growth_tracker)

    def _check_scale_growth_tracker(self, funcname):
        fix = "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration."
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + fix)

    def scale(self, outputs):
        """Multiply a tensor (or an iterable of tensors) by the scale factor."""
        if not self._enabled:
            return outputs
        if self._scale is None:
            self._lazy_init_scale_growth_tracker()
        T = _tensor_cls()
        if isinstance(outputs, T):
            return outputs * self._scale

        def apply_scale(val):
            if isinstance(val, T):
                return val * self._scale
            if not isinstance(val, abc.Iterable):
                raise ValueError("outputs must be a Tensor or an iterable of Tensors")
            scaled = map(apply_scale, val)  # other iterables stay lazy, as in torch
            return type(val)(scaled) if isinstance(val, (list, tuple)) else scaled
        return apply_scale(outputs)

    def _unscale_grads_(self, optimizer, inv_scale, allow_fp16):
        """Multiply every gradient by inv_scale; returns a pending float32 0/1 'found inf' tensor."""
        found = None
        with no_grad():
            for group in optimizer.param_groups:
                for param in group["params"]:
                    g = param.grad
                    if g is None:
                        continue
                    if not allow_fp16 and g.dtype is _dtype.float16:
                        raise ValueError("Attempting to unscale FP16 gradients.")
                    bad = (~_isfinite(g)).any().to(_dtype.float32)
                    found = bad if found is None else _maximum(found, bad)
                    param.grad = g * inv_scale
        return _zeros((), dtype=_dtype.float32) if found is None else found

    def unscale_(self, optimizer):
        """Divide the optimizer's gradients by the scale (in place) and record inf/nan."""
        if self._enabled:
            self._unscale(optimizer)

    def _unscale(self, optimizer):
        self._check_scale_growth_tracker("unscale_")
        optimizer_state = self._per_optimizer_states[id(optimizer)]
        stage = optimizer_state["stage"]
        if stage is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        if stage is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        # torch takes the reciprocal in float64, then rounds to float32
        inv_scale = float(np.float32(1.0 / np.float64(self._scale)))
        optimizer_state["found_inf_per_device"] = {"device": self._unscale_grads_(optimizer, inv_scale, False)}
        optimizer_state["stage"] = OptState.UNSCALED

    def _found_inf(self, optimizer_state):
        return sum(float(v.item()) for v in optimizer_state["found_inf_per_device"].values())

    def step(self, optimizer, *args, **kwargs):
        """unscale_ (if not done yet), then optimizer.step() unless a gradient is inf/nan."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker("step")
        optimizer_state = self._per_optimizer_states[id(optimizer)]
        if optimizer_state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        retval = None
        if optimizer_state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if not optimizer_state["found_inf_per_device"]:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        if not self._found_inf(optimizer_state):
            retval = optimizer.step(*args, **kwargs)
        optimizer_state["stage"] = OptState.STEPPED
        return retval

    def update(self, new_scale=None):
        """Back off the scale after an inf/nan step; grow it after growth_interval clean steps."""
        if not self._enabled:
            return
        self._check_scale_growth_tracker("update")
        if new_scale is not None:
            if isinstance(new_scale, float):
                self._scale = float(np.float32(new_scale))
            else:
                reason = "new_scale should be a float or a 1-element torch.cuda.FloatTensor or \
                    torch.FloatTensor with requires_grad=False."
                if new_scale.numel() != 1:
                    raise AssertionError(reason)
                if new_scale.requires_grad:
                    raise AssertionError(reason)
                self._scale = float(np.float32(new_scale.item()))
        else:
            states = self._per_optimizer_states.values()
            found = [v for s in states for v in s["found_inf_per_device"].values()]
            if len(found) == 0:
                raise AssertionError("No inf checks were recorded prior to update.")
            found_inf = sum(float(v.item()) for v in found)
            self._scale, self._growth_tracker = _amp_update_scale(
                self._scale, self._growth_tracker, found_inf, self._growth_factor, self._backoff_factor,
                self._growth_interval)
        self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def _get_scale_async(self):
        return self._scale

    def get_scale(self):
        """The current scale as a Python float (1.0 when disabled)."""
        if self._enabled:
            return self._init_scale if self._scale is None else self._scale
        return 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if self._enabled:
            return self._init_growth_tracker if self._growth_tracker is None else self._growth_tracker
        return 0

    def is_enabled(self):
        return self._enabled

    def state_dict(self):
        """scale, growth_factor, backoff_factor, growth_interval, _growth_tracker ({} when disabled)."""
        if not self._enabled:
            return {}
        return dict(scale=self.get_scale(), growth_factor=self._growth_factor, backoff_factor=self._backoff_factor,
                    growth_interval=self._growth_interval, _growth_tracker=self._get_growth_tracker())

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._init_scale = float(state_dict["scale"])
        if self._scale is not None:
            self._scale = float(np.float32(state_dict["scale"]))
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._init_growth_tracker = int(state_dict["_growth_tracker"])
        if self._growth_tracker is not None:
            self._growth_tracker = int(state_dict["_growth_tracker"])

    def __getstate__(self):
        state = self.__dict__.copy()
        if self._enabled:
            if len(self._per_optimizer_states) != 0:
                raise AssertionError("A GradScaler instance may only be pickled at the beginning "
                                     "of an iteration, or at the end after scaler.update().")
            # the copy restarts from the current values at its first scale()
            state.update(_init_scale=self.get_scale(), _init_growth_tracker=self._get_growth_tracker(),
                         _scale=None, _growth_tracker=None, _per_optimizer_states=None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self._enabled:
            self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)


def _amp_update_scale(scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval):
    """torch._amp_update_scale_ on Python values, in float32 like torch's kernel."""
    if found_inf:
        return float(np.float32(scale) * np.float32(backoff_factor)), 0
    successful = growth_tracker + 1
    if successful == growth_interval:
        new_scale = np.float32(scale) * np.float32(growth_factor)
        if np.isfinite(new_scale):
            scale = float(new_scale)
        return scale, 0
    return scale, successful


def _tensor_cls():
    return registry._Tensor
