"""Tiny Hugging Face / timm models built the same way under real torch and under jtorch.

`import torch` here is whichever torch the process has: real torch in the test process, jtorch in the
subprocess started with `python -m jtorch run` (which aliases torch to jtorch).
"""
import numpy as np

TRANSFORMERS = ("gpt2", "bert", "llama", "t5", "bart", "deberta-v2")
TIMM = ("resnet18",)
# also equal to torch (run by hand: _torch_side.py / _jtorch_side.py); left out of the tests for their time
TIMM_MORE = ("efficientnet_b0", "vit_tiny_patch16_224")
# models whose from_pretrained also runs under jtorch (BERT and Llama build on the meta device, then re-create
# their non-persistent buffers)
FROM_PRETRAINED = ("gpt2", "bert", "llama")


def _hf(name):
    import transformers as tf
    if name == "gpt2":
        cfg = tf.GPT2Config(n_layer=2, n_embd=32, n_head=2, vocab_size=99, n_positions=64, resid_pdrop=0.0,
                            embd_pdrop=0.0, attn_pdrop=0.0)
        return tf.GPT2LMHeadModel(cfg)
    if name == "bert":
        cfg = tf.BertConfig(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                            intermediate_size=37, max_position_embeddings=64, num_labels=3,
                            hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        return tf.BertForSequenceClassification(cfg)
    if name == "llama":
        cfg = tf.LlamaConfig(vocab_size=99, hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                             num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64)
        return tf.LlamaForCausalLM(cfg)
    if name == "t5":  # encoder-decoder with relative position buckets
        cfg = tf.T5Config(vocab_size=99, d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4, dropout_rate=0.0,
                          decoder_start_token_id=0, pad_token_id=0)
        return tf.T5ForConditionalGeneration(cfg)
    if name == "bart":
        cfg = tf.BartConfig(vocab_size=99, d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                            decoder_attention_heads=4, encoder_ffn_dim=37, decoder_ffn_dim=37,
                            max_position_embeddings=64, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0)
        return tf.BartForConditionalGeneration(cfg)
    if name == "deberta-v2":  # disentangled relative attention
        cfg = tf.DebertaV2Config(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                 intermediate_size=37, max_position_embeddings=64, num_labels=3,
                                 hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        return tf.DebertaV2ForSequenceClassification(cfg)
    raise KeyError(name)


def build(name):
    """The model, randomly initialised (weights are then replaced by the shared file)."""
    import torch
    torch.manual_seed(0)
    if name in TIMM + TIMM_MORE:
        import timm
        kw = dict(img_size=32, patch_size=8) if name.startswith("vit") else {}
        return timm.create_model(name, pretrained=False, num_classes=5, **kw)
    return _hf(name)


def inputs(name):
    """Fixed numpy inputs for one training step."""
    rng = np.random.default_rng(0)
    if name in TIMM + TIMM_MORE:
        return {"x": rng.standard_normal((4, 3, 32, 32)).astype(np.float32), "y": np.array([1, 4, 0, 2])}
    ids = rng.integers(0, 99, (2, 8))
    if name in ("bert", "deberta-v2"):
        return {"input_ids": ids, "labels": np.array([0, 2])}
    return {"input_ids": ids, "labels": ids}


def step(name, model, arrays):
    """Forward, loss, backward and one AdamW step in training mode; returns numpy results to compare
    (logits, loss, every gradient, every parameter after the step)."""
    import torch
    model.train()  # dropout is configured off; batch norm uses batch statistics
    if name in TIMM + TIMM_MORE:
        x, y = torch.tensor(arrays["x"]), torch.tensor(arrays["y"])
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
    else:
        out = model(**{k: torch.tensor(v) for k, v in arrays.items()})
        logits, loss = out.logits, out.loss
    loss.backward()
    res = {"logits": logits.detach().numpy(), "loss": np.asarray(loss.item())}
    for n, p in model.named_parameters():
        if p.grad is not None:
            res["grad." + n] = p.grad.numpy()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    opt.step()
    for n, p in model.named_parameters():
        res["param." + n] = p.detach().numpy()
    return res


def logits(name, model, arrays):
    """Logits of a forward pass without gradients (numpy)."""
    import torch
    with torch.no_grad():
        return model(input_ids=torch.tensor(arrays["input_ids"])).logits.numpy()


def save(name, model, folder):
    """Weights to a folder: save_pretrained for transformers (safetensors), a safetensors file for timm."""
    if name in TIMM + TIMM_MORE:
        import os

        from safetensors.torch import save_file
        save_file(model.state_dict(), os.path.join(folder, "model.safetensors"))
    else:
        model.save_pretrained(folder)


def load(name, folder, from_pretrained=False):
    """The model with the weights `save` wrote: built from its config, then the safetensors file loaded into it
    (or, with from_pretrained, transformers' own loader)."""
    import os

    from safetensors.torch import load_file
    if from_pretrained:
        return type(_hf(name)).from_pretrained(folder)
    model = build(name)
    missing, unexpected = model.load_state_dict(load_file(os.path.join(folder, "model.safetensors")), strict=False)
    tied = set(getattr(model, "all_tied_weights_keys", None) or {})
    if unexpected or set(missing) - tied:
        raise RuntimeError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
    return model
