"""The data that flows through tokenward: spans, findings, severities, categories.

Pure data, no I/O. Everything here is frozen so it can cross process boundaries and be
used as dictionary keys.
"""

from __future__ import annotations

import enum
from dataclasses import field

from tokenward.records import record


class Severity(enum.Enum):
    """How bad a finding is. Ordered: ``Severity.LOW < Severity.CRITICAL``."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_SEVERITY_ORDER = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)


class ExitCode(enum.IntEnum):
    """Every command's exit code: never OK after an internal error."""

    OK = 0  # nothing at or above the failing severity (or: what was asked for is fine)
    FINDINGS = 1  # findings (or: what was asked about is missing, inactive or due)
    ERROR = 2  # usage, settings or internal error


class Category(enum.Enum):
    """What kind of token mistake a rule finds. The values are the strings in every output."""

    HARDCODED_SECRET = "hardcoded-secret"
    WEAK_GENERATION = "weak-generation"
    MISSING_EXPIRY = "missing-expiry"
    BROAD_SCOPE = "broad-scope"
    INSECURE_TRANSPORT = "insecure-transport"
    TOKEN_EXPOSURE = "token-exposure"


class Context(enum.Enum):
    """Where a line lives (judged in :mod:`tokenward.analysis.context`). Defined here, with
    the other values every output carries, so settings can name contexts too."""

    PRODUCTION = "production"
    TEST = "test"
    DOCS = "docs"
    EXAMPLE = "example"
    FIXTURE = "fixture"
    I18N = "i18n"
    GENERATED = "generated"
    VENDORED = "vendored"
    MINIFIED = "minified"


@record(order=True)
class Span:
    """A region of a file. Lines and columns are 1-based; the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@record
class Hit:
    """What a rule's ``detect`` yields: where, and (never shown) what.

    ``secret`` is the offending value when there is one. It is used only to build the
    fingerprint and the redacted snippet, and never leaves the engine in clear.
    ``target`` names what the value is bound to (``GITHUB_TOKEN``, ``password=``): it goes
    into messages and gives the fix engine a name for the moved secret.
    ``detail`` completes the rule's one-line message (for example the provider's name).
    ``code`` is the normalised offending code, used for the fingerprint when there is no
    secret value (lifecycle rules).
    ``secret_spans`` are the exact source ranges that spell ``secret`` (every piece of an
    implicit concatenation; the value's range in a config file): what redaction masks,
    since the source may spell the value differently (escapes). Empty when the rule
    cannot tell; the engine then looks for the value's spellings on the hit's lines.
    """

    span: Span
    secret: str | None = None
    target: str | None = None
    detail: str | None = None
    code: str | None = None
    # False when this particular hit cannot be fixed automatically even though the rule
    # has a fix (an f-string too complex to rewrite, a value in a config file ...).
    fixable: bool = True
    secret_spans: tuple[Span, ...] = ()
    # True when the value proves itself real whatever the file (a provider token whose
    # checksum or structure validates, a live-mode key, a private key with a body): what
    # the context policy still reports in tests, docs, examples and fixtures.
    proven: bool = False


# The Suppression kind of a finding the context policy hides.
CONTEXT_POLICY = "context"


@record
class Suppression:
    """Why a finding does not count: an inline comment or a baseline entry."""

    kind: str  # "inline" | "baseline" | "context" (the context policy: see Config.proven_only)
    reason: str = ""


@record
class Provenance:
    """Where a finding of a history scan (``scan --history``) came from: the first commit,
    in topological order, whose diff added it, with the path and line at that commit."""

    commit: str
    author_date: str  # ISO 8601, as git prints it (%aI)
    # Still in the tree HEAD names; False: only in history (removed from the code since).
    present_at_head: bool
    # The provider catalogue's revocation hint for this kind of secret, when it is known.
    rotation: str | None = None
    # The blob the commit added it in (local: what `history-purge-file` reads the secret
    # from; not published, since the id of content holding a secret confirms a guess).
    blob: str | None = None


@record
class Finding:
    """One reported problem. Contains no secret in clear: ``snippet`` is redacted."""

    rule_id: str
    rule: str
    category: Category
    severity: Severity
    path: str
    span: Span
    message: str
    snippet: str
    fingerprint: str
    fixable: bool = False
    suppression: Suppression | None = None
    # A keyed hash of the secret value under this user's local key, so the fix engine and
    # lessons can find the value again in the file without carrying it. Local only: it is
    # never published (JSON, SARIF, baselines); the private result cache keeps it.
    secret_hash: str | None = None
    target: str | None = None
    # A few bits of a slow hash of the secret salted by the fingerprint, so a baseline
    # entry stops covering the place when a different secret is put there.
    value_check: str | None = None
    # Where the secret is spelled in the file (positions only, never the value): so that
    # `fix`, `train` and `merge` working from a report can redact the file's lines too.
    secret_spans: tuple[Span, ...] = ()
    history: Provenance | None = None
    # The file's context (not part of the fingerprint: moving a file into tests/ must not
    # make a baselined finding new).
    context: Context = Context.PRODUCTION
    # The secret is a provider token whose checksum or structure holds (a real token, not
    # a made-up one): always reported critical.
    validated: bool = False

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.rule_id)


@record
class ScanError:
    """A file that could not be read, decoded or parsed. The run goes on without stopping."""

    path: str
    message: str
    # True when tokenward itself failed (a bug), not the file: the run must not exit 0.
    internal: bool = False
    # True when the file was not fully analysed (unreadable, over the size cap, binary
    # content in a text file, too deeply nested to parse): the gate fails on it
    # (--fail-on-unscanned) instead of passing a file it did not see.
    unscanned: bool = False


@record
class SkippedFile:
    """A file deliberately not scanned (binary, too large), counted in the summary."""

    path: str
    reason: str  # "binary" | "too-large"


@record
class HistoryScope:
    """What a history scan covered: SARIF's ``versionControlProvenance`` and the summary."""

    revisions: tuple[str, ...]  # as given (git log syntax); () is every ref
    head: str | None  # the commit HEAD named ("present at HEAD" is about its tree)
    repository: str | None  # the remote's URL without credentials, when there is one
    commits: int
    blobs: int  # distinct blobs whose findings were looked at (each read at most once)
    shallow: bool  # a shallow clone: commits before its boundary were not there to scan


@record
class ScanResult:
    """The engine's whole answer: a pure function of (files, config)."""

    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    files_scanned: int = 0
    stats: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    history: HistoryScope | None = None

    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings that count: not suppressed inline or by a baseline."""
        return tuple(f for f in self.findings if not f.suppressed)

    @property
    def suppressed(self) -> tuple[Finding, ...]:
        """Suppressed inline or by a baseline (not the ones the context policy hides)."""
        return tuple(f for f in self.findings
                     if f.suppression is not None and f.suppression.kind != CONTEXT_POLICY)

    @property
    def hidden(self) -> tuple[Finding, ...]:
        """Hidden by the context policy (``--all-contexts`` reports them)."""
        return tuple(f for f in self.findings
                     if f.suppression is not None and f.suppression.kind == CONTEXT_POLICY)

    @property
    def unscanned(self) -> tuple[str, ...]:
        """Paths of the files that were not fully analysed (a crash counts), sorted."""
        return tuple(sorted({e.path for e in self.errors if e.unscanned or e.internal}))


def finding_to_dict(finding: Finding, *, local: bool = False) -> dict[str, object]:
    """The JSON shape of a finding. ``local`` adds what only this user's private result
    cache may keep: ``secret_hash`` and ``value_check``."""
    span = finding.span
    data: dict[str, object] = {
        "rule_id": finding.rule_id,
        "rule": finding.rule,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": span.line,
        "end_line": span.end_line,
        "column": span.column,
        "end_column": span.end_column,
        "message": finding.message,
        "snippet": finding.snippet,
        "fingerprint": finding.fingerprint,
        "fixable": finding.fixable,
        "suppressed": finding.suppressed,
        "context": finding.context.value,
        "validated": finding.validated,
    }
    if finding.suppression is not None:
        data["suppression"] = {"kind": finding.suppression.kind,
                               "reason": finding.suppression.reason}
    if finding.target is not None:
        data["target"] = finding.target
    if local:
        data["secret_hash"] = finding.secret_hash
        data["value_check"] = finding.value_check
    if finding.secret_spans:
        data["secret_spans"] = spans_to_list(finding.secret_spans)
    if finding.history is not None:
        data["commit"] = finding.history.commit
        data["author_date"] = finding.history.author_date
        data["present_at_head"] = finding.history.present_at_head
    return data


def spans_to_list(spans: tuple[Span, ...]) -> list[list[int]]:
    """``[[line, column, end_line, end_column], ...]``: spans in JSON (and SARIF)."""
    return [[s.line, s.column, s.end_line, s.end_column] for s in spans]


def spans_from_list(data: object) -> tuple[Span, ...]:
    """Inverse of :func:`spans_to_list`. Raises TypeError on anything else."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise TypeError("secret_spans must be a list")
    spans = []
    for item in data:
        if not (isinstance(item, list) and len(item) == 4
                and all(isinstance(n, int) and not isinstance(n, bool) for n in item)):
            raise TypeError("secret_spans must hold [line, column, end_line, end_column]")
        spans.append(Span(*item))
    return tuple(spans)


def finding_from_dict(data: dict[str, object], *, local: bool = False) -> Finding:
    """Inverse of :func:`finding_to_dict`. Raises KeyError/ValueError/TypeError on bad data.

    A report is not trusted with local fields: without ``local`` they are ignored."""
    sup = data.get("suppression")
    suppression = None
    if isinstance(sup, dict):
        suppression = Suppression(str(sup.get("kind", "inline")), str(sup.get("reason", "")))

    def num(key: str) -> int:
        value = data[key]
        if not isinstance(value, int):
            raise TypeError(f"{key} must be a number")
        return value
    return Finding(
        rule_id=str(data["rule_id"]),
        rule=str(data["rule"]),
        category=Category(data["category"]),
        severity=Severity(data["severity"]),
        path=str(data["path"]),
        span=Span(num("line"), num("column"), num("end_line"), num("end_column")),
        message=str(data["message"]),
        snippet=str(data["snippet"]),
        fingerprint=str(data["fingerprint"]),
        fixable=bool(data.get("fixable", False)),
        suppression=suppression,
        secret_hash=str(data["secret_hash"]) if local and data.get("secret_hash") else None,
        target=str(data["target"]) if data.get("target") else None,
        value_check=str(data["value_check"]) if local and data.get("value_check") else None,
        secret_spans=spans_from_list(data.get("secret_spans")),
        history=_provenance(data),
        context=Context(data.get("context", Context.PRODUCTION.value)),
        validated=data.get("validated") is True,
    )


def _provenance(data: dict[str, object]) -> Provenance | None:
    if "commit" not in data:
        return None
    return Provenance(str(data["commit"]), str(data.get("author_date", "")),
                      data.get("present_at_head") is True)
