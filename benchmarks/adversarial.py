"""Adversarial inputs: does the scan stay linear? (issue 15, item 8)

For each input built to hurt a scanner (a regex that backtracks, a parser that nests), the
time to scan a ~1 MB version against a ~100 KB version of the same shape, each in a fresh
process with every rule and detect-secrets, no cache and the size cap raised. A ratio of
about 10 is linear; 100 is quadratic. A run over the time limit is printed as such (and
the ratio as a lower bound). A benchmark that prints figures, not a test.

    PYTHONPATH=src python3 benchmarks/adversarial.py [--timeout 120] [--case NAME ...]

Inputs:
  url-dots        `x = "http://a.a.a…"` after a token on the same line (the snippet's
                  URL-password mask runs on it)
  url-colons      `x = "http://a:a:a…"` (TW101's URL-password prefilter)
  operator-chain  `TOTAL = a + a + …` in one statement
  deep-nesting    `x = [[[…]]]`
  near-limits     many statements nested just under the depth limit
  minified        one minified JavaScript line, a token in the middle
  yaml-blanks     a YAML line of a key followed by blanks and no colon
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL, LARGE = 100_000, 1_000_000


def _token() -> str:
    # A checksum-valid fake GitHub token, built at run time (never a literal in source).
    sys.path.insert(0, str(ROOT / "src"))
    from tokenward.analysis.providers import base62_checksum

    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    body = "".join(random.choice(alphabet) for _ in range(30))
    return f"ghp_{body}{base62_checksum(body)}"


def _minified(size: int, token: str) -> str:
    pieces = ["var a=b.c(d,e);", "function f(x){return x+1}", "if(a&&b){c=d}else{e=f}",
              'x.y="hello world";', 'o={k:1,v:"s"};']
    out: list[str] = []
    while sum(map(len, out)) < size:
        out.append(random.choice(pieces))
    out.insert(len(out) // 2, f'const t="{token}";')
    return "".join(out) + "\n"


CASES: dict[str, tuple[str, Callable[[int, str], str]]] = {
    "url-dots": ("a.py", lambda n, t: f'T = "{t}"; x = "http://' + "a." * (n // 2) + '"\n'),
    "url-colons": ("a.py", lambda n, t: 'x = "http://' + "a:" * (n // 2) + '"\n'),
    "operator-chain": ("a.py", lambda n, t: "TOTAL = " + " + ".join(["a"] * (n // 4)) + "\n"),
    "deep-nesting": ("a.py", lambda n, t: 'API_TOKEN = "x"\nx = ' + "[" * (n // 2)
                     + "]" * (n // 2) + "\n"),
    "near-limits": ("a.py", lambda n, t: 'API_TOKEN = "x"\n'
                    + ("x = " + "f(" * 99 + "1" + ")" * 99 + "\n") * (n // 304)),
    "minified": ("app.js", _minified),
    "yaml-blanks": ("a.yaml", lambda n, t: "key" + " " * n + "x\n"),
}

_RUN = """
import sys, time
from tokenward.config import Config
from tokenward.rules import RULES
from tokenward.scanner.engine import FileTask, scan_file
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
scan_file(FileTask(sys.argv[2], data), Config(max_file_size=64 * 1024 * 1024), RULES)
print(time.perf_counter() - start)
"""


def _time(path: Path, name: str, timeout: float) -> float | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    try:
        done = subprocess.run([sys.executable, "-c", _RUN, str(path), name], env=env,
                              capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:  # a crash is a figure too
        print(f"    {name}: the scan died (exit {exc.returncode})", file=sys.stderr)
        return None
    return float(done.stdout.strip())


def _shown(seconds: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s" if seconds is None else f"{seconds:8.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds allowed per scan [120]")
    parser.add_argument("--case", action="append", choices=sorted(CASES),
                        help="only this input (repeatable)")
    args = parser.parse_args(argv)
    random.seed(15)
    token = _token()
    print(f"{'input':<16}{'100 KB':>12}{'1 MB':>12}{'ratio':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for case in args.case or list(CASES):
            name, build = CASES[case]
            times = []
            for size in (SMALL, LARGE):
                path = Path(folder) / f"{case}-{size}"
                path.write_text(build(size, token))
                times.append(_time(path, name, args.timeout))
            small, large = times
            if small is None:
                ratio = "?"
            elif large is None:
                ratio = f"> {args.timeout / max(small, 1e-6):.0f}"
            else:
                ratio = f"{large / max(small, 1e-6):.1f}"
            print(f"{case:<16}{_shown(small, args.timeout):>12}"
                  f"{_shown(large, args.timeout):>12}{ratio:>9}", flush=True)
    return 0


if __name__ == "__main__":
    start = time.perf_counter()
    code = main()
    print(f"(total {time.perf_counter() - start:.0f} s)")
    sys.exit(code)
