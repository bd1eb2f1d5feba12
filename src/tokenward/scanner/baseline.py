"""Baselines that git merges without conflicts.

A baseline lists known findings so that only new ones fail a commit or a pull request.
The file is JSON laid out for git's line-based merge:

    {"tokenward_baseline": 2, "entries": [
    {"fingerprint": "0c4f...", "rule_id": "TW101", "path": "app/settings.py", ...},
    {"fingerprint": "7a19...", "rule_id": "TW301", "path": "app/auth.py", ...},
    {"end": true}
    ]}

- One entry per line, each ending with a comma, sorted by fingerprint. Adding or dropping
  a finding adds or drops exactly one line and touches no other line, so two branches that
  add different entries change different places of the file.
- The first line, the ``{"end": true}`` sentinel and the last line never change. The
  sentinel is why every entry line can end with a comma: no entry is "the last one" whose
  comma would have to move (the classic JSON merge conflict).
- No line numbers, timestamps or counts (they would change on every run), and no secret:
  fingerprints hold no secret material. An entry for a secret also holds a
  ``value_check``, a few bits of a slow hash of the value salted by the fingerprint, so
  the entry stops covering the place when a different secret is put there; it matches a
  finding only when both agree (``scanner.fingerprint`` says why so few bits).
- Format 1 (before value checks) is still read: its entries match on the fingerprint
  alone, and since secret fingerprints changed with format 2, its entries for secrets
  match nothing. Reading one warns; ``baseline update`` (or ``create --force``) rewrites it.
- Two branches that add entries which sort into the *same* gap still touch adjacent lines,
  which git's default merge calls a conflict. ``.gitattributes`` therefore gets
  ``<baseline> merge=union`` (written by ``baseline create`` and ``init``): the union of
  both sides is still valid, since all entry lines are alike. Reading tolerates the
  unsorted or duplicated lines a union merge can leave; the next write sorts them.
"""

from __future__ import annotations

import enum
import json
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from tokenward.lazy import lazy_regex
from tokenward.model import Finding, ScanResult, Suppression
from tokenward.notices import TokenwardWarning
from tokenward.records import record
from tokenward.safefs import FileChanged, atomic_write

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
HEADER = '{{"tokenward_baseline": {version}, "entries": ['
SENTINEL = '{"end": true}'
FOOTER = "]}"
GITATTRIBUTES_LINE = "{name} merge=union"


class BaselineError(ValueError):
    """A baseline file that cannot be read or written; the message says which and why."""


class BaselineWarning(TokenwardWarning):
    """A baseline that is still used but should be rewritten."""


class Audit(enum.Enum):
    UNAUDITED = "unaudited"
    ACCEPTED = "accepted"  # a person looked and accepted it (with a reason)
    PROBLEM = "problem"  # a person looked: a true problem, still to fix


@record
class Entry:
    fingerprint: str
    rule_id: str
    path: str
    target: str | None = None
    audit: Audit = Audit.UNAUDITED
    reason: str = ""
    value_check: str | None = None

    @classmethod
    def from_finding(cls, finding: Finding) -> Entry:
        return cls(finding.fingerprint, finding.rule_id, finding.path, finding.target,
                   value_check=finding.value_check)

    def covers(self, finding: Finding) -> bool:
        """Same place, and (for a secret) the same value as far as the check can tell. An
        entry without a check (format 1, or a finding without a secret) matches on the
        fingerprint alone."""
        return finding.fingerprint == self.fingerprint and (
            self.value_check is None or self.value_check == finding.value_check)

    def to_line(self) -> str:
        data: dict[str, str] = {"fingerprint": self.fingerprint, "rule_id": self.rule_id,
                                "path": self.path}
        if self.target:
            data["target"] = self.target
        if self.value_check:
            data["value_check"] = self.value_check
        data["audit"] = self.audit.value
        data["reason"] = self.reason
        return json.dumps(data, ensure_ascii=False) + ","

    @property
    def suppression(self) -> Suppression:
        if self.audit is Audit.PROBLEM:
            why = "known problem, to fix"
        elif self.audit is Audit.ACCEPTED:
            why = "accepted"
        else:
            why = "not yet audited"
        return Suppression("baseline", f"baseline: {why}" + (f": {self.reason}"
                                                             if self.reason else ""))


def _entry(item: Mapping[str, object], where: str) -> Entry:
    try:
        fingerprint, rule_id, path = item["fingerprint"], item["rule_id"], item["path"]
        if not all(isinstance(v, str) and v for v in (fingerprint, rule_id, path)):
            raise TypeError
        target = item.get("target")
        check = item.get("value_check")
        if check is not None and not (isinstance(check, str) and _HEX.fullmatch(check)):
            raise ValueError
        return Entry(str(fingerprint), str(rule_id), str(path),
                     str(target) if isinstance(target, str) and target else None,
                     Audit(item.get("audit", "unaudited")), str(item.get("reason", "")),
                     check)
    except (KeyError, TypeError, ValueError):
        raise BaselineError(f"{where}: an entry needs fingerprint, rule_id and path strings, "
                            "audit one of unaudited, accepted, problem, and value_check (if "
                            "any) in hex") from None


_HEX = lazy_regex(r"[0-9a-f]{1,64}")


def _preferred(a: Entry, b: Entry) -> Entry:
    """Of two entries for one fingerprint (a union merge of two edits): keep the audited,
    then the one with a reason, then a fixed order, so every machine picks the same."""
    def rank(e: Entry) -> tuple[bool, bool, str]:
        return (e.audit is not Audit.UNAUDITED, bool(e.reason), e.to_line())
    return max(a, b, key=rank)


@record
class Baseline:
    entries: Mapping[str, Entry]
    # The format the file was read in; rewriting an older one by hand (audit) keeps it,
    # so the file does not claim value checks its entries do not have.
    format: int = FORMAT_VERSION

    @classmethod
    def empty(cls) -> Baseline:
        return cls({})

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], format: int = FORMAT_VERSION) -> Baseline:
        chosen: dict[str, Entry] = {}
        for entry in entries:
            current = chosen.get(entry.fingerprint)
            chosen[entry.fingerprint] = entry if current is None else _preferred(current, entry)
        return cls(chosen, format)

    @property
    def outdated(self) -> bool:
        return self.format < FORMAT_VERSION

    def covering(self, finding: Finding) -> Entry | None:
        """The entry that covers this finding, if any."""
        entry = self.entries.get(finding.fingerprint)
        return entry if entry is not None and entry.covers(finding) else None

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def sorted_entries(self) -> list[Entry]:
        return [self.entries[k] for k in sorted(self.entries)]

    def render(self) -> str:
        lines = [HEADER.format(version=self.format),
                 *(e.to_line() for e in self.sorted_entries()), SENTINEL, FOOTER]
        return "\n".join(lines) + "\n"

    def with_entry(self, entry: Entry) -> Baseline:
        return Baseline({**self.entries, entry.fingerprint: entry}, self.format)


def parse(text: str, where: str = "baseline") -> Baseline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg}); "
                            "if a merge left conflict markers, keep both sides' lines") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BaselineError(f"{where}: not a tokenward baseline (no \"entries\" list)")
    version = data.get("tokenward_baseline")
    if version not in READABLE_FORMATS or isinstance(version, bool):
        raise BaselineError(f"{where}: unsupported baseline format {version!r} "
                            f"(this tokenward reads formats "
                            f"{', '.join(map(str, READABLE_FORMATS))})")
    entries = []
    for item in data["entries"]:
        if isinstance(item, dict) and set(item) == {"end"}:
            continue
        if not isinstance(item, dict):
            raise BaselineError(f"{where}: every entry must be an object")
        entries.append(_entry(item, where))
    return Baseline.from_entries(entries, version)


def load(path: Path) -> Baseline:
    """The baseline in ``path``; an older format is read, with a warning saying what to do."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline (create one: tokenward baseline "
                            "create)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read: {exc}") from None
    baseline = parse(text, str(path))
    if baseline.outdated:
        warnings.warn(BaselineWarning(
            f"{path}: baseline format {baseline.format} is older than this tokenward's "
            f"({FORMAT_VERSION}): fingerprints no longer derive from secret values, so its "
            "entries for secrets cover nothing now; `tokenward baseline update` rewrites it "
            "(those findings come back as unaudited entries), `tokenward baseline create "
            "--force` recreates it"), stacklevel=2)
    return baseline


def save(baseline: Baseline, path: Path) -> None:
    """Write atomically: an interrupted write never leaves half a baseline."""
    try:
        atomic_write(path, baseline.render().encode("utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot write {path}: {exc.strerror or exc}") from None


def baselinable(findings: Iterable[Finding]) -> list[Finding]:
    """Findings a baseline records: not already suppressed by an inline comment."""
    return [f for f in findings if f.suppression is None or f.suppression.kind == "baseline"]


def create(findings: Iterable[Finding]) -> Baseline:
    return Baseline.from_entries(Entry.from_finding(f) for f in baselinable(findings))


def stale_entries(baseline: Baseline, findings: Iterable[Finding],
                  scanned_paths: Iterable[str], *, exists: bool = True) -> list[Entry]:
    """Entries whose finding is gone: their file was scanned (or no longer exists) and no
    finding there is covered by them (gone, or a different secret in its place). Entries of
    files outside this scan are not judged."""
    found = {f.fingerprint for f in findings if baseline.covering(f) is not None}
    scanned = set(scanned_paths)
    return [e for e in baseline.sorted_entries() if e.fingerprint not in found
            and (e.path in scanned or (exists and not Path(e.path).exists()))]


@record
class Update:
    baseline: Baseline
    added: tuple[Entry, ...]
    dropped: tuple[Entry, ...]


def update(baseline: Baseline, findings: Sequence[Finding],
           scanned_paths: Iterable[str]) -> Update:
    """Add new findings, drop stale entries, leave every other entry exactly as it was."""
    stale = {e.fingerprint for e in stale_entries(baseline, findings, scanned_paths)}
    # A different secret where an entry's was: that entry goes, the new finding comes in.
    stale |= {f.fingerprint for f in findings
              if f.fingerprint in baseline.entries and baseline.covering(f) is None}
    kept = {k: v for k, v in baseline.entries.items() if k not in stale}
    added = [Entry.from_finding(f) for f in baselinable(findings) if f.fingerprint not in kept]
    new = Baseline.from_entries([*kept.values(), *added])  # in the current format
    return Update(new, tuple(sorted(set(added), key=lambda e: e.fingerprint)),
                  tuple(baseline.entries[k] for k in sorted(stale)))


def apply(result: ScanResult, baseline: Baseline) -> ScanResult:
    """Mark findings the baseline knows as suppressed (kept and counted, not dropped)."""
    def marked(finding: Finding) -> Finding:
        entry = baseline.covering(finding) if finding.suppression is None else None
        return finding if entry is None else replace(finding, suppression=entry.suppression)

    return replace(result, findings=tuple(marked(f) for f in result.findings))


def ensure_gitattributes(folder: Path, baseline_name: str) -> bool:
    """Add ``<baseline> merge=union`` to ``folder/.gitattributes``; True when it changed."""
    path = folder / ".gitattributes"
    line = GITATTRIBUTES_LINE.format(name=baseline_name.replace(" ", "[[:space:]]"))
    try:
        current = path.read_bytes().decode("utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read {path}: {exc}") from None
    if any(existing.split() == line.split() for existing in current.splitlines()):
        return False
    separator = "" if not current or current.endswith("\n") else "\n"
    comment = "# tokenward: baseline entries are independent lines; keep both sides on merge\n"
    try:
        atomic_write(path, f"{current}{separator}{comment}{line}\n".encode(),
                     expected=current.encode())
    except FileChanged:
        raise BaselineError(f"{path} changed while tokenward was editing it; run again") from None
    except OSError as exc:
        raise BaselineError(f"cannot write {path}: {exc.strerror or exc}") from None
    return True


def audit_verdict(baseline: Baseline, fingerprint: str, audit: Audit,
                  reason: str = "") -> Baseline:
    entry = baseline.entries[fingerprint]
    return baseline.with_entry(replace(entry, audit=audit, reason=reason.strip()))


def unaudited(baseline: Baseline) -> list[Entry]:
    """Entries still to audit, in the order a person reads them: by file, then rule."""
    todo = [e for e in baseline.entries.values() if e.audit is Audit.UNAUDITED]
    return sorted(todo, key=lambda e: (e.path, e.rule_id, e.fingerprint))
