"""How far jtorch's step is from real torch's, per kind of result.

Gradients the maths makes zero (an attention key bias, a channel a ReLU shuts) come out as float noise of
either sign on both sides, and AdamW turns any nonzero noise into a full lr-sized step; so each gradient is
measured against the model's largest gradient, and updated parameters only where the gradient is not noise.
"""
import numpy as np


def errors(torch_res, jtorch_res, noise=1e-4):
    """{kind: worst error} for logits, loss (relative), grad (relative to the largest gradient) and param
    (absolute, where torch's gradient is above `noise` times the largest one)."""
    jtorch_res = {k: v for k, v in jtorch_res.items() if k != "pretrained_logits"}
    if set(torch_res) != set(jtorch_res):
        raise AssertionError(f"different results: only torch {sorted(set(torch_res) - set(jtorch_res))}, "
                             f"only jtorch {sorted(set(jtorch_res) - set(torch_res))}")
    out = {}
    for k in ("logits", "loss"):
        t, j = torch_res[k], jtorch_res[k]
        out[k] = float(np.abs(t - j).max() / max(np.abs(t).max(), 1e-12))
    grads = [k for k in torch_res if k.startswith("grad.")]
    scale = max(float(np.abs(torch_res[k]).max()) for k in grads)
    out["grad"] = max(float(np.abs(torch_res[k] - jtorch_res[k]).max()) for k in grads) / scale
    worst = 0.0
    for k in grads:
        p = "param." + k[len("grad."):]
        real = np.abs(torch_res[k]) > noise * scale
        if real.any():
            worst = max(worst, float(np.abs(torch_res[p] - jtorch_res[p])[real].max()))
    out["param"] = worst
    return out
