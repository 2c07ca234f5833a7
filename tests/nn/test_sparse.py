import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import jtorch  # noqa: E402
from jtorch.nn.modules.sparse import Embedding, EmbeddingBag  # noqa: E402

from tests.nn._parity import close, copy_state, grads_close, jtorch_to_torch  # noqa: E402

IDX = np.array([[1, 2, 0, 2], [4, 0, 9, 9]])


def _both(tcls, jcls, *args, **kw):
    tm, jm = tcls(*args, **kw), jcls(*args, **kw)
    copy_state(tm, jm)
    return tm, jm


@pytest.mark.parametrize("kw", [dict(), dict(padding_idx=0, scale_grad_by_freq=True), dict(padding_idx=-1)])
def test_embedding_forward_backward(kw):
    tm, jm = _both(torch.nn.Embedding, Embedding, 10, 3, **kw)
    w = np.arange(3, dtype=np.float32)
    to, jo = tm(torch.tensor(IDX)), jm(jtorch.tensor(IDX))
    close(to, jo)
    (to * torch.tensor(w)).sum().backward()
    (jo * jtorch.tensor(w)).sum().backward()
    grads_close(tm, jm)
    assert repr(tm) == repr(jm)


def test_embedding_init_padding_row_and_state_dict_to_torch():
    jm = Embedding(10, 3, padding_idx=2)
    assert np.all(jm.weight.detach().numpy()[2] == 0)
    tm = torch.nn.Embedding(10, 3, padding_idx=2)
    jtorch_to_torch(jm, tm)
    close(tm.weight, jm.weight)


def test_embedding_max_norm_renormalises_used_rows():
    tm, jm = _both(torch.nn.Embedding, Embedding, 10, 3, max_norm=1.0)
    with torch.no_grad():
        tm.weight.mul_(3)
    jm.load_state_dict({"weight": jtorch.tensor(tm.weight.detach().numpy())})
    close(tm(torch.tensor(IDX)), jm(jtorch.tensor(IDX)))
    close(tm.weight, jm.weight)  # rows 0, 1, 2, 4, 9 renormalised in place, the rest untouched


def test_embedding_from_pretrained_freeze():
    w = np.random.RandomState(0).randn(5, 2).astype(np.float32)
    jm = Embedding.from_pretrained(jtorch.tensor(w))
    assert not jm.weight.requires_grad
    close(jm(jtorch.tensor([4, 0])), w[[4, 0]])
    assert Embedding.from_pretrained(jtorch.tensor(w), freeze=False).weight.requires_grad


def test_embedding_out_of_range_raises_index_error():
    jm = Embedding(10, 3)
    with pytest.raises(IndexError, match="index out of range in self"):
        jm(jtorch.tensor([[1, 10]]))
    with pytest.raises(IndexError, match="index out of range in self"):
        jm(jtorch.tensor([-1]))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_offsets(mode):
    tm, jm = _both(torch.nn.EmbeddingBag, EmbeddingBag, 10, 3, mode=mode, padding_idx=2)
    inp, off = np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 2, 2, 5])
    to, jo = tm(torch.tensor(inp), torch.tensor(off)), jm(jtorch.tensor(inp), jtorch.tensor(off))
    close(to, jo)
    (to ** 2).sum().backward()
    (jo ** 2).sum().backward()
    grads_close(tm, jm)
    assert repr(tm) == repr(jm)


def test_embedding_bag_2d_last_offset_and_per_sample_weights():
    tm, jm = _both(torch.nn.EmbeddingBag, EmbeddingBag, 10, 3, mode="sum", include_last_offset=True)
    inp, off = np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 2, 2, 5, 8])
    psw = np.linspace(0.5, 2, 8).astype(np.float32)
    close(tm(torch.tensor(inp), torch.tensor(off), torch.tensor(psw)),
          jm(jtorch.tensor(inp), jtorch.tensor(off), jtorch.tensor(psw)))
    close(tm(torch.tensor(IDX)), jm(jtorch.tensor(IDX)))
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        EmbeddingBag(10, 3)(jtorch.tensor(IDX), per_sample_weights=jtorch.ones(2, 4))
