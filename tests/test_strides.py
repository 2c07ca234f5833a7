"""Strides of views (stride, storage_offset, is_contiguous) and the copy-vs-view rules they drive
(view refuses, reshape copies, contiguous copies), checked against torch."""
import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

CHAINS = [
    lambda x: x,
    lambda x: x.t(),
    lambda x: x.transpose(0, 1).unsqueeze(1),
    lambda x: x[:, 1],
    lambda x: x[1:, ::2],
    lambda x: x[None, ..., 2:],
    lambda x: x[1][None],
    lambda x: x.expand(2, 4, 6),
    lambda x: x.unsqueeze(0).expand(3, 4, 6)[1:],
    lambda x: x.diagonal(),
    lambda x: x.diagonal(2),
    lambda x: x.diagonal(-1),
    lambda x: x.unfold(1, 3, 2),
    lambda x: x.narrow(1, 2, 3).t(),
    lambda x: x.split(2, 1)[1],
    lambda x: x.chunk(3, 1)[2],
    lambda x: x.unbind(1)[3],
    lambda x: x.select(1, 5),
    lambda x: x.view(2, 2, 6).permute(2, 0, 1),
    lambda x: x.t()[::2].squeeze(),
    lambda x: x[:, :1].squeeze(1),
    lambda x: x.reshape(4, 3, 2)[:, 1:].reshape(4, 2, 2),
    lambda x: x.t().reshape(2, 3, 4),
    lambda x: x.movedim(0, 1).flatten(),
    lambda x: x.detach().t(),
]


@pytest.mark.parametrize("k", range(len(CHAINS)))
def test_layout_of_views_matches_torch(k):
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    t, j = CHAINS[k](torch.tensor(a)), CHAINS[k](jtorch.tensor(a))
    assert j.shape == t.shape
    assert j.stride() == t.stride()
    assert j.storage_offset() == t.storage_offset()
    assert j.is_contiguous() == t.is_contiguous()
    if t.dim():
        assert j.stride(-1) == t.stride(-1)
    np.testing.assert_array_equal(j.numpy(), t.numpy())


def test_view_refuses_what_torch_refuses_and_reshape_copies():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    with pytest.raises(RuntimeError, match=r"view size is not compatible with input tensor's size and stride"):
        jtorch.tensor(a).t().view(-1)
    with pytest.raises(RuntimeError) as e:
        torch.tensor(a).t().view(-1)
    assert "Use .reshape(...) instead." in str(e.value)
    for lib in (torch, jtorch):
        x = lib.tensor(a)
        y = x.t().reshape(-1)       # a copy: the write stays in y
        y[0] = 100.0
        v = x.reshape(4, 3)         # a view: the write reaches x
        v[0, 1] = -1.0
        f = x.t().flatten()
        f[1] = 55.0
        c = x.t().contiguous()
        c[0, 0] = 9.0
        assert x[0, 0].item() == 0.0 and x[0, 1].item() == -1.0 and x[1, 0].item() == 4.0
        assert y[0].item() == 100.0 and c.is_contiguous()
    x = jtorch.tensor(a)
    assert x.contiguous() is x and x.t().contiguous() is not x


def test_copy_reshape_keeps_gradients_and_torchs_grad_fn_names():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    names = []
    for lib in (torch, jtorch):
        w = lib.tensor(a, requires_grad=True)
        outs = [w.t().reshape(-1), w.reshape(-1), w.t().contiguous(), w.t().flatten()]
        names.append([o.grad_fn.name() for o in outs])
        (outs[0] * lib.arange(12.0)).sum().backward()
        names.append(w.grad.numpy().tolist())
    assert names[0] == names[2] and names[1] == names[3]


def test_memory_format_constants():
    x = jtorch.zeros(2, 3, 4, 5)
    assert repr(jtorch.channels_last) == "torch.channels_last"
    assert x.is_contiguous() and not x.is_contiguous(memory_format=jtorch.channels_last)
    assert x.contiguous(memory_format=jtorch.contiguous_format) is x
    assert jtorch.zeros(2, 1, 4, 5).is_contiguous(memory_format=jtorch.channels_last) == \
        torch.zeros(2, 1, 4, 5).is_contiguous(memory_format=torch.channels_last)


def test_data_ptr_relations_match_torch():
    rel = []
    for m in (torch, jtorch):
        x = m.arange(12.0).reshape(3, 4)
        p = x.data_ptr()
        y = x.clone()
        x.add_(1)
        rel.append((x[1:].data_ptr() - p, x[:, 2].data_ptr() - p, x.t().data_ptr() == p, x.detach().data_ptr() == p,
                    x.data_ptr() == p, y.data_ptr() == p, x.reshape(12).data_ptr() == p))
    assert rel[0] == rel[1]


def test_writes_into_expanded_views_follow_torch():
    """Ops that write one memory location twice raise torch's error (fill_/zero_ may); writing a
    non-overlapping part of an expand()ed view reaches every alias of it."""
    out = []
    for m in (torch, jtorch):
        x = m.zeros(3)
        e = x.expand(2, 3)
        for f in (lambda: e.mul_(2), lambda: e.copy_(m.ones(2, 3)), lambda: e.__setitem__(slice(None), 3.0)):
            with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
                f()
        e.fill_(1.0)
        e[0] = 3.0
        e[1, 1:] = m.tensor([5.0, 6.0])
        out.append((x.tolist(), e.tolist()))
    assert out[0] == out[1] == ([3.0, 5.0, 6.0], [[3.0, 5.0, 6.0], [3.0, 5.0, 6.0]])
