"""Run under `python -m jtorch run`: for each model, load the weights real torch saved, take the same step and
save the results (or the error) next to them.

argv: work folder holding <model>/model.safetensors (or save_pretrained output) and <model>/inputs.npz, then
the model names.
"""
import os
import sys
import traceback

import numpy as np

import _models

root, names = sys.argv[1], sys.argv[2:]
for name in names:
    folder = os.path.join(root, name)
    try:
        model = _models.load(name, folder)
        res = _models.step(name, model, dict(np.load(os.path.join(folder, "inputs.npz"))))
        if name in _models.FROM_PRETRAINED:  # transformers' own loader too: the same logits
            res["pretrained_logits"] = _models.logits(name, _models.load(name, folder, from_pretrained=True),
                                                      dict(np.load(os.path.join(folder, "inputs.npz"))))
        np.savez(os.path.join(folder, "jtorch.npz"), **res)
    except Exception:  # the test reports it for this model; the other models still run
        with open(os.path.join(folder, "jtorch_error.txt"), "w") as f:
            f.write(traceback.format_exc())
