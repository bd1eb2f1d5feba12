"""TW103 provider-token: a known provider's token format, in any text file."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import replace

from tokenward.analysis import secrets_adapter
from tokenward.analysis.context import in_published_docs
from tokenward.analysis.provider_matcher import find_tokens
from tokenward.analysis.providers import Provider, by_key, is_whole_private_key, private_key_body
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.values import not_flagged_doc, why_not_secret
from tokenward.analysis.vocabulary import Role, judge, marked_stand_in
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules import examples
from tokenward.rules.base import ALL_TEXT, Rule, RuleDocs

# The name a value is bound to, read backwards from the value on its line:
# NAME = "...", "name": "...", name: ..., export NAME=..., ENV NAME ..., name=...
_BOUND_NAME = re.compile(
    r"""(?P<name>[A-Za-z_][\w.\-]*)["'\]]?\s*(?::=|=>|=|:)\s*(?:[rbuRBU]{0,2})?["'`]?\s*$"""
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The longest private key text masked after its header (an RSA-8192 body is ~6,600).
_MAX_KEY_TEXT = 8192


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _bound_name(line: str, column: int) -> str | None:
    match = _BOUND_NAME.search(line[: column - 1][-120:])
    return match.group("name") if match else None


def _accept(provider: Provider, value: str, line: str, column: int) -> bool:
    # A token bound to EXAMPLE_KEY or fake_token is a made-up one, unless a checksum says
    # it is real.
    name = _bound_name(line, column)
    if provider.validator is None and name and judge(name).role is Role.STAND_IN:
        return False
    if not provider.check_value:
        return True
    if value.startswith("https://"):  # a webhook: the secret is the last path segment
        value = value.rstrip("/").rsplit("/", 1)[-1]
    reason = why_not_secret(value, provider.value_name)
    prefix = provider.prefix
    if reason is None or reason == "vendor-example" or len(prefix) < 3:
        return reason is None
    # A documented prefix may itself read like a word (``sb_secret_``, ``FlyV1 ``,
    # ``AGE-SECRET-KEY-1``): judge what follows it.
    return value.startswith(prefix) and why_not_secret(value[len(prefix):],
                                                       provider.value_name) is None


def _detect(source: Source) -> Iterator[Hit]:
    text = source.text
    starts: list[int] | None = None
    own_by_line: dict[int, list[str]] = {}
    for match in find_tokens(text, source.lowered):
        if starts is None:
            starts = _line_starts(text)
        number = bisect.bisect_right(starts, match.start)
        column = match.start - starts[number - 1] + 1
        line = source.line(number)
        if not _accept(match.provider, match.value, line, column):
            continue
        own_by_line.setdefault(number, []).append(match.value)
        secret = match.value
        spans: tuple[Span, ...] = ()
        proven = match.provider.proves_itself
        if match.provider.key == "private-key":
            secret = private_key_body(text, match.end) or match.value
            spans = (_key_body_span(text, starts, match.end),)
            # A key shown on a documentation page is an example: published, not secret.
            proven = is_whole_private_key(text, match.end) \
                and not _marked_fixture(source.path, line, column) \
                and not in_published_docs(source, number)
        elif match.provider.with_context:
            # AccountKey=<key>: the whole setting, as detect-secrets reported it; TW102
            # reports the bare value on the same line.
            column -= match.start - match.context_start
            secret = text[match.context_start:match.end]
        hit = _hit(match.provider, secret, number, column, line, secret, spans, proven)
        # A token inside a Python string literal moves out like TW101's secrets (a
        # private key: its whole PEM block); a setting reported whole is fixed by hand.
        movable = not match.provider.with_context
        yield replace(hit, fixable=movable and _in_literal(source, hit.span))
    reported: set[tuple[int, str]] = set()
    for found in secrets_adapter.scan_text(text, source.lowered):
        provider = by_key(found.row)
        line = source.line(found.line)
        if (found.line, found.value) in reported:
            continue
        # A plugin match inside one of the catalogue's matches is the same token.
        if any(found.value in own for own in own_by_line.get(found.line, ())):
            continue
        if not provider.validates(found.value) or not _accept(provider, found.value, line,
                                                               found.column):
            continue
        reported.add((found.line, found.value))
        hit = _hit(provider, found.value, found.line, found.column, line,
                   proven=provider.proves_itself)
        yield replace(hit, fixable=_in_literal(source, hit.span))


def _literal_spans(source: Source) -> list[Span]:
    """The spans of the file's string literals (a Python file that parsed), docstrings
    and other bare string statements left out: a lookup there would not be a docstring
    any more (nor parse before a ``__future__`` import)."""
    import libcst as cst  # only for a Python file with a token in it

    index = source.index
    if index is None:
        return []
    return [source.span(node) for node in
            (*index.of(cst.SimpleString), *index.of(cst.FormattedString))
            if not isinstance(index.parent(node), cst.Expr)]


def _in_literal(source: Source, span: Span) -> bool:
    """Whether ``span`` lies inside a string literal of a Python file: where the fix can
    put a lookup in its place."""
    if source.kind is not FileKind.PYTHON:
        return False
    return any((s.line, s.column) <= (span.line, span.column)
               and (span.end_line, span.end_column) <= (s.end_line, s.end_column)
               for s in source.fact(_literal_spans))


def _marked_fixture(path: str, line: str, column: int) -> bool:
    """A private key proves itself real unless its path or its name marks it as made up
    (``tests/keys/server.pem``, ``FAKE_PRIVATE_KEY = "-----BEGIN ...``)."""
    return marked_stand_in(path) or marked_stand_in(_bound_name(line, column) or "")


def _key_body_span(text: str, starts: list[int], header_end: int) -> Span:
    """From a private key's header to its END line: the whole body is the secret (the
    finding's value is only its first 64 characters)."""
    end = text.find("-----END", header_end, header_end + _MAX_KEY_TEXT)
    if end < 0:
        end = min(len(text), header_end + _MAX_KEY_TEXT)
    return Span(*_position(starts, header_end), *_position(starts, end))


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    number = bisect.bisect_right(starts, offset)
    return number, offset - starts[number - 1] + 1


def _hit(provider: Provider, value: str, line: int, column: int, text: str,
         secret: str | None = None, spans: tuple[Span, ...] = (), proven: bool = False
         ) -> Hit:
    span = Span(line, column, line, column + len(value))
    return Hit(
        span=span,
        secret=secret or value,
        target=_bound_name(text, column) or provider.key,
        detail=provider.label,
        fixable=False,
        # The token as matched in the text: its exact source range.
        secret_spans=spans or (span,),
        proven=proven,
    )


_BAD, _GOOD = examples.load("provider_token")

RULE = Rule(
    id="TW103",
    name="provider-token",
    title="Provider token in clear text",
    category=Category.HARDCODED_SECRET,
    severity=Severity.CRITICAL,
    cwe=(798,),
    message="{detail} in clear text",
    hint="Revoke the token at the provider now, then load it from the environment or the "
         "token store.",
    kinds=ALL_TEXT,
    fix="move-secret",
    runs_where_hidden=True,
    detect=_detect,
    docs=RuleDocs(
        what=(
            "A token in a known provider format anywhere in a text file: code, comments, "
            "Markdown, notebooks, configuration. The provider catalogue "
            "(`analysis/catalogue.py`: one row per format, each with the provider's page "
            "that documents it) is matched in one pass per file. Formats that carry a "
            "checksum or a structure are validated offline: GitHub classic and npm tokens "
            "(the last six characters are a base62 CRC32 of the thirty before), tokenward's "
            "own tokens, PyPI macaroons, signed JSON Web Tokens. Generic-looking formats "
            "(a 32-hex key) count only next to their provider's keywords. detect-secrets' "
            "Discord and Telegram plugins still run for the bot tokens the catalogue "
            "finds only next to a keyword. A token whose checksum or structure holds is "
            "`critical` whichever rule reports it (TW101 in Python, TW102 in a "
            "configuration file), and every report says so (`validated`)."
        ),
        why=(
            "A token in a repository is readable by everyone who can read the repository, "
            "its forks, its CI logs and its backups, for as long as the history exists. "
            "Attackers scan public repositories for these formats within minutes of a push."
        ),
        how=(
            "Revoke the token at the provider first (removing it from the code does not "
            "remove it from git history), issue a new one, and load it at run time from an "
            "environment variable or tokenward's store (`tokenward.store.get(name)`)."
        ),
        not_flagged=not_flagged_doc(
            "GitHub classic (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens "
            "whose CRC32 checksum is wrong: they are made up (test fixtures, docs).",
            "Stripe publishable keys (`pk_live_`) and test keys (`sk_test_`); Twilio account "
            "SIDs (`AC...`: identifiers; the auth token next to them is TW101/TW102's job).",
            "Private-key headers with no key body after them (a parser's constant); a "
            "body that does not decode to a key (a word repeated as filler) proves nothing.",
            "JSON Web Tokens that are unsigned (`alg: none`, empty signature), or that "
            "stand without a credential word (token, auth, bearer, jwt, key, session, "
            "cookie) on their line and whose payload holds none of RFC 7519's registered "
            "claims (iss, sub, aud, exp, nbf, iat, jti). A signed JWT is never proof that "
            "it is real (tests sign their own): in tests, docs and examples the context "
            "policy keeps it quiet.",
            "A Google API key in a Firebase web config (beside its authDomain or "
            "messagingSenderId): Firebase documents it as a public identifier, not a "
            "secret (https://firebase.google.com/docs/projects/api-keys); TW101 and TW102 "
            "ask the same question.",
            "Tokens without a checksum bound to a name marked example, dummy, fake, sample, "
            "mock, test, placeholder, fixture or demo (`EXAMPLE_KEY = \"sk_live_...\"`).",
            "The keyword and entropy plugins of detect-secrets: TW101 and TW102 judge "
            "values by the name they are bound to instead.",
        ),
        fix_safety=(
            "In Python, `tokenward fix` moves a token written in a string literal out of "
            "the code, as TW101 does: a literal that is the whole token becomes "
            "`os.environ[\"NAME\"]` (or `tokenward.store.get(\"NAME\")`), named after "
            "what it is bound to or, bound to nothing, after its provider "
            "(`GITHUB_TOKEN`, `SENDGRID_API_KEY`); a token inside a longer string (a URL, "
            "a header, an `.npmrc` line) turns the string into an f-string around the "
            "lookup. The provider's revocation page is printed with each moved token: "
            "moving it does not make it secret again. Private keys, tokens in other file "
            "kinds and tokens outside a literal (a comment) are fixed by hand."
        ),
        references=(
            "https://cwe.mitre.org/data/definitions/798.html",
            "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/",
            "https://github.com/Yelp/detect-secrets",
        ),
    ),
    bad=_BAD,
    good=_GOOD,
)
