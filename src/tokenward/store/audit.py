"""An append-only audit log in JSON lines: what happened to which token id, never the token."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tokenward.store.access import Kind
from tokenward.store.errors import TokenStoreError
from tokenward.store.fileio import ensure_private_dir, exclusive_lock, open_private

EVENTS = ("issue", "verify_failure", "refresh", "refresh_failure", "reuse_detected", "revoke",
          "rotate", "grant", "gc")


def audit_time(moment: datetime) -> str:
    """UTC to the microsecond, ending in ``Z``: the one timestamp form of the token commands
    (``expires 2026-01-01T00:00:00Z``); entries written with ``+00:00`` still read."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditEvent:
    """One line of the log. ``token_id`` is the public id; no field ever holds a token."""

    time: str
    event: str
    outcome: str
    token_id: str | None = None
    kind: str | None = None
    subject: str | None = None
    scopes: tuple[str, ...] = ()
    family: str | None = None
    reason: str | None = None
    successor: str | None = None

    def to_json(self) -> str:
        data = {key: value for key, value in asdict(self).items() if value not in (None, ())}
        data["scopes"] = list(self.scopes)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.time)


class AuditLog:
    """Appends are single writes under an inter-process lock, then fsync'd."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, event: AuditEvent) -> None:
        if event.event not in EVENTS:
            raise ValueError(f"unknown audit event {event.event!r}")
        line = (event.to_json() + "\n").encode("utf-8")
        ensure_private_dir(self.path.parent)
        with exclusive_lock(self.path):
            fd = open_private(self.path, os.O_WRONLY | os.O_APPEND, Kind.AUDIT_LOG)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def read(self) -> Iterator[AuditEvent]:
        """Every event in order. A damaged line is an error naming its line number."""
        try:
            handle = self.path.open("r", encoding="utf-8")
        except FileNotFoundError:
            return
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    data["scopes"] = tuple(data.get("scopes", ()))
                    yield AuditEvent(**data)
                except (json.JSONDecodeError, TypeError, AttributeError):
                    raise TokenStoreError(
                        f"audit log {self.path} line {number} is damaged") from None
