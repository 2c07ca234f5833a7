import sys, subprocess, numpy as np, jax, faulthandler
faulthandler.enable()
import jtorch, jtorch.nn as nn
from jtorch import jit
from jtorch.jit import _serialization as S
jtorch.manual_seed(0)
m = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(256, 3)).eval()
x = jtorch.randn(4, 1, 8, 8)
for plats in (("cpu", "cuda"), None):
    S._PLATFORMS = plats
    t = jit.trace(m, (x,)); t.save("/tmp/g.jit")
    code = "import faulthandler; faulthandler.enable(); import jtorch.jit, jtorch; m = jtorch.jit.load('/tmp/g.jit'); y = m(jtorch.ones(7, 1, 8, 8)); print('sub ok', y.device, y.shape)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    print(plats, r.returncode, r.stdout, r.stderr[-1500:])
    l = jit.load("/tmp/g.jit")
    print("in-process", float(np.abs(l(x).numpy() - m(x).detach().numpy()).max()))
