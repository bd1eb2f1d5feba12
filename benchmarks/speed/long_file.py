"""Is the per-file work linear? Scan a generated 2,000-line module and a 20,000-line one.

    python benchmarks/speed/long_file.py [--lines 2000] [--factor 10] [--rounds 3]

Both modules repeat the same block (classes with ``self`` attributes and sessions, helpers,
tokens, JWT payloads, Redis writes, module constants used everywhere, names reused in every
function), so every Python rule runs and every question of the per-file analysis is asked
many times. A second pair repeats a block the ``ast`` screens must follow to the end and turn
away (timings read back under one name everywhere, random values in log f-strings and
dicts, the names of settings, a login without arguments): nothing is found, and the
screens' walks must stay linear too (TW601's lets a file through past its budget).
Prints the CPU time of each scan (the best of ``--rounds``; CPU rather than wall time
because benchmarks share the machine) and their ratio: about ``--factor`` is linear, its
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


SCREENED_BLOCK = '''

CONF_SECRET_{i} = "secret"
started = time.monotonic()


def poll{i}(client, log):
    client.login()
    jitter = random.uniform(0.5, 1.5)
    log.debug(f"poll {i} after {{time.monotonic() - started}} s, jitter {{random.random()}}")
    stats = {{"elapsed": time.monotonic() - started, "jitter": jitter}}
    return stats, started
'''


SCREENED_HEADER = "import random\nimport time\n"


def module(lines: int, block: str = BLOCK, header: str = HEADER) -> str:
    """A module of about ``lines`` lines: the header, then the block repeated."""
    block_lines = block.count("\n")
    count = max(1, (lines - header.count("\n")) // block_lines)
    return header + "".join(block.format(i=i) for i in range(count))


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
    for name, block, header in (("every rule", BLOCK, HEADER),
                                ("screened away", SCREENED_BLOCK, SCREENED_HEADER)):
        print(f"{name}:")
        times = []
        for lines in (args.lines, args.lines * args.factor):
            text = module(lines, block, header)
            seconds, findings = cpu_seconds(text, args.rounds)
            times.append(seconds)
            print(f"  {text.count(chr(10)):6} lines  {findings:5} findings  "
                  f"{seconds:7.2f} s CPU")
        print(f"  ratio {times[1] / times[0]:.1f} for {args.factor}x the lines (linear: "
              f"~{args.factor}, quadratic: ~{args.factor ** 2})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
