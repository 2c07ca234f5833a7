"""`@record` from torch.distributed.elastic.multiprocessing.errors, as torchrun scripts use it."""
import json

import pytest

from jtorch.distributed.elastic.multiprocessing.errors import record


def test_record_passes_results_and_swallows_only_a_clean_exit():
    assert record(lambda x: x + 1)(2) == 3
    assert record(lambda: (_ for _ in ()).throw(SystemExit(0)))() is None
    with pytest.raises(SystemExit):
        record(lambda: (_ for _ in ()).throw(SystemExit(3)))()


def test_record_writes_the_error_file_and_reraises(tmp_path, monkeypatch):
    path = tmp_path / "error.json"
    monkeypatch.setenv("TORCHELASTIC_ERROR_FILE", str(path))

    @record
    def main():
        raise KeyError("missing")

    with pytest.raises(KeyError):
        main()
    report = json.loads(path.read_text())
    assert report["message"]["message"] == "KeyError: 'missing'"
    assert "raise KeyError" in report["message"]["extraInfo"]["py_callstack"]
