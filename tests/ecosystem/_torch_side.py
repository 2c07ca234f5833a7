"""Run with real torch: for each model, build it, save its weights (safetensors), its inputs, and the results of
one training step.

argv: work folder, then the model names.
"""
import os
import sys

import numpy as np

import _models
import _torchvision_stub

root, names = sys.argv[1], sys.argv[2:]
for name in names:
    folder = os.path.join(root, name)
    if name in _models.TIMM + _models.TIMM_MORE:
        _torchvision_stub.install()  # timm imports torchvision; its stand-in will do where it is absent
    os.makedirs(folder, exist_ok=True)
    _models.save(name, _models.build(name), folder)
    arrays = _models.inputs(name)
    np.savez(os.path.join(folder, "inputs.npz"), **arrays)
    np.savez(os.path.join(folder, "torch.npz"), **_models.step(name, _models.load(name, folder), arrays))
