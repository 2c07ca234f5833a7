"""Dataset composition (StackDataset, ConcatDataset, ChainDataset, Subset) against torch.utils.data."""
import pytest

import jtorch.utils.data as J

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import torch.utils.data as T  # noqa: E402


class _Range:
    def __init__(self, lo, hi):
        self.items = list(range(lo, hi))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return [self.items[j] for j in i] if isinstance(i, list) else self.items[i]


def _count(mod, n):
    class Count(mod.IterableDataset):
        def __iter__(self):
            return iter(range(n))

        def __len__(self):
            return n
    return Count()


def _outcome(fn):
    try:
        return fn()
    except (ValueError, AssertionError, IndexError) as e:
        return type(e).__name__, str(e)


def test_stack_dataset_matches_torch():
    a, b = _Range(0, 4), _Range(10, 14)
    for make in (lambda m: m.StackDataset(a, b), lambda m: m.StackDataset(x=a, y=b)):
        jt, tt = make(J), make(T)
        assert len(jt) == len(tt) and [jt[i] for i in range(4)] == [tt[i] for i in range(4)]
    for args, kw in (((), {}), ((a, _Range(0, 3)), {}), ((), dict(x=a, y=_Range(0, 2))), ((a,), dict(y=b))):
        assert _outcome(lambda: J.StackDataset(*args, **kw)) == _outcome(lambda: T.StackDataset(*args, **kw))


def test_concat_dataset_matches_torch():
    parts = [_Range(0, 3), _Range(3, 3), _Range(10, 15)]
    jt, tt = J.ConcatDataset(parts), T.ConcatDataset(parts)
    assert jt.cumulative_sizes == tt.cumulative_sizes == J.ConcatDataset.cumsum(parts)
    for i in list(range(-8, 8)) + [-9, 8]:
        assert _outcome(lambda: jt[i]) == _outcome(lambda: tt[i]), i
    assert _outcome(lambda: J.ConcatDataset([])) == _outcome(lambda: T.ConcatDataset([]))
    assert _outcome(lambda: J.ConcatDataset([_count(J, 2)])) == _outcome(lambda: T.ConcatDataset([_count(T, 2)]))


def test_chain_dataset_and_subset_match_torch():
    jc, tc = J.ChainDataset([_count(J, 2), _count(J, 3)]), T.ChainDataset([_count(T, 2), _count(T, 3)])
    assert list(jc) == list(tc) and len(jc) == len(tc) == 5
    jbad, tbad = J.ChainDataset([_count(J, 2), _Range(0, 2)]), T.ChainDataset([_count(T, 2), _Range(0, 2)])
    assert _outcome(lambda: list(jbad)) == _outcome(lambda: list(tbad))
    assert _outcome(lambda: len(jbad)) == _outcome(lambda: len(tbad))
    js, ts = J.Subset(_Range(0, 10), [9, 2, 4]), T.Subset(_Range(0, 10), [9, 2, 4])
    assert [js[i] for i in range(3)] == [ts[i] for i in range(3)] and js[[2, 0]] == ts[[2, 0]] == [4, 9]
