"""Creation ops: Tensor.new_* (shape, dtype and device from the receiver), scalar_tensor, range."""
import warnings

from tests.ops.opinfo import OpInfo, S, arr

I = dict(dtype="int64", low=-5, high=5)


def _range(m, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch.range is deprecated (both warn)
        return m.range(*a, **k)


OPS = [
    OpInfo("new_zeros", lambda m, x: (x.new_zeros((2, 3)), x.new_ones(2), x.new_full((2,), 3), x.new_full((1, 2), 1.5),
                                      x.new_tensor([1, 2]), x.new_tensor([[0.5]]), x.new_zeros(2, dtype=m.int32),
                                      tuple(x.new_empty((2, 3)).shape), str(x.new_empty(2).dtype), x.new([1.0, 2.0]),
                                      tuple(x.new(2, 3).shape), tuple(x.new().shape)),
           [S(arr(2)), S(arr(3, **I))], grad=False),
    OpInfo("scalar_tensor", lambda m: (m.scalar_tensor(2.5), m.scalar_tensor(3), m.scalar_tensor(True),
                                       m.scalar_tensor(3, dtype=m.int64)), [S()], grad=False),
    OpInfo("range", lambda m: (_range(m, 0, 3), _range(m, 1, 2, 0.25), _range(m, 5, 1, -2),
                               _range(m, 0, 4, dtype=m.int64)), [S()], grad=False),
]
