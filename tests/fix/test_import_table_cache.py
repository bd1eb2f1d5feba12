"""A regression found by the fix tests: the import table cache was keyed by ``id()`` of a
file's node index alone, and a freed index's id is reused by a later file's, so that file
could resolve its calls through an earlier file's imports (seen as a flaky TW302 example
when the whole suite ran)."""

from __future__ import annotations

import libcst as cst

from tokenward.config import Config
from tokenward.rules import pyutil
from tokenward.scanner.source import Source


def test_an_entry_left_by_another_index_under_the_same_id_is_not_used() -> None:
    first = Source("a.py", "import jwt as codec\n", "python", Config())
    second = Source("b.py", "import json as codec\ncodec.decode(x)\n", "python", Config())
    assert first.index is not None and second.index is not None
    stale = pyutil.imports(first)
    # What id() reuse produces: the second file's id maps to the first file's entry.
    pyutil._IMPORT_TABLES.clear()
    pyutil._IMPORT_TABLES[id(second.index)] = (first.index, stale)
    call = second.index.of(cst.Call)[0]
    assert pyutil.call_name(second, call) == "json.decode"
