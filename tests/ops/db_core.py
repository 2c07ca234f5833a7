"""Core ops written with the engine (arithmetic used by the seeds); families add db_<family>.py."""
from tests.ops.opinfo import OpInfo, S, arr, pos

OPS = [
    OpInfo("add", lambda m, x, y, **k: m.add(x, y, **k),
           [S(arr(3, 4), arr(4)), S(arr(3), 2.5), S(arr(2, 3), arr(2, 3), alpha=2), S(arr(3, dtype="int64"), 1.5),
            S(arr(0, 3), arr(3)), S(arr(), arr(2, 2))]),
    OpInfo("mul_operator", lambda m, x, y: x * y, [S(arr(3, 1), arr(1, 4)), S(arr(2, dtype="int32"), arr(2))]),
    OpInfo("pow", lambda m, x, e: x ** e, [S(pos(3), 2), S(pos(3), 0.5), S(pos(2, 3), arr(3))]),
    OpInfo("rsub", lambda m, x: 2 - x, [S(arr(3))]),
    OpInfo("relu", lambda m, x: m.relu(x), [S(arr(5))]),
    OpInfo("sum_dim", lambda m, x, **k: x.sum(**k),
           [S(arr(3, 4)), S(arr(3, 4), dim=1), S(arr(2, 3, 4), dim=(0, 2), keepdim=True), S(arr(3, dtype="int32"))]),
    OpInfo("mean", lambda m, x, **k: x.mean(**k), [S(arr(3, 4)), S(arr(3, 4), dim=-1)]),
    OpInfo("max_dim", lambda m, x: m.max(x, 1), [S(arr(3, 4))]),
    OpInfo("matmul", lambda m, x, y: x @ y, [S(arr(3, 4), arr(4, 5)), S(arr(2, 3, 4), arr(4)), S(arr(4), arr(4))]),
    OpInfo("view", lambda m, x: x.view(-1, 4), [S(arr(2, 2, 4))]),
    OpInfo("getitem", lambda m, x: x[1:, None, ..., 0], [S(arr(3, 4, 5))]),
]
