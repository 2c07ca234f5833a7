"""Run as `python <this> <out.npz>` under real torch, or under `python -m jtorch run`: timm's resnet18 through
torch.fx (symbolic_trace, timm's FX feature extractor) and torch.export, from one seed's weights passed in."""
import sys

import numpy as np
import torch

out_path, weights = sys.argv[1], sys.argv[2]
try:
    import timm
except ModuleNotFoundError:  # real torch without torchvision: timm's import needs the stand-in
    sys.path.insert(0, sys.argv[3])
    import _torchvision_stub
    _torchvision_stub.install()
    import timm

model = timm.create_model("resnet18", pretrained=False, num_classes=5)
state = dict(np.load(weights))
model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
model.eval()
x = torch.tensor(np.random.RandomState(0).randn(2, 3, 32, 32).astype(np.float32))
res = {"logits": model(x).detach().numpy()}
gm = torch.fx.symbolic_trace(model)
res["traced"] = gm(x).detach().numpy()
res["nodes"] = np.array([f"{n.op}:{n.target if isinstance(n.target, str) else n.target.__name__}"
                         for n in gm.graph.nodes])
try:
    from timm.models._features_fx import create_feature_extractor
    fe = create_feature_extractor(model, {"layer1": "l1", "layer4": "l4"})
    feats = fe(x)
    res["l1"], res["l4"] = feats["l1"].detach().numpy(), feats["l4"].detach().numpy()
except AssertionError as e:  # timm: no torchvision feature_extraction on this side
    res["feature_error"] = np.array(str(e))
ep = torch.export.export(model, (x,))
res["exported"] = ep.module()(x).detach().numpy()
res["params"] = np.array(list(ep.graph_signature.parameters))
np.savez(out_path, **res)
