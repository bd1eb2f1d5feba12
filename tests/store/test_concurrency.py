"""Several real processes against one vault and one token database: nothing is lost."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault

SRC = str(Path(__file__).parents[2] / "src")
PROCESSES = 8
VAULT_WRITES_PER_PROCESS = 40
TOKENS_PER_PROCESS = 25

VAULT_WRITER = """
import sys
from pathlib import Path
from tokenward.store.vault import Vault
vault = Vault(Path(sys.argv[1]), key_file=Path(sys.argv[2]), lock_timeout=120)
worker, count = int(sys.argv[3]), int(sys.argv[4])
for i in range(count):
    vault.set(f"W{worker}_{i}", f"value-{worker}-{i}")
    print(i, flush=True)
"""

ISSUER_WORKER = """
import sys
from pathlib import Path
from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault
vault = Vault(Path(sys.argv[1]), key_file=Path(sys.argv[2]), lock_timeout=120)
with Issuer.open(Path(sys.argv[3]), vault=vault) as issuer:
    for i in range(int(sys.argv[4])):
        pair = issuer.issue("alice", ["read"], with_refresh=True)
        again = issuer.refresh(pair.refresh.token)
        issuer.verify(again.access.token, ["read"])
"""

REFRESH_RACER = """
import sys
from pathlib import Path
from tokenward.store.errors import InvalidToken
from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault
vault = Vault(Path(sys.argv[1]), key_file=Path(sys.argv[2]), lock_timeout=120)
token = sys.stdin.read().strip()
with Issuer.open(Path(sys.argv[3]), vault=vault) as issuer:
    try:
        issuer.refresh(token)
        print("refreshed")
    except InvalidToken as error:
        print(error.reason)
"""


def _spawn(code: str, *args: object, stdin: int | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin)


def test_concurrent_vault_writers_lose_no_update(tmp_path: Path) -> None:
    vault_path, key = tmp_path / "vault.json", tmp_path / "vault.key"
    started = time.perf_counter()
    workers = [_spawn(VAULT_WRITER, vault_path, key, w, VAULT_WRITES_PER_PROCESS)
               for w in range(PROCESSES)]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr
    elapsed = time.perf_counter() - started
    vault = Vault(vault_path, key_file=key)
    expected = {f"W{w}_{i}" for w in range(PROCESSES) for i in range(VAULT_WRITES_PER_PROCESS)}
    assert set(vault.names()) == expected
    assert vault.get("W7_39") == "value-7-39"
    assert len(expected) == 320
    print(f"\n[figure] vault: {PROCESSES} processes x {VAULT_WRITES_PER_PROCESS} writes = "
          f"{len(expected)} entries, none lost, {elapsed:.2f} s")


def test_concurrent_issuers_lose_nothing(tmp_path: Path) -> None:
    vault_path, key, db = tmp_path / "vault.json", tmp_path / "vault.key", tmp_path / "t.db"
    vault = Vault(vault_path, key_file=key)
    with Issuer.open(db, vault=vault) as issuer:
        issuer.grant("alice", ["read"])
    started = time.perf_counter()
    workers = [_spawn(ISSUER_WORKER, vault_path, key, db, TOKENS_PER_PROCESS)
               for _ in range(PROCESSES)]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr
    elapsed = time.perf_counter() - started
    with Issuer.open(db, vault=vault) as issuer:
        records = issuer.list_tokens(include_inactive=True)
        events = [e.event for e in issuer.audit.read()]
    # Each iteration: issue (access + refresh), refresh (new access + refresh).
    assert len(records) == PROCESSES * TOKENS_PER_PROCESS * 4
    assert len({r.token_id for r in records}) == len(records)
    assert sum(r.used_at is not None for r in records) == PROCESSES * TOKENS_PER_PROCESS
    assert events.count("refresh") == PROCESSES * TOKENS_PER_PROCESS
    assert events.count("issue") == PROCESSES * TOKENS_PER_PROCESS * 3
    assert events.count("verify_failure") == 0
    operations = PROCESSES * TOKENS_PER_PROCESS * 3
    print(f"\n[figure] issuer: {PROCESSES} processes, {operations} operations "
          f"(issue, refresh, verify), {len(records)} records, none lost, {elapsed:.2f} s")


def test_racing_refreshes_let_exactly_one_win_and_revoke_the_family(tmp_path: Path) -> None:
    vault_path, key, db = tmp_path / "vault.json", tmp_path / "vault.key", tmp_path / "t.db"
    vault = Vault(vault_path, key_file=key)
    with Issuer.open(db, vault=vault) as issuer:
        issuer.grant("alice", ["read"])
        pair = issuer.issue("alice", ["read"], with_refresh=True)
    assert pair.refresh is not None
    racers = [_spawn(REFRESH_RACER, vault_path, key, db, stdin=subprocess.PIPE)
              for _ in range(PROCESSES)]
    outcomes = sorted(r.communicate(pair.refresh.token, timeout=120)[0].strip() for r in racers)
    assert outcomes == ["refreshed"] + ["reused"] * (PROCESSES - 1)
    with Issuer.open(db, vault=vault) as issuer:
        family = [r for r in issuer.list_tokens(include_inactive=True)
                  if r.family == pair.refresh.info.family]
        assert len(family) == 4
        assert all(r.revoked_at is not None for r in family)


def test_a_writer_killed_mid_write_leaves_a_readable_vault(tmp_path: Path) -> None:
    vault_path, key = tmp_path / "vault.json", tmp_path / "vault.key"
    Vault(vault_path, key_file=key).set("SEED", "seed-value")
    rng = random.Random(6)
    for round_number in range(6):
        writer = _spawn(VAULT_WRITER, vault_path, key, round_number, 10_000)
        assert writer.stdout is not None
        acknowledged = int(writer.stdout.readline())  # start the clock once it is writing
        deadline = time.monotonic() + rng.uniform(0.1, 0.5)
        while time.monotonic() < deadline:
            line = writer.stdout.readline()
            if line:
                acknowledged = int(line)
        writer.send_signal(signal.SIGKILL)
        remaining, _ = writer.communicate(timeout=30)
        for line in remaining.split():
            acknowledged = int(line)
        assert writer.returncode == -signal.SIGKILL
        vault = Vault(vault_path, key_file=key)
        names = set(vault.names())  # parses: the file is whole
        assert {f"W{round_number}_{i}" for i in range(acknowledged + 1)} <= names
        assert vault.get("SEED") == "seed-value"
        json.loads(vault_path.read_text())
    # The next write clears temporary files a killed writer may have left.
    Vault(vault_path, key_file=key).set("AFTER", "after-value")
    assert list(tmp_path.glob(".vault.json.*.tokenward")) == []


ISSUER_LOOP = """
import sys
from pathlib import Path
from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault
vault = Vault(Path(sys.argv[1]), key_file=Path(sys.argv[2]))
out = open(sys.argv[4], "a")
with Issuer.open(Path(sys.argv[3]), vault=vault) as issuer:
    while True:
        pair = issuer.issue("alice", ["read"], with_refresh=True)
        issuer.refresh(pair.refresh.token)
        # Acknowledge the id only once the writes have committed.
        out.write(pair.access.info.token_id + "\\n")
        out.flush()
"""


def _lines(path: Path) -> int:
    return len(path.read_text().split()) if path.exists() else 0


def test_an_issuer_killed_mid_write_leaves_a_consistent_database(tmp_path: Path) -> None:
    vault_path, key, db = tmp_path / "vault.json", tmp_path / "vault.key", tmp_path / "t.db"
    acks = tmp_path / "acks.txt"
    vault = Vault(vault_path, key_file=key)
    with Issuer.open(db, vault=vault) as issuer:
        issuer.grant("alice", ["read"])
    rng = random.Random(7)
    for _ in range(4):
        before = _lines(acks)
        worker = _spawn(ISSUER_LOOP, vault_path, key, db, acks)
        deadline = time.monotonic() + 60
        while _lines(acks) <= before and time.monotonic() < deadline:
            time.sleep(0.01)  # wait until this worker has committed at least once
        time.sleep(rng.uniform(0.05, 0.4))
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=30)
    acknowledged = acks.read_text().split()
    assert len(acknowledged) >= 4
    import sqlite3

    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Issuer.open(db, vault=vault) as issuer:
        known = {info.token_id for info in issuer.list_tokens(include_inactive=True)}
        assert set(acknowledged) <= known
        # Each committed issue+refresh is whole: every used refresh token has its successor.
        records = issuer.list_tokens(include_inactive=True)
        by_id = {r.token_id: r for r in records}
        for record in records:
            if record.used_at is not None:
                assert record.rotated_to in by_id
