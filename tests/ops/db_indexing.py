"""Indexing ops: __getitem__/__setitem__, gather/scatter, index_*, masked_*, take/put, nonzero."""
import numpy as np

from tests.ops.opinfo import OpInfo, S, arr

IDX = np.array([[0, 2, 1], [1, 0, 2]], dtype=np.int64)       # a permutation per row: no duplicate writes
DUP = np.array([[0, 0, 1], [1, 1, 1]], dtype=np.int64)        # duplicates: for reductions
MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])


def _set(m, x, index, value):
    y = x * 1  # a non-leaf, so the in-place write is differentiable
    y[index(m)] = value
    return y


def _inplace(name):
    def f(m, x, *args, **kw):
        y = x * 1
        getattr(y, name)(*args, **kw)
        return y
    return f


OPS = [
    OpInfo("getitem_basic", lambda m, x: x[1, ::2, None, -1], [S(arr(3, 4, 5))]),
    OpInfo("getitem_ellipsis", lambda m, x: x[..., 1:3], [S(arr(2, 3, 4)), S(arr(4, dtype="int32"))]),
    OpInfo("getitem_tensor", lambda m, x: x[m.tensor([0, 2, -1])], [S(arr(3, 4)), S(arr(3, dtype="bool"))]),
    OpInfo("getitem_list", lambda m, x: x[[0, 1], :, [1, 1]], [S(arr(2, 3, 4))]),
    OpInfo("getitem_int_adv", lambda m, x: x[0, :, [0, 1]], [S(arr(2, 3, 4))]),
    OpInfo("getitem_0d_tensor", lambda m, x: x[m.tensor(1), :, m.tensor([0, 2])], [S(arr(2, 3, 4))]),
    OpInfo("getitem_adv_none", lambda m, x: x[[0, 1], None, [0, 1]], [S(arr(2, 3, 4))]),
    OpInfo("getitem_adv_2d", lambda m, x: x[1:, m.tensor([[0, 1], [2, 2]])], [S(arr(2, 3, 4))]),
    OpInfo("getitem_mask", lambda m, x: x[m.from_numpy(MASK)], [S(arr(3, 4))]),
    OpInfo("getitem_mask_rows", lambda m, x: x[m.tensor([True, False, True])], [S(arr(3, 4))]),
    OpInfo("getitem_bool_scalar", lambda m, x: (x[True], x[None, False, 1], x[m.tensor(True), 0]), [S(arr(2, 3))]),
    OpInfo("setitem_scalar", lambda m, x: _set(m, x, lambda m: (slice(None), 0), 1.5), [S(arr(3, 4))]),
    OpInfo("setitem_tensor", lambda m, x, v: _set(m, x, lambda m: (0,), v), [S(arr(3, 4), arr(1, 4)),
                                                                           S(arr(3, 4), arr())]),
    OpInfo("setitem_adv", lambda m, x, v: _set(m, x, lambda m: (m.tensor([2, 0]), slice(1, None)), v),
           [S(arr(3, 4), arr(3))]),
    OpInfo("setitem_int_adv", lambda m, x, v: _set(m, x, lambda m: (0, slice(None), [0, 2]), v),
           [S(arr(2, 3, 4), arr(3, 2))]),
    OpInfo("setitem_mask", lambda m, x: _set(m, x, lambda m: m.from_numpy(MASK), 0.0), [S(arr(3, 4))]),
    OpInfo("setitem_mask_tensor", lambda m, x, v: _set(m, x, lambda m: m.from_numpy(MASK), v),
           [S(arr(3, 4), arr(6))]),
    OpInfo("setitem_int", lambda m, x: _set(m, x, lambda m: (m.tensor([0, 2]),), 7), [S(arr(3, dtype="int64"))],
           grad=False),
    OpInfo("gather", lambda m, x, d, i: m.gather(x, d, i),
           [S(arr(2, 3), 1, IDX), S(arr(3, 3), 0, IDX), S(arr(2, 4), 1, IDX[:, :2]),
            S(arr(), 0, np.zeros((), np.int64))]),
    OpInfo("scatter", lambda m, x, d, i, s: m.scatter(x, d, i, s),
           [S(arr(2, 3), 1, IDX, arr(2, 3)), S(arr(3, 3), -2, IDX[:, :2], arr(2, 4), grad=False),
            S(arr(2, 3), 1, IDX, 2.5)]),
    OpInfo("scatter_reduce_arg", lambda m, x, i, s, r: m.scatter(x, 1, i, s, reduce=r),
           [S(arr(2, 3), DUP, arr(2, 3), "add"), S(arr(2, 3), DUP, arr(2, 3), "multiply")], grad=False),
    OpInfo("scatter_", _inplace("scatter_"), [S(arr(2, 3), 1, IDX, arr(2, 3))]),
    OpInfo("scatter_add", lambda m, x, d, i, s: x.scatter_add(d, i, s),
           [S(arr(2, 3), 1, DUP, arr(2, 3)), S(arr(2, 3, dtype="int64"), 0, DUP, arr(2, 3, dtype="int64"))]),
    OpInfo("scatter_add_", _inplace("scatter_add_"), [S(arr(2, 3), 1, DUP, arr(2, 3))]),
    OpInfo("scatter_reduce", lambda m, x, i, s, r, inc: m.scatter_reduce(x, 1, i, s, r, include_self=inc),
           [S(arr(2, 3), DUP, arr(2, 3), "sum", False), S(arr(2, 3), DUP, arr(2, 3), "prod", True),
            S(arr(2, 3), DUP, arr(2, 3), "mean", True), S(arr(2, 3), DUP, arr(2, 3), "mean", False),
            S(arr(2, 3), DUP, arr(2, 3), "amax", True), S(arr(2, 3), DUP, arr(2, 3), "amin", False),
            S(arr(2, 3, dtype="int64", low=-9, high=9), DUP, arr(2, 3, dtype="int64", low=-9, high=9), "mean", True)]),
    OpInfo("index_select", lambda m, x, d, i: m.index_select(x, d, i),
           [S(arr(3, 4), 0, np.array([2, 0, 2])), S(arr(3, 4), -1, np.array([1])),
            S(arr(3, dtype="int32"), 0, np.array([0, 0]))]),
    OpInfo("index_add", lambda m, x, d, i, s, **k: m.index_add(x, d, i, s, **k),
           [S(arr(3, 4), 0, np.array([2, 0, 2]), arr(3, 4)), S(arr(3, 4), 1, np.array([1, 3]), arr(3, 2), alpha=2.0)]),
    OpInfo("index_add_", _inplace("index_add_"), [S(arr(3, 4), 0, np.array([2, 0, 2]), arr(3, 4))]),
    OpInfo("index_copy", lambda m, x, d, i, s: x.index_copy(d, i, s), [S(arr(3, 4), 1, np.array([3, 0]), arr(3, 2))]),
    OpInfo("index_copy_", _inplace("index_copy_"), [S(arr(3, 4), 0, np.array([1]), arr(1, 4))]),
    OpInfo("index_fill", lambda m, x, d, i, v: x.index_fill(d, i, v),
           [S(arr(3, 4), 1, np.array([3, 0]), -1.0), S(arr(3, 4), 0, np.array([1]), arr())]),
    OpInfo("index_fill_", _inplace("index_fill_"), [S(arr(3, 4), -1, np.array([0, 2]), 5.0)]),
    OpInfo("index_put", lambda m, x, v, acc: m.index_put(x, (m.tensor([0, 2, 0]), m.tensor([1, 1, 1])), v, acc),
           [S(arr(3, 4), arr(3), True), S(arr(3, 4), arr(), True)]),
    OpInfo("index_put_", _inplace("index_put_"), [S(arr(3, 4), (np.array([1, 2]),), arr(2, 4))]),
    OpInfo("masked_fill", lambda m, x, mask, v: m.masked_fill(x, mask, v),
           [S(arr(3, 4), MASK, 2.0), S(arr(3, 4), MASK[0], arr()), S(arr(4), MASK, arr()),
            S(arr(3, 4, dtype="int64"), MASK, 3)]),
    OpInfo("masked_fill_", _inplace("masked_fill_"), [S(arr(3, 4), MASK[1], -1.0)]),
    OpInfo("masked_select", lambda m, x, mask: m.masked_select(x, mask), [S(arr(3, 4), MASK), S(arr(4), MASK)]),
    OpInfo("masked_scatter", lambda m, x, mask, s: x.masked_scatter(mask, s),
           [S(arr(3, 4), MASK, arr(3, 4)), S(arr(3, 4), MASK[2], arr(10))]),
    OpInfo("masked_scatter_", _inplace("masked_scatter_"), [S(arr(3, 4), MASK, arr(8))]),
    OpInfo("take", lambda m, x, i: m.take(x, i), [S(arr(3, 4), np.array([[0, -1], [5, 5]])), S(arr(), np.array([0]))]),
    OpInfo("take_along_dim", lambda m, x, i, *d: m.take_along_dim(x, i, *d),
           [S(arr(2, 3), IDX, 1), S(arr(3, 3), IDX[:1], 0), S(arr(2, 3), np.array([5, 0]))]),
    OpInfo("put", lambda m, x, i, s, *a: x.put(i, s, *a),
           [S(arr(3, 4), np.array([0, -1, 4]), arr(3)), S(arr(3, 4), np.array([[1, 1]]), arr(1, 2), True)]),
    OpInfo("put_", _inplace("put_"), [S(arr(3, 4), np.array([2, 7]), arr(2))]),
    OpInfo("nonzero", lambda m, x: m.nonzero(x), [S(MASK), S(arr(4, dtype="int64", low=0, high=2))], grad=False),
    OpInfo("nonzero_tuple", lambda m, x: x.nonzero(as_tuple=True), [S(MASK), S(arr(4))], grad=False),
    OpInfo("argwhere", lambda m, x: m.argwhere(x), [S(MASK)], grad=False),
]
