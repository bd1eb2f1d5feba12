"""Is the per-file work linear? Scan a generated 2,000-line module and a 20,000-line one.

    python benchmarks/speed/long_file.py [--lines 2000] [--factor 10] [--rounds 3]

Both modules repeat the same block (classes with ``self`` attributes and sessions, helpers,
tokens, JWT payloads, Redis writes, module constants used everywhere, names reused in every
function), so every Python rule runs and every question of the per-file analysis is asked
many times. Prints the CPU time of each scan (the best of ``--rounds``; CPU rather than wall
time because benchmarks share the machine) and their ratio: about ``--factor`` is linear, its
square would be quadratic. Nothing is written; only this checkout's ``src/`` is imported.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from tokenward.config import Config  # noqa: E402
from tokenward.rules import RULES  # noqa: E402
from tokenward.scanner.engine import FileTask, scan_file  # noqa: E402

HEADER = '''import random
import time
from datetime import timedelta

import jwt
import redis
import requests
from django.core.cache import cache

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
TOKEN_LENGTH = 8
DAYS = 400
LIFETIME = 60 * 60 * 24
log = logging.getLogger(__name__)
'''

BLOCK = '''

class Client{i}:
    base_url = "http://api{i}.example.com"

    def __init__(self, key):
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + key
        self.timeout = 30

    def fetch(self, path):
        url = self.base_url + path
        response = self.session.get(url, timeout=self.timeout)
        log.info("fetched %s", url)
        return response.json()


def make_token{i}(user):
    token = "".join(random.choice(ALPHABET) for _ in range(TOKEN_LENGTH))
    payload = {{"sub": user.id, "token": token}}
    payload["iat"] = time.time()
    return jwt.encode(payload, SECRET, algorithm="HS256")


def store{i}(r, token):
    r.set(f"reset:{{token}}", 1)
    cache.set("k", token, timeout=LIFETIME * 2)


SESSION_LIFETIME_{i} = timedelta(days=DAYS)
'''


def module(lines: int) -> str:
    """A module of about ``lines`` lines: the header, then the block repeated."""
    block_lines = BLOCK.count("\n")
    count = max(1, (lines - HEADER.count("\n")) // block_lines)
    return HEADER + "".join(BLOCK.format(i=i) for i in range(count))


def cpu_seconds(text: str, rounds: int) -> tuple[float, int]:
    """The best CPU time of scanning ``text`` as one file, and its number of findings."""
    best = float("inf")
    findings = 0
    config = Config()
    for _ in range(rounds):
        start = time.process_time()
        result = scan_file(FileTask("generated.py", text.encode("utf-8")), config, RULES)
        best = min(best, time.process_time() - start)
        findings = len(result.findings)
    return best, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cpu_seconds(module(200), 1)  # imports and first-use costs out of the figures
    times = []
    for lines in (args.lines, args.lines * args.factor):
        text = module(lines)
        seconds, findings = cpu_seconds(text, args.rounds)
        times.append(seconds)
        print(f"{text.count(chr(10)):6} lines  {findings:5} findings  {seconds:7.2f} s CPU")
    ratio = times[1] / times[0]
    print(f"ratio {ratio:.1f} for {args.factor}x the lines (linear: ~{args.factor}, "
          f"quadratic: ~{args.factor ** 2})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
