import io, sys, subprocess, numpy as np, jax
import jtorch, jtorch.nn as nn
from jtorch import serialization, jit
print("devices", jax.devices())
jtorch.manual_seed(0)
m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).cuda().eval()
x = jtorch.randn(5, 4).cuda()
print("param device", next(m.parameters()).device)
buf = io.BytesIO(); serialization.save(m.state_dict(), buf); buf.seek(0)
sd = serialization.load(buf); print("loaded device", next(iter(sd.values())).device)
buf.seek(0); print("cpu map", next(iter(serialization.load(buf, map_location="cpu").values())).device)
t = jit.trace(m, (x,)); t.save("/tmp/g.jit")
code = "import jtorch.jit, jtorch, numpy as np; m = jtorch.jit.load('/tmp/g.jit'); y = m(jtorch.ones(7, 4).cuda()); print('sub', y.device, y.shape)"
print(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
l = jit.load("/tmp/g.jit", map_location="cpu")
print("jit diff", float(np.abs(l(x.cpu()).numpy() - m(x).detach().cpu().numpy()).max()))
