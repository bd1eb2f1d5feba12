"""Speed: tokenward versus detect-secrets on a large real Python tree, and the pre-commit case.

Usage:
    python benchmarks/speed/run.py                 # Django's source, 3 alternating rounds
    python benchmarks/speed/run.py --tree DIR      # any tree
    python benchmarks/speed/run.py --rounds 1 --skip-detect-secrets

Prints the median wall time of each tool (alternating runs, so both see the same machine
state), the ratio of medians (target: tokenward <= 0.1x detect-secrets), tokenward's time
with a warm result cache, and the time to scan 5 files (target: < 0.5 s).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

DJANGO = "django==5.1.4"


def fetch_django(scratch: Path) -> Path:
    """Django's source as installed: the wheel, unpacked (pip download, no install)."""
    target = scratch / "django-src"
    if target.exists():
        return target
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--only-binary", ":all:", "-d", str(scratch), DJANGO], check=True)
    wheel = next(scratch.glob("Django-*.whl"), None) or next(scratch.glob("django-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, help="tree to scan (default: Django's source)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-detect-secrets", action="store_true")
    args = parser.parse_args()

    scratch = Path(tempfile.gettempdir()) / "tokenward-speed"
    scratch.mkdir(exist_ok=True)
    tree = (args.tree or fetch_django(scratch)).resolve()
    files = [p for p in tree.rglob("*") if p.is_file()]
    py = [p for p in files if p.suffix == ".py"]
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"tree: {tree} ({len(files)} files, {len(py)} Python, {size:.1f} MB)")

    tokenward = [sys.executable, "-m", "tokenward", "scan", ".", "--no-cache",
                 "--format", "json", "--output", str(scratch / "tw.json"), "--no-progress"]
    detect = ["detect-secrets", "scan", "--all-files", "."]
    tw_times: list[float] = []
    ds_times: list[float] = []
    for round_ in range(args.rounds):
        tw_times.append(timed(tokenward, tree))
        if not args.skip_detect_secrets:
            ds_times.append(timed(detect, tree))
        print(f"round {round_ + 1}: tokenward {tw_times[-1]:.2f} s"
              + (f", detect-secrets {ds_times[-1]:.2f} s" if ds_times else ""), flush=True)
    tw = statistics.median(tw_times)
    print(f"tokenward median:      {tw:.2f} s")
    if ds_times:
        ds = statistics.median(ds_times)
        print(f"detect-secrets median: {ds:.2f} s")
        print(f"ratio (tokenward / detect-secrets): {tw / ds:.3f}  (target <= 0.1)")

    cached_cmd = [c for c in tokenward if c != "--no-cache"]
    cache_env = {**__import__("os").environ, "TOKENWARD_CACHE_DIR": str(scratch / "cache")}
    timed(cached_cmd, tree, cache_env)
    warm = statistics.median(timed(cached_cmd, tree, cache_env) for _ in range(3))
    print(f"tokenward, warm cache: {warm:.2f} s")

    by_size = sorted(py, key=lambda p: p.stat().st_size)
    middle = len(by_size) // 2
    for label, chosen in (("5 typical (median-sized) files", by_size[middle - 2 : middle + 3]),
                          ("5 largest files", by_size[-5:])):
        five = [str(p.relative_to(tree)) for p in chosen]
        for entry in ("tokenward", "hook"):
            cmd = ([sys.executable, "-m", "tokenward", "scan", "--no-cache", *five]
                   if entry == "tokenward" else
                   [sys.executable, "-m", "tokenward.hooks.precommit", "--no-baseline", *five])
            small = statistics.median(timed(cmd, tree) for _ in range(5))
            size = sum(p.stat().st_size for p in chosen) // 1024
            print(f"{label} ({size} KiB), {entry} entry: {small:.3f} s  (target < 0.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
