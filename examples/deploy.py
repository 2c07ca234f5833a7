"""Train a small classifier briefly, checkpoint it, export it with jit and ONNX, and check both artifacts.

    python examples/deploy.py [--out DIR]

Writes DIR/checkpoint.pt (PyTorch's format: `torch.load` reads it too), DIR/model.jit.pt
(jax.export StableHLO + weights, batch size free; its serialization needs `pip install flatbuffers`,
skipped without it) and DIR/model.onnx (needs `pip install onnx onnxruntime`; skipped without them),
then prints the max abs difference of each artifact's outputs from the eager model's.
"""
import argparse
import importlib
import os
import subprocess
import sys
import tempfile

import jax
import numpy as np

import jtorch as torch
import jtorch.nn as nn
from jtorch import jit, serialization


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 4 * 4, 3))

    def forward(self, x):
        return self.head(self.features(x))


def make_data(n=96, seed=0):
    """Three classes of 8x8 images: a bright row, a bright column, or noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.3, (n, 1, 8, 8)).astype(np.float32)
    y = np.arange(n) % 3
    x[y == 0, 0, 3, :] += 2.0
    x[y == 1, 0, :, 3] += 2.0
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None, help="folder for the artifacts (default: a temporary folder)")
    ap.add_argument("--steps", type=int, default=30, help="training steps before exporting (default: 30)")
    args = ap.parse_args()
    # full float32 matmuls/convolutions (a GPU would use TF32), so the artifacts compare to 1e-6
    jax.config.update("jax_default_matmul_precision", "highest")
    out = args.out or tempfile.mkdtemp(prefix="jtorch_deploy_")
    os.makedirs(out, exist_ok=True)

    torch.manual_seed(0)
    x, y = make_data()
    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for step in range(args.steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    print(f"trained {args.steps} steps, loss {loss.item():.4f}")

    ckpt = os.path.join(out, "checkpoint.pt")
    serialization.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": args.steps}, ckpt)
    model.eval()
    restored = Classifier().eval()
    restored.load_state_dict(serialization.load(ckpt)["model"])
    test_x, _ = make_data(10, seed=1)
    eager = model(test_x).detach().numpy()
    print(f"checkpoint  {ckpt}: max abs diff {np.abs(restored(test_x).detach().numpy() - eager).max():.2e}")

    export_jit(model, x[:4], test_x, eager, out)
    export_onnx(model, x[:4], test_x, eager, out)


def _missing(*modules):
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def export_jit(model, example, test_x, eager, out):
    # jax.export writes its artifact with flatbuffers, which jax itself does not install
    if _missing("flatbuffers"):
        print("jit         skipped: pip install flatbuffers")
        return
    jit_path = os.path.join(out, "model.jit.pt")
    jit.trace(model, (example,)).save(jit_path)
    # run the artifact in a fresh process that never imports this script (so never sees Classifier)
    np.save(os.path.join(out, "test_x.npy"), test_x.numpy())
    code = ("import sys, numpy as np, jtorch.jit\n"
            "m = jtorch.jit.load(sys.argv[1])\n"
            "np.save(sys.argv[3], m(jtorch.from_numpy(np.load(sys.argv[2]))).numpy())\n")
    subprocess.run([sys.executable, "-c", code, jit_path, os.path.join(out, "test_x.npy"),
                    os.path.join(out, "jit_y.npy")], check=True,
                   # this process holds most of a GPU's memory; same float32 precision as here
                   env=dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false", JAX_DEFAULT_MATMUL_PRECISION="highest"))
    jit_y = np.load(os.path.join(out, "jit_y.npy"))
    print(f"jit         {jit_path}: max abs diff {np.abs(jit_y - eager).max():.2e} (batch 10, traced with 4)")


def export_onnx(model, example, test_x, eager, out):
    if _missing("onnx", "onnxruntime"):
        print("onnx        skipped: pip install onnx onnxruntime")
        return
    import onnxruntime as ort
    onnx_path = os.path.join(out, "model.onnx")
    from jtorch import onnx as jtorch_onnx
    jtorch_onnx.export(model, (example,), onnx_path, input_names=["images"], output_names=["logits"],
                      dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    (onnx_y,) = sess.run(None, {"images": test_x.numpy()})
    print(f"onnx        {onnx_path}: max abs diff {np.abs(onnx_y - eager).max():.2e}")


if __name__ == "__main__":
    main()
