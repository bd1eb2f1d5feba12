from __future__ import annotations

from tests.helpers import pinned, scan_snippet
from tokenward.rules.credential_in_temp_file import RULE

_TAIL = "every local user can list that directory, and with the default umask read the file"


def test_temp_paths_built_by_join_division_and_gettempdir() -> None:
    """vulpy bad/api_post.py:27 writes the key to ``Path('/tmp/...')``; the same file under
    ``Path("/tmp") / ...`` (line 5), ``os.path.join(tempfile.gettempdir(), ...)`` (line 7)
    and ``open("/var/tmp/...")`` (line 9) is as readable. Line 10 writes to a private
    ``mkstemp`` file; line 11 writes no credential."""
    code = ("import os, tempfile\n"                                                  # 1
            "from pathlib import Path\n"                                             # 2
            "def save(token, report):\n"                                             # 3
            "    cache = Path('/tmp') / 'app-token'\n"                               # 4
            "    cache.write_text(token)\n"                                          # 5
            "    path = os.path.join(tempfile.gettempdir(), 'app-token')\n"          # 6
            "    open(path, 'w').write(token)\n"                                     # 7
            "    with open('/var/tmp/app-token', 'w') as out:\n"                     # 8
            "        out.write(token)\n"                                             # 9
            "    os.fdopen(tempfile.mkstemp()[0], 'w').write(token)\n"               # 10
            "    Path('/tmp/report.txt').write_text(report)\n")                      # 11
    assert pinned(scan_snippet(code, "client.py", rules=[RULE])) == [
        (5, 5, f"token goes into a file under /tmp: {_TAIL}"),
        (7, 5, f"token goes into a file under /tmp: {_TAIL}"),
        (9, 9, f"token goes into a file under /var/tmp/app-token: {_TAIL}")]
    assert RULE.wants("p = path(tempfile.gettempdir()) / 'x'; p.write_text(api_token)")
