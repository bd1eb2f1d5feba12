"""TW102 hardcoded-secret-config: a secret under a secret-like key in a configuration file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.assignments import CODE_KINDS, assignments, is_comment
from tokenward.analysis.providers import documented_public, fails_validation, provider_of
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.values import (
    connection_string_secrets,
    credential_verdict,
    guessable_key,
    inline_secrets,
    not_flagged_doc,
    strip_auth_scheme,
    url_credentials,
    why_not_secret,
)
from tokenward.analysis.vocabulary import SECRET_KEYWORDS, secret_kind
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules import examples
from tokenward.rules.base import PAIRED, Rule, RuleDocs

if TYPE_CHECKING:
    from tokenward.analysis import config_pairs, config_text
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import lazy_module

    config_pairs = lazy_module("tokenward.analysis.config_pairs")
    config_text = lazy_module("tokenward.analysis.config_text")

# An Authorization header written out on one line (curl -H, YAML/INI header blocks).
# curl -u user:password, wget --password=...
_CLI_PASSWORD = lazy_regex(
    r"(?:^|\s)(?:-u|--user)\s+[\"']?[^\s:'\"$]+:(?P<pw>[^\s'\"@$]+)|"
    r"(?:^|\s)--(?:password|passwd|http-password|ftp-password)[= ][\"']?(?P<pw2>[^\s'\"$]+)"
)
_AUTH_HEADER = lazy_regex(
    r"Authorization[\"']?\s*[:=]\s*[\"']?(?:Bearer|Token|token|bearer)\s+"
    r"(?P<token>[A-Za-z0-9._~+/=\-]{8,})"
)


_NETRC_PASSWORD = lazy_regex(r"(?:^|\s)password\s+(?P<pw>\S+)")


def _netrc_hits(source: Source) -> Iterator[Hit]:
    """``machine host login user password SECRET`` (curl, git, pip read these)."""
    for number, line in enumerate(source.lines, 1):
        for match in _NETRC_PASSWORD.finditer(line):
            password = match.group("pw")
            if why_not_secret(password, "password") is None:
                yield _raw_hit(Span(number, match.start("pw") + 1, number, match.end("pw") + 1),
                               password, "password", "password in .netrc")


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is FileKind.NETRC:
        yield from _netrc_hits(source)
        return
    yield from text_hits(source, weak=False)


def text_hits(source: Source, *, weak: bool) -> Iterator[Hit]:
    """The secrets of a configuration file: with ``weak``, only the signing and encryption
    keys that can be guessed (TW104's); else every other one (TW102's). One search per
    file, two verdicts."""
    return iter(source.fact(_text_search)[weak])


def _text_search(source: Source) -> dict[bool, tuple[Hit, ...]]:
    found: dict[bool, list[Hit]] = {False: [], True: []}
    for hit, weak in text_verdicts(source, source.kind):
        found[weak].append(hit)
    return {weak: tuple(hits) for weak, hits in found.items()}


def text_verdicts(source: Source, kind: FileKind) -> Iterator[tuple[Hit, bool]]:
    """Secrets in the key/value pairs of ``source`` read as ``kind``, and in URLs, command
    lines and Authorization headers on its lines, each with whether it is a key that can
    be guessed (TW104's). Also TW101's text path: Python that does not parse (``kind``
    "python": ``NAME = "literal"`` and ``"key": "literal"``) and other languages' sources
    (their assignments, :mod:`tokenward.analysis.assignments`)."""
    seen = _Seen()
    code = kind in CODE_KINDS
    for pair in assignments(source.text, kind) if code else config_pairs.pairs(source.text, kind):
        for hit, weak in _pair_hits(pair, source):
            if not weak:  # a guessable key left to TW104 does not hide a line's other hits
                seen.first(hit.span.line, hit.secret or "")
            yield hit, weak
    # URLs with credentials and Authorization headers anywhere else (command lines, YAML
    # flow mappings, values the pair reader does not see). A long line (minified) is read
    # in bounded windows, so no regex ever runs over a whole megabyte line.
    # In code, comments are documentation (as Python's are to TW101), and a line's bare
    # `name=value` binds an expression, not a literal: only URLs and headers are read.
    # In XML the pair reader sees every element and attribute (and skips comments).
    for number, line in enumerate(source.lines, 1):
        if code and is_comment(line, kind):
            continue
        bare = code or kind is FileKind.XML or line.lstrip().startswith("#")
        for offset, text in config_text.windows(line):
            cut = offset + len(text) < len(line)
            yield from ((hit, False)
                        for hit in _line_hits(number, offset, text, kind, bare, seen, cut))


class _Seen:
    """What was reported, by (line, secret) and by line: each secret once per line."""

    def __init__(self) -> None:
        self.secrets: set[tuple[int, str]] = set()
        self.lines: set[int] = set()

    def first(self, number: int, secret: str) -> bool:
        """Record ``secret`` on line ``number``; False when it was already reported."""
        if (number, secret) in self.secrets:
            return False
        self.secrets.add((number, secret))
        self.lines.add(number)
        return True


def _line_hits(number: int, offset: int, line: str, kind: FileKind, bare: bool,
               seen: _Seen, cut: bool) -> Iterator[Hit]:
    """Hits in ``line``: a window at column ``offset`` of line ``number``. When the window
    ``cut`` the line, a value reaching its end may be cut too: it is left to the next
    window, which overlaps this one and holds it whole. A ``bare`` line (a comment, a
    line of code) is not read for unquoted ``name=value`` pairs."""
    def span(start: int, end: int) -> Span:
        return Span(number, offset + start + 1, number, offset + end + 1)

    def first(end: int, secret: str) -> bool:
        return (not cut or end < len(line)) and seen.first(number, secret)

    if "://" in line:
        for cred in url_credentials(line):
            if first(cred.end, cred.password):
                yield _raw_hit(span(cred.start, cred.end), cred.password,
                               f"{cred.scheme} URL", "password in a URL")
    if kind is FileKind.SHELL and ("-u" in line or "--" in line):
        for match in _CLI_PASSWORD.finditer(line):
            group = "pw" if match.group("pw") else "pw2"
            password = match.group(group)
            if why_not_secret(password, "password") is None and first(match.end(group),
                                                                      password):
                yield _raw_hit(span(match.start(group), match.end(group)), password,
                               "password", "password")
    # An Authorization header before the generic inline forms: it names the header,
    # where they would name only the scheme ("configuration key bearer").
    if "uthorization" in line:
        for match in _AUTH_HEADER.finditer(line):
            token = match.group("token")
            if why_not_secret(token, "bearer") is None and first(match.end("token"), token):
                yield _raw_hit(span(match.start("token"), match.end("token")), token,
                               "Authorization", "bearer token")
    # Command lines and URLs the pair reader does not see.
    if not bare and number not in seen.lines:
        for inline in inline_secrets(line):
            if first(inline.end, inline.secret):
                yield _raw_hit(span(inline.start, inline.end), inline.secret, inline.name,
                               f"{inline.name} on a command line or in a URL")


def _raw_hit(span: Span, secret: str, target: str, detail: str) -> Hit:
    """A value matched in the raw text: its span is exactly where it is spelled."""
    return Hit(span, secret=secret, target=target, detail=detail, fixable=False,
               secret_spans=(span,))


def _spelled(pair: config_pairs.Pair, source: Source, start: int, end: int) -> tuple[Span, ...]:
    """Where ``pair.value[start:end]`` is written: exactly, when the file spells the value
    as is; else the whole value (escapes and continuations spell it differently)."""
    raw = source.line(pair.line)[pair.column - 1 : pair.end_column - 1]
    if pair.continued_to is None and raw == pair.value:
        return (Span(pair.line, pair.column + start, pair.line, pair.column + end),)
    return (pair.value_span,)


def _pair_hits(pair: config_pairs.Pair, source: Source) -> Iterator[tuple[Hit, bool]]:
    creds = list(url_credentials(pair.value))
    for cred in creds:
        column = pair.column + cred.start
        yield Hit(Span(pair.line, column, pair.line, column + len(cred.password)),
                  secret=cred.password, target=pair.key, detail="password in a URL",
                  fixable=False, secret_spans=_spelled(pair, source, cred.start, cred.end)), False
    if creds:
        return
    found = False
    for secret, start, end in connection_string_secrets(pair.value):
        found = True
        column = pair.column + start
        yield Hit(Span(pair.line, column, pair.line, pair.column + end), secret=secret,
                  target=pair.key, detail="password in a connection string", fixable=False,
                  secret_spans=_spelled(pair, source, start, end)), False
    kind = secret_kind(pair.key)
    if found or kind is None or kind == "connection string":
        return
    value = strip_auth_scheme(pair.value)
    if fails_validation(value):
        return
    # A key that can be guessed is TW104's finding alone: one finding per value.
    guessable = guessable_key(value, pair.key)
    if guessable is None and credential_verdict(value, pair.key) is not None:
        return
    if documented_public(value, source.lines, pair.line):
        return
    offset = len(pair.value) - len(value)
    provider = provider_of(value)
    detail = guessable or (provider.label if provider else kind)
    yield Hit(Span(pair.line, pair.column + offset, pair.line, pair.end_column),
              secret=value, target=pair.key, detail=detail,
              fixable=False, secret_spans=_spelled(pair, source, offset, len(pair.value))), \
        guessable is not None


_BAD, _GOOD = examples.load("hardcoded_secret_config")

RULE = Rule(
    id="TW102",
    name="hardcoded-secret-config",
    title="Hard-coded secret in a configuration file",
    category=Category.HARDCODED_SECRET,
    severity=Severity.HIGH,
    cwe=(798,),
    message="Hard-coded {detail} in configuration key {target}",
    hint="Keep the value out of the file: reference an environment variable (${NAME}) or a "
         "secret store, and add real .env files to .gitignore.",
    kinds=PAIRED | {FileKind.NETRC},
    keywords=(*SECRET_KEYWORDS, "://"),  # a secret-like key, or a URL with a password
    detect=_detect,
    docs=RuleDocs(
        what=(
            "A literal value under a secret-like key in `.env`, YAML, JSON, INI/cfg, TOML, "
            "shell scripts (`export API_TOKEN=...`), Dockerfiles (`ENV`/`ARG`), XML (an "
            "element's text under its tag, `<password>...</password>` in a Maven "
            "`settings.xml`; an attribute, `<user password=\"...\"/>` in Tomcat's users; "
            "a `key`/`name` attribute bound to its `value`, `<add key=\"ApiKey\" "
            "value=\"...\"/>` in a .NET `app.config`; a `<value>` after a `<name>` element, "
            "Hadoop's `<property>`; comments skipped) and plain text "
            "files named for the credentials they hold (`client_cred.txt`, "
            "`passwords.txt`: their `name: value` lines, in the production context), a password "
            "inside a URL or connection string (`postgres://app:PASSWORD@db/app`), and a "
            "bearer token written into an `Authorization` header. Keys are judged as in "
            "TW101: `DB_PASSWORD`, `stripe.secret_key` and `GITHUB_TOKEN` hold secrets, "
            "`token_url`, `secret_name` and `public_key` do not. Files are read line by "
            "line, respecting quotes and comments; `${VAR}` references are not literals."
        ),
        why=(
            "Configuration files are copied into images, shared in tickets and committed by "
            "accident; a secret in one is a secret in every copy and in the git history. "
            "Dockerfile `ENV`/`ARG` values also stay in the image's layers and metadata."
        ),
        how=(
            "Reference the value instead of writing it: `${DB_PASSWORD}` in compose and CI "
            "files, a secret mount or BuildKit `--secret` in Dockerfiles, an untracked `.env` "
            "(listed in `.gitignore`) for local development with a committed `.env.example` "
            "holding placeholders. Rotate any value that was committed."
        ),
        not_flagged=not_flagged_doc(
            "Keys that describe a secret without holding one (`token_url`, `secret_name`, "
            "`password_min_length`, `public_key`, `key_id`).",
            "PEM blocks in YAML block scalars (`key: |`): TW103 reports private keys with "
            "their body. Other block scalars are one value, their lines joined.",
            "A word list named for passwords (`leaked_passwords.txt`, its first line no "
            "`name: value`): one value a line, none of them bound to a name.",
            "Lines indented below an empty INI value (`per-file-ignores =` and its "
            "`path.py:E501` entries): one multi-line value, as configparser reads it.",
            "By the context policy (see below): a document of scripted HTTP requests "
            "(a `method` and a `url`) whose every host is local (a traffic script, a "
            "Postman collection against `http://localhost:8060`) is a `fixture`; in a CI "
            "workflow, a service container's `env`, a step's `docker run -e ...` and an "
            "`env` whose every host setting is local are `test` (the job's throwaway "
            "services).",
        ),
        references=(
            "https://cwe.mitre.org/data/definitions/798.html",
            "https://docs.docker.com/build/building/secrets/",
            "https://12factor.net/config",
        ),
    ),
    bad=_BAD,
    good=_GOOD,
)
