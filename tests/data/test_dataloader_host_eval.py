"""The numpy evaluator DataLoader workers use for jtorch ops gives what XLA gives."""
import numpy as np
import pytest

import jax

import jtorch
import jtorch.nn.functional as F
from jtorch._engine import program
from jtorch.utils.data import _host_eval


def _x():
    return jtorch.arange(12.0).reshape(3, 4) - 5


CASES = {
    "arithmetic": lambda: _x() * 2 + 1 - _x() / 3,
    "integer division": lambda: jtorch.stack([(jtorch.arange(12) - 5) // 3, (jtorch.arange(12) - 5) % 3,
                                              jtorch.div(jtorch.arange(12) - 5, 3, rounding_mode="trunc")]),
    "unary": lambda: jtorch.stack([f(_x()) for f in (jtorch.exp, jtorch.tanh, jtorch.sigmoid, jtorch.floor,
                                                     jtorch.round, jtorch.erf, jtorch.sign)]),
    "movement": lambda: _x().permute(1, 0).flip(0)[1:, 2],
    "stack and cat": lambda: jtorch.cat([jtorch.stack([_x(), _x()]).mean(0), _x()], 1),
    "reductions": lambda: jtorch.cat([_x().sum(1), _x().max(0).values, _x().argmax(1).float(), _x().std(0)]),
    "cumsum": lambda: _x().cumsum(1),
    "index": lambda: jtorch.cat([_x()[jtorch.tensor([0, 2])].flatten(), _x()[:, jtorch.tensor([3, 1])].flatten()]),
    "gather": lambda: _x().gather(1, jtorch.tensor([[0, 1], [2, 3], [1, 1]])),
    "scatter": lambda: jtorch.zeros(3, 4).scatter(1, jtorch.tensor([[0], [1], [2]]), 1.0),
    "index_add": lambda: jtorch.zeros(5).index_add(0, jtorch.tensor([0, 0, 4]), jtorch.ones(3)),
    "matmul": lambda: _x() @ _x().T,
    "pad": lambda: F.pad(_x(), (1, 2)),
    "interpolate": lambda: F.interpolate(_x()[None, None], size=(6, 8), mode="bilinear", align_corners=False),
    "sort and topk": lambda: jtorch.cat([_x().sort(1, descending=True).values, _x().topk(2).values], 1),
    "casts": lambda: jtorch.stack([_x().clamp(-1, 2), _x().to(jtorch.int32).float(), _x().half().float()]),
    "where and softmax": lambda: jtorch.where(_x() > 0, _x(), -_x()).softmax(1),
    "pooling": lambda: jtorch.cat([F.max_pool2d(_x()[None, None], 2).flatten(), F.avg_pool2d(_x()[None, None], 2).flatten()]),
    "pooling, odd sizes": lambda: jtorch.cat([
        F.max_pool2d(jtorch.arange(35.0).reshape(1, 1, 5, 7) - 9, 2).flatten(),  # tiles; last row/column cut
        F.avg_pool2d(jtorch.arange(35.0).reshape(1, 1, 5, 7), 3, padding=1).flatten(),  # tiles of a padded input
        F.max_pool1d(jtorch.arange(6.0).reshape(1, 1, 6).flip(-1), 2, stride=1).flatten()]),  # overlapping
    "conv": lambda: jtorch.cat([F.conv2d(_x()[None, None], jtorch.arange(6.0).reshape(1, 1, 2, 3), padding=1).flatten(),
                                F.conv2d(jtorch.arange(32.0).reshape(1, 2, 4, 4), jtorch.ones(4, 1, 3, 3), stride=2,
                                         groups=2, dilation=1).flatten(),
                                F.conv1d(jtorch.arange(10.0).reshape(1, 2, 5), jtorch.ones(3, 2, 2), dilation=2).flatten(),
                                F.conv_transpose2d(_x()[None, None], jtorch.ones(1, 2, 2, 2), stride=2).flatten()]),
    "random": lambda: jtorch.cat([jtorch.rand(3), jtorch.randn(4), jtorch.randint(0, 5, (4,)).float(),
                                  jtorch.randperm(5).float()]),
}


@pytest.mark.filterwarnings("ignore:jtorch.*compiled")  # one program per case, on purpose
@pytest.mark.parametrize("name", sorted(CASES))
def test_host_eval_matches_xla(name, monkeypatch):
    seen = []
    compiled = program.executable

    def capture(prog, donate=()):
        fn, new = compiled(prog, donate)

        def run(*leaves):
            seen.append((prog, leaves))
            return fn(*leaves)
        return run, new

    monkeypatch.setattr(program, "executable", capture)
    if hasattr(program, "run_op_by_op"):  # the engine may run a one-off program op by op, uncompiled
        plain = program.run_op_by_op

        def capture_op_by_op(prog, leaves):
            seen.append((prog, leaves))
            return plain(prog, leaves)
        monkeypatch.setattr(program, "run_op_by_op", capture_op_by_op)
    jtorch.manual_seed(0)
    expected = CASES[name]().numpy()
    prog, leaves = seen[-1]
    args = [np.asarray(v) if isinstance(v, jax.Array) else v for v in leaves]
    got = _host_eval._run_program(prog, args)[0]
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6)


def test_unknown_primitive_in_forked_worker_says_what_to_do(monkeypatch):
    monkeypatch.setattr(_host_eval, "_IMPLS", {})
    monkeypatch.setitem(_host_eval._state, "jax_ok", False)
    run, _ = _host_eval._host_executable(*program.build([(_x() + 1)._lazy])[:1])
    with pytest.raises(RuntimeError, match="multiprocessing_context='spawn' or 'forkserver'"):
        run(*[lz.value for lz in program.build([(_x() + 1)._lazy])[1]])
