"""Many transformers and timm architectures, unmodified, under jtorch against real torch, in one process.

    python tools/ecosystem_sweep.py --transformers            # every architecture in HF_CONFIGS
    python tools/ecosystem_sweep.py --timm resnet18,convnext_atto
    python tools/ecosystem_sweep.py --timm all

Real torch builds each tiny model first; then torch, transformers and timm are unloaded, `torch` is aliased to
jtorch (as `jtorch run` does) and the same classes are rebuilt with real torch's weights. transformers rows
compare the last hidden state and the gradient norm of a fixed weighted loss; timm rows compare eval-mode
logits. One line per architecture: the largest difference, or where jtorch failed. The test suite runs a few
of these in tests/ecosystem; this sweep is the wider check, too slow for it.
"""
import argparse
import os
import sys
import traceback
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SMALL = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37, vocab_size=99)
NO_DROPOUT = dict(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, dropout=0.0, attention_dropout=0.0,
                  activation_dropout=0.0, dropout_rate=0.0, hidden_dropout=0.0, classifier_dropout=0.0,
                  resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
GQA = dict(SMALL, num_key_value_heads=2)
HF_CONFIGS = {
    "bert": SMALL, "roberta": SMALL, "xlm-roberta": SMALL, "deberta-v2": SMALL,
    "distilbert": dict(dim=32, n_layers=2, n_heads=4, hidden_dim=37, vocab_size=99),
    "albert": dict(SMALL, embedding_size=16), "electra": dict(SMALL, embedding_size=16),
    "mobilebert": dict(SMALL, embedding_size=16, intra_bottleneck_size=16, true_hidden_size=16,
                       num_feedforward_networks=2),
    "gpt2": dict(n_embd=32, n_layer=2, n_head=4, vocab_size=99),
    "gptj": dict(n_embd=32, n_layer=2, n_head=4, vocab_size=99, rotary_dim=4),
    "gpt_neox": SMALL, "phi": SMALL, "phi3": dict(GQA, pad_token_id=0),
    "llama": GQA, "mistral": GQA, "qwen2": GQA, "qwen3": dict(GQA, head_dim=8), "gemma": dict(GQA, head_dim=8),
    "opt": dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, ffn_dim=37, vocab_size=99,
                word_embed_proj_dim=32),
    "bloom": dict(hidden_size=32, n_layer=2, n_head=4, vocab_size=99),
    "falcon": dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, vocab_size=99),
    "mpt": dict(d_model=32, n_layers=2, n_heads=4, vocab_size=99),
    "t5": dict(d_model=32, num_layers=2, num_heads=4, d_ff=37, d_kv=8, vocab_size=99),
    "bart": dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                 decoder_attention_heads=4, encoder_ffn_dim=37, decoder_ffn_dim=37, vocab_size=99),
}
TIMM_MODELS = ["resnet18", "resnest14d", "densenet121", "efficientnet_b0", "mobilenetv3_small_100", "ghostnet_100",
               "regnetx_002", "convnext_atto", "edgenext_xx_small", "poolformer_s12", "nfnet_l0", "fastvit_t8",
               "mobilevit_xxs", "vit_tiny_patch16_224", "deit_tiny_patch16_224", "beit_base_patch16_224",
               "eva02_tiny_patch14_224", "cait_xxs24_224", "xcit_nano_12_p16_224", "crossvit_tiny_240",
               "swin_tiny_patch4_window7_224", "maxvit_tiny_rw_224", "coatnet_0_rw_224"]
LIBRARIES = ("torch", "transformers", "timm", "torchvision", "accelerate", "safetensors")


def _ids():
    rs = np.random.RandomState(0)
    ids = rs.randint(1, 99, (2, 7))
    mask = np.ones((2, 7), dtype=np.int64)
    mask[1, 5:] = 0
    return ids, mask


def hf_run(torch, transformers, name, state=None):
    """(last hidden state, gradient norm of the first parameter that gets one, state dict) for one architecture."""
    torch.manual_seed(0)
    cfg = transformers.AutoConfig.for_model(name, **HF_CONFIGS[name], **NO_DROPOUT)
    model = transformers.AutoModel.from_config(cfg).eval()
    if state is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    ids, mask = _ids()
    kw = dict(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
    if model.config.is_encoder_decoder:
        kw["decoder_input_ids"] = torch.from_numpy(ids[:, :4])
    with torch.no_grad():
        hidden = model(**kw).last_hidden_state.numpy()
    model.train()
    out = model(**kw).last_hidden_state
    # a weighted sum: mean(h ** 2) after a LayerNorm is nearly constant, so its gradient would be rounding noise
    weights = np.random.RandomState(3).randn(*out.shape).astype(np.float32)
    (out * torch.from_numpy(weights)).mean().backward()
    grad = next(p.grad for p in model.parameters() if p.grad is not None).norm().item()
    return hidden, grad, {k: v.numpy() for k, v in model.state_dict().items()}


def timm_run(torch, timm, name, state=None):
    torch.manual_seed(0)
    model = timm.create_model(name, pretrained=False, num_classes=10).eval()
    if state is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    size = 240 if "240" in name else 224 if "224" in name else 64
    x = np.random.RandomState(1).randn(1, 3, size, size).astype(np.float32)
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy(), None, {k: v.numpy() for k, v in model.state_dict().items()}


def _where(e):
    frames = traceback.extract_tb(e.__traceback__)[-2:]
    return ", ".join(f"{f.filename.split('site-packages' + os.sep)[-1]}:{f.lineno}" for f in frames)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transformers", nargs="?", const="all", help="comma-separated model types, or all")
    ap.add_argument("--timm", nargs="?", const="all", help="comma-separated timm model names, or all")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    jobs = []
    if args.transformers:
        jobs += [("transformers", n) for n in (HF_CONFIGS if args.transformers == "all"
                                               else args.transformers.split(","))]
    if args.timm:
        jobs += [("timm", n) for n in (TIMM_MODELS if args.timm == "all" else args.timm.split(","))]
    if any(lib == "timm" for lib, _ in jobs):
        sys.path.insert(0, os.path.join(HERE, "..", "tests", "ecosystem"))
        import _torchvision_stub  # timm imports torchvision; a stand-in does where it is absent
        _torchvision_stub.install()
    runners = {"transformers": hf_run, "timm": timm_run}
    reference = {}
    import torch
    for lib, name in jobs:
        try:
            reference[name] = runners[lib](torch, __import__(lib), name)
        except Exception as e:  # noqa: BLE001 - an architecture torch cannot build here is reported, not fatal
            reference[name] = e
    for mod in list(sys.modules):
        if mod.split(".")[0] in LIBRARIES:
            del sys.modules[mod]
    from jtorch.cli import install_aliases
    install_aliases()
    import torch as jtorch_as_torch
    same = 0
    for lib, name in jobs:
        ref = reference[name]
        if isinstance(ref, Exception):
            print(f"{lib:12s} {name:30s} skipped: torch itself fails ({str(ref)[:80]})")
            continue
        try:
            out, grad, _ = runners[lib](jtorch_as_torch, __import__(lib), name, ref[2])
        except Exception as e:  # noqa: BLE001 - one line per architecture
            print(f"{lib:12s} {name:30s} FAIL {type(e).__name__}: {str(e)[:160]} at {_where(e)}")
            continue
        diff = float(np.abs(out - ref[0]).max())
        row = f"{lib:12s} {name:30s} output diff {diff:.1e}"
        if grad is not None:
            rel = abs(grad - ref[1]) / max(abs(ref[1]), 1e-30)
            row += f", gradient norm {grad:.6g} vs torch {ref[1]:.6g} (rel {rel:.1e})"
            ok = diff < 1e-5 and rel < 1e-4
        else:
            ok = diff < 1e-5
        same += ok
        print(row + ("" if ok else "  <-- differs"), flush=True)
    print(f"{same}/{len(jobs)} architectures equal to torch")
    return 0 if same == len(jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
