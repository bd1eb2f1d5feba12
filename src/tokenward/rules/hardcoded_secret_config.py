"""TW102 hardcoded-secret-config: a secret under a secret-like key in a configuration file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tokenward.analysis.config_pairs import Pair, pairs
from tokenward.analysis.providers import fails_validation, provider_of
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.values import (
    connection_string_secrets,
    inline_secrets,
    not_flagged_doc,
    strip_auth_scheme,
    url_credentials,
    why_not_secret,
)
from tokenward.analysis.vocabulary import SECRET_STEMS, secret_kind
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules import examples
from tokenward.rules.base import CONFIG, Rule, RuleDocs

# An Authorization header written out on one line (curl -H, YAML/INI header blocks).
# curl -u user:password, wget --password=...
_CLI_PASSWORD = re.compile(
    r"(?:^|\s)(?:-u|--user)\s+[\"']?[^\s:'\"$]+:(?P<pw>[^\s'\"@$]+)|"
    r"(?:^|\s)--(?:password|passwd|http-password|ftp-password)[= ][\"']?(?P<pw2>[^\s'\"$]+)"
)
_AUTH_HEADER = re.compile(
    r"Authorization[\"']?\s*[:=]\s*[\"']?(?:Bearer|Token|token|bearer)\s+"
    r"(?P<token>[A-Za-z0-9._~+/=\-]{8,})"
)


_NETRC_PASSWORD = re.compile(r"(?:^|\s)password\s+(?P<pw>\S+)")


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
    reported: set[tuple[int, str]] = set()
    for pair in pairs(source.text, source.kind):
        for hit in _pair_hits(pair, source):
            reported.add((hit.span.line, hit.secret or ""))
            yield hit
    # URLs with credentials and Authorization headers anywhere else (command lines, YAML
    # flow mappings, values the pair reader does not see).
    for number, line in enumerate(source.lines, 1):
        if "://" in line:
            for cred in url_credentials(line):
                if (number, cred.password) not in reported:
                    reported.add((number, cred.password))
                    yield _raw_hit(Span(number, cred.start + 1, number, cred.end + 1),
                                   cred.password, f"{cred.scheme} URL", "password in a URL")
        if source.kind is FileKind.SHELL and ("-u" in line or "--" in line):
            for match in _CLI_PASSWORD.finditer(line):
                group = "pw" if match.group("pw") else "pw2"
                password = match.group(group)
                if (number, password) in reported or why_not_secret(password,
                                                                    "password") is not None:
                    continue
                reported.add((number, password))
                yield _raw_hit(Span(number, match.start(group) + 1, number,
                                    match.end(group) + 1), password, "password", "password")
        # An Authorization header before the generic inline forms: it names the header,
        # where they would name only the scheme ("configuration key bearer").
        paired = any(line_number == number for line_number, _ in reported)
        if "uthorization" in line:
            for match in _AUTH_HEADER.finditer(line):
                token = match.group("token")
                if (number, token) in reported or why_not_secret(token, "bearer") is not None:
                    continue
                reported.add((number, token))
                yield _raw_hit(Span(number, match.start("token") + 1, number,
                                    match.end("token") + 1), token, "Authorization",
                               "bearer token")
        # Command lines and URLs the pair reader does not see; comments are not code here.
        for inline in () if paired or line.lstrip().startswith("#") else inline_secrets(line):
            if (number, inline.secret) not in reported:
                reported.add((number, inline.secret))
                yield _raw_hit(Span(number, inline.start + 1, number, inline.end + 1),
                               inline.secret, inline.name,
                               f"{inline.name} on a command line or in a URL")


def _raw_hit(span: Span, secret: str, target: str, detail: str) -> Hit:
    """A value matched in the raw text: its span is exactly where it is spelled."""
    return Hit(span, secret=secret, target=target, detail=detail, fixable=False,
               secret_spans=(span,))


def _spelled(pair: Pair, source: Source, start: int, end: int) -> tuple[Span, ...]:
    """Where ``pair.value[start:end]`` is written: exactly, when the file spells the value
    as is; else the whole value (escapes and continuations spell it differently)."""
    raw = source.line(pair.line)[pair.column - 1 : pair.end_column - 1]
    if pair.continued_to is None and raw == pair.value:
        return (Span(pair.line, pair.column + start, pair.line, pair.column + end),)
    return (pair.value_span,)


def _pair_hits(pair: Pair, source: Source) -> Iterator[Hit]:
    creds = list(url_credentials(pair.value))
    for cred in creds:
        column = pair.column + cred.start
        yield Hit(Span(pair.line, column, pair.line, column + len(cred.password)),
                  secret=cred.password, target=pair.key, detail="password in a URL",
                  fixable=False, secret_spans=_spelled(pair, source, cred.start, cred.end))
    if creds:
        return
    found = False
    for secret, start, end in connection_string_secrets(pair.value):
        found = True
        column = pair.column + start
        yield Hit(Span(pair.line, column, pair.line, pair.column + end), secret=secret,
                  target=pair.key, detail="password in a connection string", fixable=False,
                  secret_spans=_spelled(pair, source, start, end))
    kind = secret_kind(pair.key)
    if found or kind is None or kind == "connection string":
        return
    value = strip_auth_scheme(pair.value)
    if fails_validation(value) or why_not_secret(value, pair.key) is not None:
        return
    offset = len(pair.value) - len(value)
    provider = provider_of(value)
    yield Hit(Span(pair.line, pair.column + offset, pair.line, pair.end_column),
              secret=value, target=pair.key, detail=provider.label if provider else kind,
              fixable=False, secret_spans=_spelled(pair, source, offset, len(pair.value)))


# A secret-like key holds one of the vocabulary's stems or ``key``; a URL may hold a password.
_KEYWORDS = (*(stem for stem, _ in SECRET_STEMS), "key", "://")


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
    kinds=CONFIG | {FileKind.NETRC},
    keywords=_KEYWORDS,
    detect=_detect,
    docs=RuleDocs(
        what=(
            "A literal value under a secret-like key in `.env`, YAML, JSON, INI/cfg, TOML, "
            "shell scripts (`export API_TOKEN=...`) and Dockerfiles (`ENV`/`ARG`), a password "
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
            "YAML block scalars (`key: |`): private keys in them are found by TW103.",
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
