"""DataLoader workers that run jtorch ops, die, or fail to start: each risky case runs in a
child interpreter with a timeout, so a hang fails the test instead of blocking the suite."""
import collections
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

import jtorch
from jtorch.utils.data import DataLoader, Dataset

_PRELUDE = textwrap.dedent("""
    import os, signal, sys, time
    import jtorch
    from jtorch.utils.data import DataLoader, Dataset

    class Ops(Dataset):
        # jtorch ops in __getitem__: creation, arithmetic, indexing, a reduction, randomness
        def __len__(self):
            return 6

        def __getitem__(self, i):
            x = jtorch.arange(4.0) * i + 1
            noise = jtorch.rand(2)
            return (x[1:] / 2).sum() + (noise >= 0).float().sum(), x.argmax()
""")


def _run(body, timeout=240):
    """Run `body` after the prelude in a fresh interpreter; (returncode, stdout + stderr)."""
    code = _PRELUDE + "\nif __name__ == '__main__':\n" + textwrap.indent(textwrap.dedent(body), "    ")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "loader_case.py")  # a file: spawned workers import the script's classes
        with open(script, "w") as f:
            f.write(code)
        try:
            p = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=timeout, env=env,
                               cwd=d)
        except subprocess.TimeoutExpired:
            pytest.fail(f"hung for {timeout} s")
    return p.returncode, p.stdout + p.stderr


def _expected():
    return [[(1 + 2 * i) * 1.5 + 2.0, 3 if i else 0] for i in range(6)]  # sum(x[1:] / 2) + 2, argmax


@pytest.mark.parametrize("context", [None, "spawn", "forkserver"])
def test_workers_running_jtorch_ops(context):
    # the parent runs JAX before the workers start: a forked worker inherits a started XLA runtime
    rc, out = _run(f"""
        jtorch.ones(2).sum().item()
        dl = DataLoader(Ops(), batch_size=2, num_workers=2, multiprocessing_context={context!r}, timeout=240)
        rows = [[s, int(a)] for b in dl for s, a in zip(b[0].tolist(), b[1].tolist())]
        print("ROWS", rows)
    """, timeout=360)
    assert rc == 0, out
    rows = eval(out.split("ROWS", 1)[1].strip().splitlines()[0])
    assert np.allclose(np.array(rows), np.array(_expected()))


@pytest.mark.parametrize("context", ["spawn", "forkserver"])
def test_persistent_fresh_workers_serve_two_epochs_and_exit(context):
    # workers started fresh keep running between epochs; the interpreter then exits with them
    # still alive (no explicit shutdown), which must neither hang nor fail
    rc, out = _run(f"""
        jtorch.ones(2).sum().item()
        dl = DataLoader(Ops(), batch_size=2, num_workers=2, multiprocessing_context={context!r}, timeout=240,
                        persistent_workers=True, prefetch_factor=1)
        for epoch in range(2):
            rows = [[s, int(a)] for b in dl for s, a in zip(b[0].tolist(), b[1].tolist())]
            print("ROWS", rows)
        print("workers", len(dl._iterator._workers), all(w.is_alive() for w in dl._iterator._workers))
    """, timeout=360)
    assert rc == 0, out
    epochs = [eval(part.strip().splitlines()[0]) for part in out.split("ROWS")[1:]]
    assert len(epochs) == 2 and all(np.allclose(np.array(e), np.array(_expected())) for e in epochs)
    assert "workers 2 True" in out


def test_failed_iterator_start_exits():
    rc, out = _run("""
        class Batches:
            def __iter__(self):
                yield [0]
                raise ValueError("sampler broke")

            def __len__(self):
                return 2

        jtorch.ones(2).sum().item()
        iter(DataLoader(Ops(), batch_sampler=Batches(), num_workers=2))
    """)
    assert rc != 0 and "ValueError: sampler broke" in out


def test_dead_workers_are_reported_with_their_signal_or_exit_code():
    rc, out = _run("""
        class Dies(Dataset):
            def __init__(self, how):
                self.how = how

            def __len__(self):
                return 4

            def __getitem__(self, i):
                with open(self.how + ".died", "w") as f:
                    f.write(repr(time.time()))
                if self.how == "kill":
                    os.kill(os.getpid(), signal.SIGKILL)
                os._exit(3)

        for how in ("kill", "exit"):
            try:
                list(DataLoader(Dies(how), num_workers=1))
            except RuntimeError as e:
                with open(how + ".died") as f:
                    delay = time.time() - float(f.read())
                print("ERR", how, repr(str(e)), repr(str(e.__cause__)), round(delay, 3))
    """)
    lines = {ln.split()[1]: ln for ln in out.splitlines() if ln.startswith("ERR ")}
    assert set(lines) == {"kill", "exit"}, out
    killed, exited = lines["kill"], lines["exit"]
    assert "'DataLoader worker (pid(s) " in killed and ") exited unexpectedly'" in killed
    assert "is killed by signal: Killed. '" in killed
    assert float(killed.split()[-1]) < 1.0, out  # from the worker's death to the error; torch: 0.1-0.3 s
    assert "exited unexpectedly with exit code 3. Details are lost due to multiprocessing." in exited, out


class _Missing(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return {}["no such key"]


@pytest.mark.filterwarnings("ignore:os.fork")  # torch's own loader forks this JAX process
def test_key_error_carries_the_worker_traceback_like_torch():
    with pytest.raises(KeyError) as ours:
        list(DataLoader(_Missing(), num_workers=1))
    text = str(ours.value)
    assert text.startswith("Caught KeyError in DataLoader worker process 0.\nOriginal Traceback (most recent call "
                           "last):\n")
    assert 'return {}["no such key"]' in text and text.rstrip().endswith("KeyError: 'no such key'")
    torch = pytest.importorskip("torch")
    with pytest.raises(KeyError) as theirs:
        list(torch.utils.data.DataLoader(_Missing(), num_workers=1))
    assert str(theirs.value).split("\n", 2)[:2] == text.split("\n", 2)[:2]
    assert str(theirs.value).rstrip().splitlines()[-1] == text.rstrip().splitlines()[-1]


class _Aug(Dataset):
    """jtorch ops per item, as a transform pipeline would run them, on a tensor this process
    computed with XLA before the workers forked."""

    def __init__(self):
        self.images = (jtorch.arange(2 * 3 * 6 * 6.0).reshape(2, 3, 6, 6) / 100).sin()
        self.images.sum().item()  # concrete: an XLA array of the parent's

    def __len__(self):
        return 8

    def __getitem__(self, i):
        x = self.images[i % 2] + i  # indexing a concrete tensor
        y = jtorch.nn.functional.pad(x, (1, 1)).flip(2)[:, :, 1:-1]
        blur = jtorch.nn.functional.conv2d(y[None], jtorch.full((3, 1, 3, 3), 1 / 9), padding=1, groups=3)[0]
        scale = jtorch.tensor([x.mean().item(), 2.0]).to("cpu")  # a sync and a new tensor mid-item
        return blur.softmax(1) * scale[1], (x > i + 0.5).long().sum(), scale


@pytest.mark.filterwarnings("ignore:jtorch.*compiled")  # one program per item index in the main process
def test_fork_workers_match_main_process():
    main = [[t.numpy() for t in b] for b in DataLoader(_Aug(), batch_size=4)]
    workers = [[t.numpy() for t in b] for b in DataLoader(_Aug(), batch_size=4, num_workers=2, timeout=60)]
    assert len(main) == len(workers) == 2
    for m, w in zip(main, workers):
        for a, b in zip(w, m):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_forked_worker_raises_instead_of_hanging_on_xla():
    rc, out = _run("""
        import jax.numpy as jnp

        class DirectJax(Dataset):
            def __len__(self):
                return 2

            def __getitem__(self, i):
                return float(jnp.ones(3).sum())  # plain JAX: cannot run after a fork

        jtorch.ones(2).sum().item()
        try:
            list(DataLoader(DirectJax(), num_workers=1, timeout=60))
        except RuntimeError as e:
            print("ERR", repr(str(e)))
    """)
    assert "ERR 'Caught RuntimeError in DataLoader worker process 0." in out, out
    assert "JAX cannot compile in a DataLoader worker forked after JAX started" in out, out


class _Five(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return i


def test_persistent_iterator_outlives_its_loader():
    import gc
    it = iter(DataLoader(_Five(), batch_size=2, num_workers=1, persistent_workers=True, timeout=60))
    gc.collect()  # the loader is gone; its iterator (and workers) are still in use
    assert [b.tolist() for b in it] == [[0, 1], [2, 3], [4]]
    it._shutdown()


class _SeesParentGraph(Dataset):
    def __len__(self):
        return 1

    def __getitem__(self, i):
        from jtorch._engine import modes
        return any(r() is not None and tuple(r().shape) == (7, 13) for r in modes.get().live)


def test_forked_worker_does_not_compute_the_parents_pending_tensors():
    pending = jtorch.ones(7, 13) * 2  # recorded, not computed, when the worker forks
    seen = list(DataLoader(_SeesParentGraph(), batch_size=None, num_workers=1, timeout=60))
    assert seen == [False] and pending._lazy.value is None


Pair = collections.namedtuple("Pair", "a b")  # module level: pickled by name


def test_deferred_batch_is_computed_by_the_receiving_process_with_the_same_values():
    # what a worker sends when the main process computes its pending values (worker.defer/finish)
    import pickle
    from jtorch.utils.data._utils import worker

    x = jtorch.arange(6.0).reshape(2, 3)
    data = {"img": (x * 2 + 1).flip(-1), "pair": Pair(x.sum(1), 7), "list": [x.argmax(1), "name"],
            "done": jtorch.ones(2)}
    expected = {"img": [[5.0, 3.0, 1.0], [11.0, 9.0, 7.0]], "pair": [3.0, 12.0], "argmax": [2, 2]}
    sent = pickle.loads(pickle.dumps(worker.defer(data)))
    assert isinstance(sent, worker.PendingBatch)
    got = worker.finish(sent)
    assert got["img"].tolist() == expected["img"]
    assert isinstance(got["pair"], Pair) and got["pair"].a.tolist() == expected["pair"] and got["pair"].b == 7
    assert got["list"][0].tolist() == expected["argmax"] and got["list"][1] == "name"
    assert got["done"].tolist() == [1.0, 1.0]
    ready = {"ready": jtorch.from_numpy(np.ones(2, np.float32))}
    assert worker.defer(ready) is ready  # nothing pending: sent as it is


def test_items_cut_from_a_large_array_are_computed_in_the_worker_not_sent_as_the_array():
    from jtorch.utils.data._utils import worker
    big = jtorch.from_numpy(np.arange(1 << 20, dtype=np.float32))  # 4 MiB, concrete
    items = [(big * 2)[i * 8:(i + 1) * 8] for i in range(4)]  # each item computed from all of `big`
    assert worker.defer(items) is items  # sending `big` would cost far more than the results
    small = jtorch.from_numpy(np.arange(64, dtype=np.float32))
    assert isinstance(worker.defer([small * 2]), worker.PendingBatch)
