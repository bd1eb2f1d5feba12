"""The pre-commit case stays cheap: a commit whose files cannot hold a finding never imports
libcst or detect-secrets (each costs more than the hook's whole latency budget), and no
commit imports the process pool (a few files are scanned in-process), importlib.resources
or tomllib (the rules' examples are read when first asked for, beside their module; a
settings file is read only where there is one), nor shutil (argparse's terminal width) or
difflib (a setting's "did you mean"), and a commit of named files runs no git, so
it imports neither subprocess nor tempfile, nor tokenward's git, diff, shard or baseline
modules when the run uses none of them. The analysis a rule needs only once its prefilter
let a file through (tokenward.lazy.lazy_module) is imported by the first such file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")

PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from tokenward.hooks.precommit import main
code = main(sys.argv[2:])
heavy = sorted(m for m in ("libcst", "detect_secrets", "multiprocessing",
                            "concurrent.futures.process", "importlib.resources", "tomllib",
                            "subprocess", "tempfile", "tokenward.scanner.git",
                            "tokenward.scanner.diff", "tokenward.scanner.shard",
                            "tokenward.scanner.baseline", "shutil", "difflib")
               if m in sys.modules)
lazy = sorted(name for name in ("assignments", "bound_names", "config_pairs", "config_text",
                                 "credentials", "dict_flow", "flow", "issuers", "python",
                                 "randomness", "scopes", "secrets_rewrite", "stores",
                                 "structured", "syntax_flow", "token_flow", "web_input")
              if "tokenward.analysis." + name in sys.modules)
print(code, heavy, lazy)
"""


def _probe(tmp_path: Path, *files: str) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE, SRC, "--no-baseline", *files],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def test_plain_files_import_neither_libcst_nor_detect_secrets(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "README.md").write_text("# A project\n")
    assert _probe(tmp_path, "util.py", "README.md") == "0 [] ['assignments']"


def test_a_candidate_file_brings_in_the_parser(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text('API_TOKEN = "Zx8Kq2Lm9Np4Rs7Tv1Wy3Ab6Cd0Ef5G"\n')
    # subprocess is libcst's own import; the data flow and the libcst helpers TW101 asks.
    assert _probe(tmp_path, "settings.py") == (
        "1 ['libcst', 'subprocess'] ['assignments', 'bound_names', 'python', 'syntax_flow']")


def test_a_workflow_brings_in_the_structured_reader(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\npermissions: write-all\njobs:\n  build:\n"
                        "    runs-on: ubuntu-latest\n    steps:\n      - run: make\n")
    # Not the Python analysis (flow, python, syntax_flow ...): no Python file is scanned.
    assert _probe(tmp_path, ".github/workflows/ci.yml") == (
        "1 [] ['assignments', 'config_pairs', 'config_text', 'structured']")


CLI_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from tokenward.cli import main
code = main(["scan", ".", "--no-cache"])
print(code, "tokenward.scanner.history" in sys.modules)
"""


def test_a_scan_without_history_does_not_load_the_history_scanner(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    out = subprocess.run([sys.executable, "-c", CLI_PROBE, SRC], cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 False"
