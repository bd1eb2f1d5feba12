"""Verification timing: an unknown token id must cost what a known id with a wrong secret costs.

An attacker who can time ``Issuer.verify`` must not learn which public ids exist (ids are
not secret, but a timing oracle would let them enumerate live tokens and aim at them).
This issues a set of real tokens, then times ``verify`` on

- tokens with a known id and a wrong secret (valid checksum, so they get past parsing), and
- tokens with an unknown id (equally well-formed),

interleaved round-robin so that drift (CPU frequency, caches) hits both alike, and prints
the median of each with their ratio. The audit log is replaced by one that keeps nothing:
its append (a locked write and an fsync, ~ms) is identical in both cases and would drown
the microseconds this measures. A timed unit test would be flaky; this is a benchmark.

    PYTHONPATH=src python3 benchmarks/verify_timing.py [--runs 20000] [--tokens 200]
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tokenward.store.audit import AuditEvent, AuditLog
from tokenward.store.errors import InvalidToken
from tokenward.store.token_format import format_token, generate_token, new_secret, parse_token
from tokenward.store.tokens import Issuer


class DiscardingAuditLog(AuditLog):
    """Same interface, no I/O: the benchmark measures the issuer, not the disk."""

    def append(self, event: AuditEvent) -> None:
        return None


def _wrong_secret(token: str) -> str:
    parsed = parse_token(token)
    assert parsed is not None
    return format_token(parsed.kind, parsed.token_id, new_secret())


def _time_once(verify: Callable[[str], object], token: str) -> float:
    start = time.perf_counter_ns()
    with contextlib.suppress(InvalidToken):
        verify(token)
    return (time.perf_counter_ns() - start) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20000, help="verifications per case")
    parser.add_argument("--tokens", type=int, default=200, help="tokens in the database")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "tokens.sqlite3"
        audit = DiscardingAuditLog(Path(directory) / "audit.jsonl")
        with Issuer(db, secrets.token_bytes(32), audit=audit) as issuer:
            issuer.grant("bench", ["read"])
            known = [_wrong_secret(issuer.issue("bench", ["read"]).access.token)
                     for _ in range(args.tokens)]
            unknown = [generate_token("at") for _ in range(args.tokens)]
            for token in known + unknown:  # warm-up: page cache, statement cache
                _time_once(issuer.verify, token)
            cases: dict[str, list[float]] = {"known id, wrong secret": [], "unknown id": []}
            for run in range(args.runs):
                cases["known id, wrong secret"].append(
                    _time_once(issuer.verify, known[run % len(known)]))
                cases["unknown id"].append(_time_once(issuer.verify, unknown[run % len(unknown)]))
    medians = {name: statistics.median(times) for name, times in cases.items()}
    for name, median in medians.items():
        print(f"{name:<24} median {median:7.2f} µs over {args.runs} runs")
    ratio = medians["known id, wrong secret"] / medians["unknown id"]
    print(f"ratio known/unknown: {ratio:.3f} (1.0 means the id's existence does not show)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
