"""One-shot GPU check (run on a machine with an NVIDIA GPU; about a minute, plus bench/run_all.py).

    python bench/gpu_check.py

Sections, each guarded so one failure never hides the others:
  1. what JAX and jtorch.cuda see;
  2. a small MLP trained on 'cuda' and on 'cpu' from the same start: losses and parameters
     must agree (float32; GPU matmuls may use TF32-like precision, so the tolerance is loose);
  3. autocast(float16) + GradScaler on 'cuda' and bf16 autocast;
  4. DataParallel over every GPU (identity with one);
  5. the seed MNIST script timed under jtorch run, PyTorch and JAX (bench/mnist.py);
  6. the benchmark table on the GPU (bench/run_all.py --device cuda);
  7. the recurrent layers' reverse-mode rule against jax's scan derivative (bench/rnn_rule.py);
  8. jtorch and jtorch.compile against hand-written JAX in one process (bench/jax_ratio.py).
"""
import os
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def section(title):
    def deco(fn):
        print(f"\n=== {title} ===", flush=True)
        t0 = time.perf_counter()
        try:
            fn()
            print(f"[ok] {title} ({time.perf_counter() - t0:.1f}s)", flush=True)
        except Exception:  # noqa: BLE001 - report and go on
            traceback.print_exc()
            print(f"[FAILED] {title}", flush=True)
        return fn
    return deco


@section("devices")
def _devices():
    import jax

    import jtorch
    print("jax", jax.__version__, "backend:", jax.default_backend())
    print("jax.devices():", jax.devices())
    print("cuda.is_available:", jtorch.cuda.is_available(), "device_count:", jtorch.cuda.device_count())
    if jtorch.cuda.is_available():
        print("current_device:", jtorch.cuda.current_device(), "name:", jtorch.cuda.get_device_name(0))
        print("capability:", jtorch.cuda.get_device_capability(), "properties:", jtorch.cuda.get_device_properties(0))
        x = jtorch.ones(1024, 1024, device="cuda")
        x.sum().item()  # materialise x
        print("x.device:", x.device, "memory_allocated:", jtorch.cuda.memory_allocated(),
              "max:", jtorch.cuda.max_memory_allocated())
        jtorch.cuda.synchronize()
        print("cpu copy device:", x.cpu().device)


def _train(device, steps=20, amp_dtype=None, scaler=False):
    import numpy as np

    import jtorch as torch
    import jtorch.nn as nn
    import jtorch.optim as optim
    from jtorch.amp import GradScaler, autocast
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))
    state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    model = model.to(device)
    opt = optim.Adam(model.parameters(), lr=1e-2)
    sc = GradScaler("cuda") if scaler else None
    rs = np.random.RandomState(0)
    xs = rs.randn(steps, 64, 32).astype(np.float32)
    ys = (xs @ rs.randn(32, 10).astype(np.float32)).argmax(-1)  # learnable labels
    losses = []
    t0 = time.perf_counter()
    for i in range(steps):
        x, y = torch.tensor(xs[i]).to(device), torch.tensor(ys[i]).to(device)
        opt.zero_grad()
        if amp_dtype is not None:
            with autocast("cuda", dtype=amp_dtype):
                loss = nn.functional.cross_entropy(model(x), y)
        else:
            loss = nn.functional.cross_entropy(model(x), y)
        if sc is not None:
            sc.scale(loss).backward()
            sc.step(opt)
            sc.update()
        else:
            loss.backward()
            opt.step()
        losses.append(loss.item())
    dt = time.perf_counter() - t0
    params = {k: v.cpu().numpy() for k, v in model.state_dict().items()}
    dev = next(iter(model.parameters())).device
    return state, losses, params, dt, dev


@section("MLP on cuda vs cpu")
def _mlp():
    import numpy as np

    import jtorch
    if not jtorch.cuda.is_available():
        print("no GPU: skipped")
        return
    s0, lc, pc, tc, dc = _train("cpu")
    s1, lg, pg, tg, dg = _train("cuda")
    print("param device cpu run:", dc, "cuda run:", dg)
    prec = None
    if hasattr(jtorch, "set_float32_matmul_precision"):
        # torch's default on GPU is full float32 matmuls (allow_tf32=False); jax's default on GPU is TF32
        prec = jtorch.get_float32_matmul_precision()
        jtorch.set_float32_matmul_precision("highest")
        _, lh, ph, th, _ = _train("cuda")
        jtorch.set_float32_matmul_precision(prec)
        print("highest precision: max |param cpu - param cuda|:",
              max(float(np.abs(pc[k] - ph[k]).max()) for k in pc), f"({th:.2f}s)")
    print("losses cpu :", [round(v, 5) for v in lc[::5]], f"({tc:.2f}s incl. compile)")
    print("losses cuda:", [round(v, 5) for v in lg[::5]], f"({tg:.2f}s incl. compile)")
    worst = max(float(np.abs(pc[k] - pg[k]).max()) for k in pc)
    print("max |param cpu - param cuda|:", worst, "max |loss diff|:", max(abs(a - b) for a, b in zip(lc, lg)))
    assert all(np.array_equal(s0[k], s1[k]) for k in s0), "different initial parameters"
    assert str(dg) == "cuda:0", dg
    assert worst < 5e-2, worst


@section("autocast + GradScaler on cuda")
def _amp():
    import jtorch
    from jtorch.amp import autocast
    if not jtorch.cuda.is_available():
        print("no GPU: skipped")
        return
    _, l16, _, t16, _ = _train("cuda", amp_dtype=jtorch.float16, scaler=True)
    print("fp16+GradScaler losses:", [round(v, 4) for v in l16[::5]], f"({t16:.2f}s)")
    _, lbf, _, tbf, _ = _train("cuda", amp_dtype=jtorch.bfloat16)
    print("bf16 losses:", [round(v, 4) for v in lbf[::5]], f"({tbf:.2f}s)")
    a = jtorch.ones(8, 8, device="cuda")
    with autocast("cuda"):
        print("autocast dtypes: mm", (a @ a).dtype, "softmax", jtorch.softmax(a @ a, -1).dtype)
    assert max(l16[-5:]) < l16[0] and max(lbf[-5:]) < lbf[0], "no learning under autocast"


@section("DataParallel over all GPUs")
def _dp():
    import numpy as np

    import jtorch as torch
    import jtorch.nn as nn
    from jtorch.nn.parallel import DataParallel
    if not torch.cuda.is_available():
        print("no GPU: skipped")
        return
    torch.manual_seed(0)
    m = nn.Linear(16, 4).to("cuda")
    dp = DataParallel(m)
    x = torch.randn(32, 16, device="cuda")
    y = dp(x)
    ref = m(x)
    print("device_ids:", dp.device_ids, "output device:", y.device)
    print("max diff vs module:", float(np.abs(y.detach().cpu().numpy() - ref.detach().cpu().numpy()).max()))


def _script(args, timeout):
    """Run another bench script with this Python; its output goes straight to ours."""
    if os.environ.get("JTORCH_SKIP_BENCH"):
        print("JTORCH_SKIP_BENCH set: skipped")
        return
    here = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run([sys.executable, os.path.join(here, args[0])] + args[1:], timeout=timeout)
    print(args[0], "exit code:", r.returncode)


@section("seed MNIST script: jtorch run vs PyTorch + torchvision vs JAX (bench/mnist.py)")
def _seed_mnist():
    # the seed moves nothing to a device: jtorch runs it on JAX's default device (the GPU),
    # PyTorch on its default (the CPU); torchvision comes with PyTorch on the GPU machines
    _script(["mnist.py", "--torch-python", sys.executable], int(os.environ.get("JTORCH_MNIST_TIMEOUT", "150")))


@section("bench/run_all.py --device cuda")
def _bench():
    import jtorch
    device = "cuda" if jtorch.cuda.is_available() else "cpu"
    _script(["run_all.py", "--device", device, "--steps-scale", os.environ.get("JTORCH_BENCH_SCALE", "0.5")],
            int(os.environ.get("JTORCH_BENCH_TIMEOUT", "300")))


@section("bench/rnn_rule.py --device cuda")
def _rnn_rule():
    import jtorch
    device = "cuda" if jtorch.cuda.is_available() else "cpu"
    _script(["rnn_rule.py", "--device", device, "--rounds", "4"], int(os.environ.get("JTORCH_RNN_RULE_TIMEOUT", "120")))


@section("bench/jax_ratio.py --device cuda")
def _jax_ratio():
    import jtorch
    device = "cuda" if jtorch.cuda.is_available() else "cpu"
    _script(["jax_ratio.py", "--device", device, "--rounds", "3", "--steps-scale", "0.2"],
            int(os.environ.get("JTORCH_JAX_RATIO_TIMEOUT", "180")))
