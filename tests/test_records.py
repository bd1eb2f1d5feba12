"""The per-file objects of a scan (tokenward.records.record): frozen to the type checker,
compared, hashed, replaced and pickled by value as frozen dataclasses are."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from tokenward.scanner.engine import FileResult, FileTask
from tokenward.scanner.files import Candidate

ASSIGNMENTS = """\
from pathlib import Path
from tokenward.scanner.engine import FileResult, FileTask
from tokenward.scanner.files import Candidate
FileTask("a").path = "b"
FileResult("a").cached = True
Candidate(Path("a"), "a").display = "b"
"""


def test_mypy_rejects_an_assignment_to_a_field_of_each(tmp_path: Path) -> None:
    from mypy import api

    (tmp_path / "assigns.py").write_text(ASSIGNMENTS)
    out, _, status = api.run(["--no-incremental", "--follow-imports=silent",
                              str(tmp_path / "assigns.py")])
    assert status == 1
    assert [line.split("assigns.py:")[1] for line in out.splitlines() if ": error: " in line] == [
        '4: error: Property "path" defined in "FileTask" is read-only  [misc]',
        '5: error: Property "cached" defined in "FileResult" is read-only  [misc]',
        '6: error: Property "display" defined in "Candidate" is read-only  [misc]',
    ]


def test_equal_values_are_equal_and_hash_alike() -> None:
    one, other = FileTask("a.py", signature=(1, 2, 3, 4)), FileTask("a.py", signature=(1, 2, 3, 4))
    assert one == other and hash(one) == hash(other)
    assert one != FileTask("a.py", signature=(1, 2, 3, 5))
    assert Candidate(Path("a"), "a") == Candidate(Path("a"), "a")


def test_replace_and_pickle_keep_every_field() -> None:
    task = FileTask("a.py", data=b"x", digest=b"d", syntax=False)
    assert dataclasses.replace(task, data=None) == FileTask("a.py", digest=b"d", syntax=False)
    assert pickle.loads(pickle.dumps(task)) == task
    result = FileResult("a.py", cached=True)
    assert pickle.loads(pickle.dumps(result)) == result
