"""The seed MNIST script, unmodified (bench/seed_mnist_mlp.py is a verbatim copy), timed per
epoch under `jtorch run`, under PyTorch + torchvision (when a Python that has them is given),
and beside a hand-written jax.jit + optax loop over the same files.

    python bench/mnist.py [--torch-python /opt/tvenv/bin/python] [--data DIR]

Per-epoch time is the median gap between the script's 'Epoch N' lines after the first
(the first epoch also pays for imports and compiles, reported separately).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "seed_mnist_mlp.py")


def timed_run(cmd, cwd):
    """(per-epoch seconds, first-epoch seconds, total seconds, last line) of a script run."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    stamps, last = [], ""
    for line in p.stdout:
        if line.startswith("Epoch"):
            stamps.append(time.perf_counter())
        last = line.strip() or last
    err = p.stderr.read()
    if p.wait() != 0:
        raise RuntimeError(err.strip().splitlines()[-1] if err.strip() else "failed")
    total = time.perf_counter() - t0
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    return statistics.median(gaps), stamps[0] - t0, total, last


def jax_loop(root, epochs=10):
    """The seed's workflow written directly in jax.jit + optax, reading the same IDX files."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax

    def idx(name):
        with open(os.path.join(root, "MNIST", "raw", name), "rb") as f:
            data = f.read()
        ndim = data[3]
        shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
        return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)

    xtr, ytr = idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte").astype(np.int32)
    xte, yte = idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte").astype(np.int32)
    k1, k2 = jax.random.split(jax.random.PRNGKey(0))
    b1, b2 = 1 / 784 ** 0.5, 1 / 128 ** 0.5
    params = {"w1": jax.random.uniform(k1, (784, 128), jnp.float32, -b1, b1), "b1": jnp.zeros(128),
              "w2": jax.random.uniform(k2, (128, 10), jnp.float32, -b2, b2), "b2": jnp.zeros(10)}
    tx = optax.sgd(0.01)
    state = tx.init(params)

    def prep(xb):
        return ((xb.reshape(-1, 784).astype(jnp.float32) / 255.0) - 0.1307) / 0.3081

    def logits(p, xb):
        return jax.nn.relu(prep(xb) @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]

    @jax.jit
    def step(p, s, xb, yb):
        loss, g = jax.value_and_grad(
            lambda p: optax.softmax_cross_entropy_with_integer_labels(logits(p, xb), yb).mean())(p)
        u, s = tx.update(g, s)
        return optax.apply_updates(p, u), s, loss

    predict = jax.jit(lambda p, xb: jnp.argmax(logits(p, xb), 1))
    rng = np.random.default_rng(0)
    stamps = [time.perf_counter()]
    for _ in range(epochs):
        order = rng.permutation(len(ytr))
        running = 0.0
        for i in range(0, len(order), 64):
            j = order[i:i + 64]
            params, state, loss = step(params, state, xtr[j], ytr[j])
            running += float(loss)
        stamps.append(time.perf_counter())
    correct = sum(int((np.asarray(predict(params, xte[i:i + 64])) == yte[i:i + 64]).sum())
                  for i in range(0, len(yte), 64))
    gaps = [b - a for a, b in zip(stamps[1:], stamps[2:])]
    return statistics.median(gaps), stamps[1] - stamps[0], 100 * correct / len(yte)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch-python", default="/opt/tvenv/bin/python",
                    help="a Python with torch and torchvision installed")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "data"))
    args = ap.parse_args()
    root = os.path.abspath(args.data)
    from jtorch.vision.datasets.mnist import prepare_offline_mnist
    prepare_offline_mnist(root)
    workdir = os.path.dirname(root)  # the seed reads ./data
    rows = []
    j = timed_run([sys.executable, "-m", "jtorch", "run", SEED], workdir)
    rows.append(("jtorch run (unmodified seed)", j))
    if os.path.exists(args.torch_python):
        t = timed_run([args.torch_python, SEED], workdir)
        rows.append(("PyTorch + torchvision (unmodified seed)", t))
    else:
        t = None
    x = jax_loop(root)
    print("| implementation | s per epoch | first epoch s | total s | result |")
    print("|---|---|---|---|---|")
    for name, (epoch, first, total, last) in rows:
        print(f"| {name} | {epoch:.3f} | {first:.2f} | {total:.2f} | {last} |")
    print(f"| hand-written jax.jit + optax | {x[0]:.3f} | {x[1]:.2f} | - | accuracy {x[2]:.1f}% |")
    if t:
        print(f"\njtorch epoch time / PyTorch epoch time: {j[0] / t[0]:.3f} (target <= 0.2)")
    print(f"jtorch epoch time / hand-written JAX epoch time: {j[0] / x[0]:.2f}")


if __name__ == "__main__":
    main()
