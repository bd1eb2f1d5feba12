"""TW101 hardcoded-secret: a secret literal in Python code, judged by where it is bound."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from tokenward.analysis.assignments import CODE_KINDS
from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.literals import occurrences as literal_occurrences
from tokenward.analysis.providers import documented_public, fails_validation, provider_of
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.values import (
    connection_string_secrets,
    could_be_secret,
    credential_verdict,
    guessable_key,
    has_inline_candidate,
    inline_secrets,
    names_key,
    not_flagged_doc,
    strip_auth_scheme,
    url_credentials,
    why_not_secret,
)
from tokenward.analysis.vocabulary import (
    SECRET_KEYWORDS,
    mentions_credentials,
    names_login_pair,
    names_value_slot,
    names_written_at,
    naming_slots,
    occurrences,
    reads_environment,
    secret_kind,
    secret_name_ends,
)
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.records import record
from tokenward.rules import examples
from tokenward.rules.base import PYTHON, Rule, RuleDocs
from tokenward.rules.hardcoded_secret_config import text_verdicts

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import bound_names, sql, syntax_flow
    from tokenward.analysis import python as pyutil
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import lazy_module

    bound_names = lazy_module("tokenward.analysis.bound_names")
    sql = lazy_module("tokenward.analysis.sql")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")


def _load_libcst() -> None:
    """Import libcst (and pyutil, which imports it) only when a file is really analysed:
    the import costs ~0.3 s, most of a pre-commit run's budget."""
    if "cst" not in globals():
        globals()["cst"] = importlib.import_module("libcst")
        globals()["pyutil"] = importlib.import_module("tokenward.analysis.python")


# Credential parameters passed by position: qualified callee -> (index, parameter, what).
_POSITIONAL: dict[str, tuple[int, str, str]] = {
    "requests.auth.HTTPBasicAuth": (1, "password", "password"),
    "requests.auth.HTTPDigestAuth": (1, "password", "password"),
    "requests.auth.HTTPProxyAuth": (1, "password", "password"),
    "httpx.BasicAuth": (1, "password", "password"),
    "httpx.DigestAuth": (1, "password", "password"),
    "aiohttp.BasicAuth": (1, "password", "password"),
    "github.Github": (0, "login_or_token", "GitHub token"),
    "github.Auth.Token": (0, "token", "GitHub token"),
    "github.Auth.Login": (1, "password", "password"),
    "slack_sdk.WebClient": (0, "token", "Slack token"),
    "slack_sdk.web.WebClient": (0, "token", "Slack token"),
    "slack_sdk.web.client.WebClient": (0, "token", "Slack token"),
    "slack_sdk.web.async_client.AsyncWebClient": (0, "token", "Slack token"),
    "slack.WebClient": (0, "token", "Slack token"),
    "azure.identity.ClientSecretCredential": (2, "client_secret", "client secret"),
    "azure.identity.aio.ClientSecretCredential": (2, "client_secret", "client secret"),
    "azure.identity.UsernamePasswordCredential": (3, "password", "password"),
    "pymysql.connect": (2, "password", "password"),
    "MySQLdb.connect": (2, "passwd", "password"),
    "ftplib.FTP": (2, "passwd", "password"),
    "ftplib.FTP_TLS": (2, "passwd", "password"),
    "ldap3.Connection": (2, "password", "password"),
    "twilio.rest.Client": (1, "password", "Twilio auth token"),
    "stripe.StripeClient": (0, "api_key", "Stripe API key"),
    "sendgrid.SendGridAPIClient": (0, "api_key", "SendGrid API key"),
    "sendgrid.sendgrid.SendGridAPIClient": (0, "api_key", "SendGrid API key"),
    "telegram.Bot": (0, "token", "Telegram bot token"),
    "jwt.encode": (1, "key", "JWT signing key"),
    "jwt.decode": (1, "key", "JWT signing key"),
    "pydantic.SecretStr": (0, "secret", "secret"),
    "pydantic.SecretBytes": (0, "secret", "secret"),
    "cryptography.fernet.Fernet": (0, "key", "Fernet key"),
    **{f"itsdangerous.{cls}": (0, "secret_key", "signing key")
       for cls in ("Serializer", "URLSafeSerializer", "TimedSerializer",
                   "URLSafeTimedSerializer", "Signer", "TimestampSigner")},
    # A password hashed in the code is a password written in it: a seeded account's
    # (``make_password("admin123")``, vulpy's ``pbkdf2_sha256.encrypt('123456')``).
    "django.contrib.auth.hashers.make_password": (0, "password", "password"),
    "werkzeug.security.generate_password_hash": (0, "password", "password"),
    "bcrypt.hashpw": (0, "password", "password"),
    **{f"passlib.hash.{scheme}.{method}": (0, "password", "password")
       for scheme in ("pbkdf2_sha1", "pbkdf2_sha256", "pbkdf2_sha512", "bcrypt",
                      "bcrypt_sha256", "argon2", "scrypt", "sha256_crypt", "sha512_crypt",
                      "md5_crypt", "django_pbkdf2_sha256")
       for method in ("hash", "encrypt")},
}
# Calls whose ``key=`` keyword is a signing key (``key`` alone is not a secret-like name).
_KEY_KEYWORD = frozenset({"jwt.encode", "jwt.decode"})
# Methods whose receiver type is unknown but whose meaning is not: smtplib/imaplib/ftplib
# login, LDAP binds.
_METHODS: dict[str, tuple[int, str, str]] = {
    "login": (1, "password", "password"),
    "simple_bind_s": (1, "password", "password"),
    "simple_bind": (1, "password", "password"),
    "bind_s": (1, "password", "password"),
    # Django's ``user.set_password(...)``, Flask-Bcrypt's ``bcrypt.generate_password_hash``.
    "set_password": (0, "password", "password"),
    "generate_password_hash": (0, "password", "password"),
}
_AUTH_SCHEME = lazy_regex(r"^\s*(Bearer|Token|Basic|Bot)\s+$", re.IGNORECASE)


@record
class _Binding:
    """The name a literal is bound to, and how it is bound there."""

    name: str
    # For an auth tuple ("user", "pw"): the element's position decides what it is.
    element: int | None = None
    # ``if password == "..."``: a back door for a password; for a key, a check that the
    # default was replaced (healthchecks' ``settings.SECRET_KEY == "---"``), not a key.
    compared: bool = False


def _literal(node: cst.BaseExpression) -> str | None:
    value = pyutil.string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.BinaryOperation):
        return _added_strings(node)
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        try:
            raw = node.evaluated_value
        except Exception:  # invalid escapes: not a usable literal
            return None
        if isinstance(raw, bytes):
            return raw.decode("latin-1")
    if isinstance(node, cst.FormattedString) and not any(
            isinstance(p, cst.FormattedStringExpression) for p in node.parts):
        return "".join(p.value for p in node.parts if isinstance(p, cst.FormattedStringText))
    return None


def _added_strings(node: cst.BaseExpression) -> str | None:
    """The value of ``"Zq8r" + "T5pL..."`` (a token split over lines) when every operand
    is a string literal, else None. Iterative: a long chain must not recurse."""
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.Add):
            stack += (current.right, current.left)
            continue
        value = pyutil.string_value(current)
        if value is None:
            return None
        parts.append(value)
    return "".join(parts)


def _is_addition(node: object) -> bool:
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)


def _target_name(target: cst.BaseExpression) -> str | None:
    """``stripe.api_key`` for module attributes, ``api_key`` for ``self.api_key``."""
    if isinstance(target, cst.Attribute):
        base = pyutil.dotted_name(target.value)
        if base is not None and base.split(".")[0] not in ("self", "cls"):
            return f"{base}.{target.attr.value}"
        return target.attr.value
    return pyutil.last_name(target)


def _binding(source: Source, node: cst.CSTNode) -> _Binding | None:
    """The name a literal (or an element of a tuple) is bound to, if any."""
    assert source.index is not None
    parent = source.index.parent(node)
    if isinstance(parent, cst.Assign) and parent.value is node:
        names = [n for t in parent.targets if (n := _target_name(t.target))]
        secret = [n for n in names if secret_kind(n.rsplit(".", 1)[-1])]
        return _Binding((secret or names or [""])[0]) if names else None
    if isinstance(parent, cst.AnnAssign) and parent.value is node:
        name = _target_name(parent.target)
        return _Binding(name) if name else None
    if isinstance(parent, cst.Arg) and parent.keyword is not None:
        if names_value_slot(parent.keyword.value):
            return _slot_binding(source, parent)
        return _Binding(parent.keyword.value)
    if isinstance(parent, cst.Arg):
        return _credential_binding(sql.inserted_column(source, node))
    if isinstance(parent, cst.DictElement) and parent.value is node:
        key = pyutil.string_value(parent.key) or pyutil.last_name(parent.key)
        if names_value_slot(key):
            return _slot_binding(source, parent)
        return _Binding(key) if key else None
    if isinstance(parent, cst.Param) and parent.default is node:
        return _Binding(parent.name.value)
    if isinstance(parent, cst.ComparisonTarget):
        comparison = source.index.parent(parent)
        if isinstance(comparison, cst.Comparison) and isinstance(
                parent.operator, cst.Equal | cst.NotEqual):
            name = pyutil.last_name(comparison.left)
            return _Binding(name, compared=True) if name else None
    if isinstance(parent, cst.Element):
        found = _element_binding(source, parent)
        return found if found is not None else _handed_on(source, node)
    return None


def _credential_binding(name: str | None) -> _Binding | None:
    """A binding to ``name`` when it names a credential (a column, a parameter)."""
    return _Binding(name) if name is not None and secret_kind(name) else None


def _handed_on(source: Source, node: cst.CSTNode) -> _Binding | None:
    """Where a value that is bound to no name of its own is put: the credential column of
    an ``INSERT`` it is given to, or, for a cell of a table of rows a loop walks, what the
    loop hands its variable to (vulpy's seeded accounts: ``for u, p in users:`` and
    ``p`` put in the ``password`` column)."""
    column = _credential_binding(sql.inserted_column(source, node))
    if column is not None:
        return column
    variables = source.analysis.row_bindings(node)
    # Each variable is asked once per file, not once per cell of its column.
    handed_by = source.fact(_handed_by_variable)
    for variable in variables:
        if variable not in handed_by:
            handed_by[variable] = next((found for use in source.analysis.uses(variable)
                                        if (found := _credential_binding(
                                            _handed_to(source, use))) is not None), None)
        if handed_by[variable] is not None:
            return handed_by[variable]
    # Else the loop's own name for it: ``for user, password in accounts:``.
    return next((_Binding(v.name) for v in variables if secret_kind(v.name)), None)


def _handed_by_variable(source: Source) -> dict[object, _Binding | None]:
    """A loop variable -> the credential it is handed to, filled as cells are judged."""
    return {}


def _handed_to(source: Source, use: cst.Name) -> str | None:
    """The credential a read of a variable is handed to: a keyword argument's name, an
    ``INSERT``'s column, a known credential parameter (``make_password(p)``)."""
    assert source.index is not None
    parent = source.index.parent(use)
    if isinstance(parent, cst.Arg) and parent.keyword is not None:
        return parent.keyword.value
    if isinstance(parent, cst.Arg) and parent.keyword is None and not parent.star:
        call = source.index.parent(parent)
        if isinstance(call, cst.Call):
            spec = _call_spec(source, call)
            if spec is not None and pyutil.positional(call, spec[0]) is parent:
                return spec[1]
    return sql.inserted_column(source, use)


def _slot_binding(source: Source, slot: cst.Arg | cst.DictElement) -> _Binding | None:
    """What a ``value``/``initial`` slot holds: the name its sibling ``name``/``key`` gives
    (``V1EnvVar(name="API_KEY", value=...)``), else the name the whole construct is bound
    to (``client_secret = forms.CharField(widget=HiddenInput(attrs={"value": ...}))``)."""
    assert source.index is not None
    container = source.index.parent(slot)
    siblings = (container.elements if isinstance(container, cst.Dict)
                else container.args if isinstance(container, cst.Call) else ())
    for sibling in siblings:
        key = (pyutil.string_value(sibling.key) if isinstance(sibling, cst.DictElement)
               else sibling.keyword.value if isinstance(sibling, cst.Arg) and sibling.keyword
               else None)
        named = pyutil.string_value(sibling.value) if key in naming_slots() else None
        if named:
            return _Binding(named)
    # Climb over the calls and arguments that build the construct (``widget=``, ``attrs=``
    # name parameters, not the content) to the assignment that names it.
    node: cst.CSTNode | None = container
    while isinstance(node, cst.Dict | cst.Call | cst.Arg):
        node = source.index.parent(node)
    if isinstance(node, cst.Assign | cst.AnnAssign):
        targets = node.targets if isinstance(node, cst.Assign) else (node,)
        name = next((n for t in targets if (n := _target_name(t.target))), None)
        return _Binding(name) if name else None
    return None


def _element_binding(source: Source, element: cst.Element) -> _Binding | None:
    assert source.index is not None
    container = source.index.parent(element)
    if not isinstance(container, cst.Tuple | cst.List):
        return None
    position = next(i for i, e in enumerate(container.elements) if e is element)
    holder = source.index.parent(container)
    # user, password = "admin", "Zq8..."
    if isinstance(holder, cst.Assign) and holder.value is container:
        for target in holder.targets:
            names = target.target
            if isinstance(names, cst.Tuple | cst.List) and len(names.elements) == len(
                    container.elements):
                name = _target_name(names.elements[position].value)
                return _Binding(name) if name else None
        return _auth_tuple(source, container, position)
    return _auth_tuple(source, container, position)


def _auth_tuple(source: Source, container: cst.Tuple | cst.List,
                position: int) -> _Binding | None:
    """``auth=("user", "pw")``: the second element is a password."""
    if len(container.elements) != 2:
        return None
    outer = _binding(source, container)
    if outer is None:
        return None
    if not names_login_pair(outer.name):
        return None
    return _Binding(outer.name, element=position)


def _literal_nodes(source: Source) -> Iterator[cst.BaseExpression]:
    assert source.index is not None
    for node in source.index.of(cst.SimpleString):
        if not isinstance(source.index.parent(node), cst.ConcatenatedString):
            yield node
    for concatenated in source.index.of(cst.ConcatenatedString):
        if not isinstance(source.index.parent(concatenated), cst.ConcatenatedString):
            yield concatenated
    yield from source.index.of(cst.FormattedString)
    # "abc" + "def" as one literal (the outermost addition of string literals only).
    for operation in source.index.of(cst.BinaryOperation):
        if (_is_addition(operation) and not _is_addition(source.index.parent(operation))
                and _added_strings(operation) is not None):
            yield operation


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is FileKind.PYTHON and not may_bind_secret(source):
        return iter(())  # nothing a literal could be judged a secret by: no tree needed
    return key_hits(source, weak=False)


def key_hits(source: Source, *, weak: bool) -> Iterator[Hit]:
    """The credential literals of ``source``: with ``weak``, only the signing and
    encryption keys that can be guessed (TW104's findings); else every other one. One
    search per file, two verdicts: a literal is reported once, by the rule that says most."""
    return iter(source.fact(_key_search)[weak])


def _key_search(source: Source) -> dict[bool, tuple[Hit, ...]]:
    """Every credential literal of ``source`` once, split by verdict (guessable or not)."""
    found: dict[bool, list[Hit]] = {False: [], True: []}
    for hit, weak in _verdicts(source):
        found[weak].append(hit)
    return {weak: tuple(hits) for weak, hits in found.items()}


# A hit and whether it is a key that can be guessed (TW104's) rather than TW101's.
_Verdict = tuple[Hit, bool]


def _verdicts(source: Source) -> Iterator[_Verdict]:
    if source.kind is not FileKind.PYTHON:
        # Other languages: their assignments, read as text. What is only reported when it
        # proves itself real (a minified bundle, a test) is TW103's: nothing to read.
        if not reports_only_proven(source):
            yield from text_verdicts(source, source.kind)
        return
    if source.index is None:
        # No tree (a syntax error, code too deep to parse): judge `NAME = "literal"` and
        # `"key": "literal"` lines as TW102 judges a config file's pairs.
        yield from text_verdicts(source, FileKind.PYTHON)
        return
    _load_libcst()
    for node in _literal_nodes(source):
        yield from _literal_hits(source, node)
    for call in source.index.of(cst.Call):
        yield from _call_hits(source, call)
    for operation in source.index.of(cst.BinaryOperation):
        yield from _strong(_concatenated_bearer(source, operation))


def _strong(hits: Iterable[Hit]) -> Iterator[_Verdict]:
    """Hits that are never a guessable key (URL passwords, bearer headers)."""
    return ((hit, False) for hit in hits)


def _literal_hits(source: Source, node: cst.BaseExpression) -> Iterator[_Verdict]:
    if not isinstance(node, cst.BinaryOperation):
        yield from _value_hits(source, node)
        return
    for hit, weak in _value_hits(source, node):
        # ``"Bearer " + "ghp_..."``: one operand holds the whole secret, and the fix engine
        # rewrites that literal (it finds it from the span). A secret split over operands
        # is fixed by hand.
        whole = any(pyutil.string_value(o) == hit.secret for o in _operands(node))
        yield (hit if whole else replace(hit, fixable=False)), weak


def _operands(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The operands of an addition chain, left to right (iterative: chains can be long)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if _is_addition(current):
            assert isinstance(current, cst.BinaryOperation)
            stack += (current.right, current.left)
        else:
            yield current


def _value_hits(source: Source, node: cst.BaseExpression) -> Iterator[_Verdict]:
    value = _literal(node)
    if value is None:
        if isinstance(node, cst.FormattedString):
            yield from _strong(_formatted_hits(source, node))
        return
    binding = _binding(source, node)
    name = binding.name if binding else None
    found = list(_embedded_credentials(source, node, value, name))
    yield from _strong(found)
    if found or binding is None:
        return
    if binding.element is not None:
        if binding.element == 1:
            yield from _checked(source, node, value, binding.name, "password", "password")
        return
    kind = secret_kind(binding.name.rsplit(".", 1)[-1])
    # A connection string is a secret only for the password inside it (seen above).
    if kind is not None and kind != "connection string":
        # A key compared with a literal checks that the default was replaced.
        yield from _checked(source, node, value, binding.name, binding.name, kind,
                            may_be_weak=not binding.compared)


def _checked(source: Source, node: cst.CSTNode, value: str, target: str, judge_as: str,
             kind: str, *, may_be_weak: bool = True) -> Iterator[_Verdict]:
    """A hit when ``value`` (bound to ``judge_as``) passes the false-positive controls,
    or a weak one when it is a key that can be guessed (then it is TW104's alone)."""
    secret = strip_auth_scheme(value)
    verdict = _verdict(secret, judge_as.rsplit(".", 1)[-1])
    if verdict is None:
        return
    if verdict:  # a key that can be guessed
        if may_be_weak:
            yield Hit(span=source.span(node), secret=secret, target=target, detail=verdict,
                      secret_spans=pyutil.secret_spans(source, node, secret)), True
        return
    if documented_public(secret, source.lines, source.span(node).line):
        return
    provider = provider_of(secret)
    yield Hit(span=source.span(node), secret=secret, target=target,
              detail=provider.label if provider else kind,
              secret_spans=pyutil.secret_spans(source, node, secret)), False


def _verdict(secret: str, name: str) -> str | None:
    """What the search makes of ``secret`` bound to ``name`` (its last part): a guessable
    key's description (TW104's), "" for a secret (TW101's, unless documented as public),
    None for neither. Asked of the libcst tree, and by the screens of a plain string bound
    to a name alone (:func:`_plain_binding_fires`)."""
    if fails_validation(secret):
        return None
    guessable = guessable_key(secret, name)
    if guessable is not None:
        return guessable
    return None if credential_verdict(secret, name) is not None else ""


def _embedded_credentials(source: Source, node: cst.CSTNode, value: str,
                          name: str | None) -> Iterator[Hit]:
    """Passwords inside URLs and connection strings, whatever the literal is bound to."""
    for secret, target, detail in _embedded(value):
        yield Hit(span=source.span(node), secret=secret, target=name or target, detail=detail,
                  secret_spans=pyutil.secret_spans(source, node, secret))


def _embedded(value: str) -> Iterator[tuple[str, str, str]]:
    """(secret, what it is in, detail) for each credential inside the text of a literal."""
    if "://" in value and "@" in value:
        for cred in url_credentials(value):
            yield cred.password, f"{cred.scheme} URL", "password in a URL"
    for secret, _, _ in connection_string_secrets(value):
        yield secret, "connection string", "password in a connection string"
    for inline in inline_secrets(value):
        # A query parameter, a `--set x.password=` argument, a header line: the fix turns
        # the string into an f-string around the lookup.
        yield inline.secret, inline.name, f"{inline.name} inside a string"


def _formatted_hits(source: Source, node: cst.FormattedString) -> Iterator[Hit]:
    """f-strings: URLs with a literal password, and ``f"Bearer {CONSTANT}"``."""
    binding = _binding(source, node)
    name = binding.name if binding else None
    found = list(_embedded_credentials(source, node, _static(node), name))
    yield from found
    if found:
        return
    if _bearer_formatted(node):
        yield from _bearer_from(source, node, node.parts[1].expression,  # type: ignore[attr-defined]
                                name)


def _static(node: cst.FormattedString) -> str:
    """An f-string's text, each expression read as "X": too short to pass for a password,
    harmless as a user or host."""
    return "".join(p.value if isinstance(p, cst.FormattedStringText) else "X"
                   for p in node.parts)


def _bearer_formatted(node: cst.FormattedString) -> bool:
    """``f"Bearer {TOKEN}"``: a scheme, then one expression."""
    parts = node.parts
    return (len(parts) == 2 and isinstance(parts[0], cst.FormattedStringText)
            and _AUTH_SCHEME.match(parts[0].value) is not None
            and isinstance(parts[1], cst.FormattedStringExpression))


def _concatenated_bearer(source: Source, operation: cst.BinaryOperation) -> Iterator[Hit]:
    """``"Bearer " + TOKEN`` where TOKEN is a literal."""
    if not isinstance(operation.operator, cst.Add):
        return
    left = pyutil.string_value(operation.left)
    if left is None or not _AUTH_SCHEME.match(left):
        return
    binding = _binding(source, operation)
    yield from _bearer_from(source, operation, operation.right,
                            binding.name if binding else None)


def _bearer_from(source: Source, node: cst.CSTNode, expression: cst.BaseExpression,
                 bound_to: str | None) -> Iterator[Hit]:
    literal: cst.BaseExpression | None = expression
    value = pyutil.string_value(expression)
    if value is None and isinstance(expression, cst.Name):
        if secret_kind(expression.value):
            return  # the constant itself is reported where it is assigned
        literal = source.analysis.resolve(expression)
        value = pyutil.string_value(literal)
    if value is None or literal is None:
        return
    if fails_validation(value) or why_not_secret(value, "bearer") is not None:
        return
    provider = provider_of(value)
    # The literal may be a constant lines away: its own range is what must be masked.
    yield Hit(span=source.span(node), secret=value, target=bound_to or "Authorization",
              detail=provider.label if provider else "bearer token",
              secret_spans=pyutil.secret_spans(source, literal, value))


def _call_spec(source: Source, call: cst.Call) -> tuple[int, str, str] | None:
    """The credential a known library's call takes by position: (index, parameter, what)."""
    spec = _POSITIONAL.get(pyutil.call_name(source, call) or "")
    if spec is None and isinstance(call.func, cst.Attribute):
        spec = _METHODS.get(call.func.attr.value)
    return spec


def _call_hits(source: Source, call: cst.Call) -> Iterator[_Verdict]:
    """Credentials passed by position to known libraries, and env-lookup defaults."""
    qualified = pyutil.call_name(source, call)
    spec = _call_spec(source, call)
    if spec is not None:
        index, parameter, what = spec
        arg = pyutil.positional(call, index)
        passed = _passed_literal(source, arg.value) if arg is not None else None
        value = _literal(passed) if passed is not None else None
        if passed is not None and value is not None and not any(
                True for _ in _embedded_credentials(source, passed, value, None)):
            yield from _checked(source, passed, value, parameter, _judge(parameter), what)
    if qualified in _KEY_KEYWORD:
        key = pyutil.keyword(call, "key")
        value = _literal(key.value) if key is not None else None
        if key is not None and value is not None:
            yield from _checked(source, key.value, value, "key", "signing_key",
                                "JWT signing key")
    # parser.add_argument("--db-password", default="...")
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_argument":
        yield from _argparse_default(source, call)
    name_arg = pyutil.positional(call, 0)
    env_name = pyutil.string_value(name_arg.value) if name_arg else None
    if env_name and reads_environment(qualified, env_name):
        default = pyutil.argument(call, 1, "default")
        if default is not None and default.keyword is None:
            value = _literal(default.value)
            kind = secret_kind(env_name)
            if value is not None and kind is not None:
                yield from _checked(source, default.value, value, env_name, env_name, kind)


def _passed_literal(source: Source, argument: cst.BaseExpression) -> cst.BaseExpression:
    """What a credential parameter receives: the literal a plain name was bound to
    (``key = '...'`` then ``Fernet(key)``), found where it is written. A secret-like name
    is reported where it is bound already."""
    if isinstance(argument, cst.Name) and not secret_kind(argument.value):
        return source.analysis.resolve(argument)
    return argument


def _argparse_default(source: Source, call: cst.Call) -> Iterator[_Verdict]:
    default = pyutil.keyword(call, "default")
    value = _literal(default.value) if default is not None else None
    if default is None or value is None:
        return
    options = [v for a in call.args if a.keyword is None
               and (v := pyutil.string_value(a.value)) and v.startswith("-")]
    if not options:
        return
    name = max(options, key=len).lstrip("-").replace("-", "_")
    kind = secret_kind(name)
    if kind is not None:
        yield from _checked(source, default.value, value, name, name, kind)


def _judge(parameter: str) -> str:
    """The name whose rules judge a positional credential (``key`` alone is not secret)."""
    return "signing_key" if parameter == "key" else parameter


# The arguments the call search judges (``_call_hits``): (qualified callee, position) or
# (qualified callee, ``"key"``), all of them, and those that take a key (``Fernet(b"...")``,
# ``jwt.encode(payload, key="...")``).
_CREDENTIAL_ARGUMENTS = frozenset({(q, index) for q, (index, _, _) in _POSITIONAL.items()}
                                  | {(q, "key") for q in _KEY_KEYWORD})
_KEY_ARGUMENTS = frozenset({(q, index) for q, (index, parameter, _) in _POSITIONAL.items()
                            if names_key(_judge(parameter))} | {(q, "key") for q in _KEY_KEYWORD})


def _may_pass_credential(source: Source, arguments: frozenset[tuple[str, int | str]]) -> bool:
    """Whether a credential call may be passed a literal where the call search reads one
    (:func:`literal_arguments`); a file ``ast`` cannot screen goes through."""
    passed = bound_names.literal_arguments(source, _callees(arguments))
    return passed is None or not passed.isdisjoint(arguments)


@cache
def _callees(arguments: frozenset[tuple[str, int | str]]) -> frozenset[str]:
    return frozenset(callee for callee, _ in arguments)


def _plain_binding_fires(name: str, value: str, *, weak: bool) -> bool:
    """Whether the search may report ``value``, a plain string bound to ``name`` alone, as
    a guessable key (``weak``, TW104's) or as a secret (TW101's): what
    :func:`_value_hits` and :func:`_checked` ask of it (a password inside it is found by
    the screens' own test of every string)."""
    last = name.rsplit(".", 1)[-1]
    kind = secret_kind(last)
    if kind is None or kind == "connection string":
        return False
    verdict = _verdict(strip_auth_scheme(value), last)
    return verdict is not None and bool(verdict) == weak


def may_bind_weak_key(source: Source) -> bool:
    """Whether the key search could find a guessable key (TW104's verdict) in this Python
    file. Such a verdict needs a literal bound to a name of a key (``names_key``) or passed
    to a call that takes a key (a plain string bound to a name alone: one the search would
    judge guessable); :func:`bound_literals` holds every name a literal can be bound
    to, and :func:`literal_arguments` every call argument a literal may be passed through
    (``_KEY_ARGUMENTS``: ``Fernet(b"...")``, ``jwt.encode(p, key="...")``). False lets
    TW104 leave the libcst tree unbuilt (TW101 builds it when its own prefilter wants the
    file)."""
    if "module" in source.__dict__:
        return True  # built already (TW104 runs last): the search costs less than the screen
    if not _may_name_key(source):
        return False  # no name of a key and no call that takes one: no tree to parse
    bindings = bound_names.bound_literals(source)
    return bindings is None or any(
        names_key(name) if value is None else _plain_binding_fires(name, value, weak=True)
        for name, value in bindings) or _may_pass_credential(source, _KEY_ARGUMENTS)


def _may_name_key(source: Source) -> bool:
    """The screen's text test, before the ``ast`` tree it reads is parsed: TW104 needs a
    literal bound to a name of a key (``names_key``: ``signing_key``, ``JWT_SECRET``) or
    passed to a call that takes one. Such a name is written in the file, and every name
    of a key holds ``key`` or ``secret`` (a test checks the vocabulary's tables): each
    name written around one (``vocabulary.names_written_at``) is judged as the screen
    would judge it. In Home Assistant's wheel, 1,679 of the 1,847 Python files TW104's
    keywords let through hold no such name (their ``_key`` is a ``translation_key``, a
    ``unique_key``): their trees were parsed for nothing."""
    lowered = source.lowered
    if len(lowered) != len(source.text) or any(
            module in lowered for module in _key_call_modules()):
        return True  # (lower-casing moved the offsets: the names cannot be read back)
    return any(names_key(name) for word in ("key", "secret")
               for name in names_written_at(source.text, lowered, word))


@cache
def _key_call_modules() -> tuple[str, ...]:
    """The top-level modules of the calls that take a key (``cryptography``,
    ``itsdangerous``, ``jwt``, ``pydantic``): a call resolves to one only through an
    import of its module or a dotted name from it, so a file that may pass one a literal
    spells the module."""
    return tuple(sorted({callee.split(".")[0].lower()
                         for callee in _callees(_KEY_ARGUMENTS)}))


def may_bind_secret(source: Source) -> bool:
    """Whether the key search (TW101's and TW104's verdicts) could find anything in this
    Python file, read from its ``ast`` tree; each test is one of the search's own,
    loosened:

    - a literal bound to a name (:func:`bound_literals`: only where a literal can be bound)
      that ``secret_kind`` or ``names_login_pair`` judges a secret's or a login pair's; a
      plain string bound to a name alone, only if the search would report it
      (:func:`_plain_binding_fires`, the search's own checks on the same value and name);
    - a literal or a plain name passed where the call search reads a credential
      (``_CREDENTIAL_ARGUMENTS``, through :func:`literal_arguments`), or a ``_METHODS``
      call;
    - ``"Bearer " + value`` (``_AUTH_SCHEME``);
    - a string, bytes or string addition whose text holds an embedded credential
      (:func:`_embedded`, the search's own three checks, on the same value);
    - an f-string: its text is read as libcst reads it (escapes unresolved, expressions
      as "X"), from its own source parsed alone, for :func:`_embedded` and
      :func:`_bearer_formatted`; a piece that does not parse alone lets the file through.

    A tree already built is read instead; a file ``ast`` cannot screen goes through."""
    return source.screened(_secret_screen)


def _secret_screen(source: Source) -> bool:
    bindings = bound_names.bound_literals(source)
    if bindings is None or any(
            secret_kind(n) or secret_kind(n.rsplit(".", 1)[-1]) or names_login_pair(n)
            if value is None else _plain_binding_fires(n, value, weak=False)
            for n, value in bindings):
        return True
    if _may_pass_credential(source, _CREDENTIAL_ARGUMENTS) or _may_hand_on_row(source):
        return True
    # An f-string inside another (a format spec, a nested f-string) is read with the
    # outer one's source: ``ast`` positions inside f-strings are not reliable before 3.12.
    nodes = source.syntax_of(ast.Constant, ast.Call, ast.BinOp, ast.JoinedStr)
    formatted = source.syntax_of(ast.JoinedStr)
    inner = {id(node) for outer in formatted for node in ast.walk(outer)
             if node is not outer and isinstance(node, ast.JoinedStr)}
    return any(_may_hold_secret(source, node) for node in nodes if id(node) not in inner)


def _may_hand_on_row(source: Source) -> bool:
    """Whether a loop that unpacks rows (``for u, p in users:``) names one of its variables
    as a credential, or hands one to a credential keyword or to a call the call search
    reads (what :func:`_handed_on` follows; an ``INSERT`` with a credential column lets the
    file through on its own)."""
    for loop in source.syntax_of(ast.For):
        if not isinstance(loop.target, ast.Tuple | ast.List) or not _may_walk_table(
                source, loop.iter):
            continue
        names = {e.id for e in loop.target.elts if isinstance(e, ast.Name)}
        if any(secret_kind(name) for name in names):
            return True
        for node in ast.walk(loop):
            if isinstance(node, ast.keyword) and isinstance(node.value, ast.Name) \
                    and node.value.id in names and secret_kind(node.arg):
                return True
            if isinstance(node, ast.Call) and any(
                    isinstance(a, ast.Name) and a.id in names for a in node.args) \
                    and _may_read_credential(node):
                return True
    return False


def _may_walk_table(source: Source, walked: ast.expr) -> bool:
    """Whether a loop's iterable may be a table literal, as the data flow resolves it
    (``flow.Analysis.row_bindings``): the literal itself, or a name or attribute that may
    reach one (``SyntaxFlow.reachable``); not a call's result."""
    if isinstance(walked, ast.List | ast.Tuple | ast.Set):
        return True
    return isinstance(walked, ast.Name | ast.Attribute) and _may_reach(
        source, walked, lambda value: isinstance(value, ast.List | ast.Tuple | ast.Set))


def _may_reach(source: Source, node: ast.Name | ast.Attribute,
               wanted: Callable[[ast.expr], bool]) -> bool:
    """Whether a value ``Analysis.resolve`` may end at from ``node`` is ``wanted`` (a file
    ``ast`` cannot screen: yes)."""
    flow = syntax_flow.syntax_flow(source)
    return flow is None or any(wanted(value) for value in flow.reachable(node))


def _may_read_credential(call: ast.Call) -> bool:
    """A call the call search may read a credential from, by its callee's last name."""
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else (
        func.id if isinstance(func, ast.Name) else None)
    return last is not None and (last in _METHODS or last in _POSITIONAL_LAST_NAMES)


_POSITIONAL_LAST_NAMES = frozenset(q.rpartition(".")[2] for q in _POSITIONAL)


def _may_hold_secret(source: Source, node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        value = node.value
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        return isinstance(text, str) and (any(True for _ in _embedded(text))
                                          or sql.inserts_credential(text))
    if isinstance(node, ast.Call):
        # ``server.login(user, password)``: the call search reads the one argument, when
        # it is a literal or a plain name it may follow to one (``client.login()`` is not).
        spec = _METHODS.get(node.func.attr) if isinstance(node.func, ast.Attribute) else None
        if spec is None:
            return False
        plain = syntax_flow.positional(node)
        if spec[0] >= len(plain):
            return False
        passed = plain[spec[0]]
        if isinstance(passed, ast.Name):
            # What ``_passed_literal`` follows: a name without a secret's (one with is
            # reported where it is bound), to a literal it is assigned.
            return not secret_kind(passed.id) and _may_reach(source, passed,
                                                             bound_names.holds_literal)
        return isinstance(passed, ast.Constant | ast.BinOp | ast.JoinedStr)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = node.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str) and \
                _AUTH_SCHEME.match(left.value):
            return True
        added = _ast_added_strings(node)
        return added is not None and any(True for _ in _embedded(added))
    if isinstance(node, ast.JoinedStr):
        return _formatted_may_hold(source, node)
    return False


def _ast_added_strings(node: ast.BinOp) -> str | None:
    """:func:`_added_strings` over ``ast``: the value when every operand is a string."""
    parts: list[str] = []
    stack: list[ast.expr] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            stack += (current.right, current.left)
        elif isinstance(current, ast.Constant) and isinstance(current.value, str):
            parts.append(current.value)
        else:
            return None
    return "".join(parts)


def _formatted_may_hold(source: Source, node: ast.JoinedStr) -> bool:
    """The f-strings of ``node``'s source, parsed alone by libcst (small: an expression),
    as the search reads them."""
    _load_libcst()
    try:
        # In brackets: the pieces of an implicit concatenation may stand on several lines.
        expression = cst.parse_expression(f"({source.syntax_segment(node)})")
    except Exception:  # a piece that does not parse alone: let the file through
        return True
    stack: list[cst.CSTNode] = [expression]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.FormattedString) and (
                _bearer_formatted(current) or any(True for _ in _embedded(_static(current)))):
            return True
        stack.extend(current.children)
    return False


# Credential calls that may spread their arguments over the next lines (the one-line case is
# seen through the literal's own line anyway).
_CALLS = ("secretstr(", "add_argument(", "httpbasicauth(", "httpdigestauth(",
          "httpproxyauth(", "basicauth(", "digestauth(",
          "github(", "webclient(", "clientsecretcredential(", "usernamepasswordcredential(",
          "stripeclient(", "sendgridapiclient(", "simple_bind_s(", "simple_bind(", "bind_s(",
          ".login(",
          "jwt.encode(", "jwt.decode(", "mysqldb.connect(", "pymysql.connect(", "ftp(",
          "ftp_tls(", "ldap3.connection(", "telegram.bot(", "make_password(",
          "generate_password_hash(", "hashpw(", "set_password(", ".hash(", ".encrypt(")
# Key objects made from a key that may be bound far above (``Fernet(key)``): parsed always.
KEY_CALLS = ("fernet(", "serializer(", "signer(")
_SCHEMES = ("bearer ", "token ", "basic ", "bot ")
_BUILT_AFTER_SCHEME = lazy_regex(r"\{|[\"']\s*\+")
# A URL's user-info (`scheme://user:password@`) in one linear pass; the password is what
# follows its last colon. (`://[^\s/@'"]*:([^\s/@'"]+)@`, the regex this replaces, took
# 32 s on a 100 KB line of `http://a:a:a:...`: it tried every colon against every end.)
_URL_USERINFO = lazy_regex(r"://([^\s/@'\"]*+)@")
# A value after `password =`; at most 256 characters, so `pwd=pwd=pwd=...` costs a bounded
# look per occurrence instead of a scan to the end of the run each time.
_PASSWORD_PAIR = lazy_regex(r"\s*=\s*([^\s;'\"\[\](){},]{6,256}+)(?=[;\s'\"]|$)",
                            re.MULTILINE)
_QUOTE = lazy_regex(r"[\"'`]")
# Where one literal ends and the next begins: `"ab" "cd"`, `"ab" +`, `"ab" \`, over lines.
_LITERAL_SEAM = lazy_regex(r"""(["'])[\s+\\]*\1""")
# A line that goes on: an open bracket, a backslash, an operator or an assignment.
_CONTINUES = ("(", "[", "{", "\\", "+", "=", ",")


def _quoted_candidate(text: str, *, password: bool) -> bool:
    """Whether any run between two quotes in ``text`` could be a secret. Every run between
    consecutive quote characters is tried, so both alignments of the quotes are covered.
    Literals split over lines are joined first: a token cut in pieces is one candidate."""
    text = _LITERAL_SEAM.sub("", text)
    return any(len(part) >= (4 if password else 6)
               and could_be_secret(part, password=password)
               for part in _QUOTE.split(text)[1:-1])


def url_passwords(text: str) -> Iterator[str]:
    """Every password of a ``scheme://user:password@`` in ``text`` (linear time)."""
    for match in _URL_USERINFO.finditer(text):
        _, colon, password = match.group(1).rpartition(":")
        if colon and password:
            yield password


def _wants(lowered: str) -> bool:
    """File prefilter (on the lower-cased text): parse only files where a literal that could
    be a secret sits after a secret-like word on its line, after a credential call, inside a
    URL's credentials or a connection string, or where a bearer header is built.

    Words of the password kind are judged with a password's leniency (6 characters, single
    words), the others as tokens (so ``auth=("user", "pw")`` with a password shorter than
    8 characters is seen only when a password word is on the line). Literal searches
    (``str.find``, one automaton pass for many words): much faster than a regex
    alternation over the whole file.
    """
    if has_inline_candidate(lowered):
        return True
    # Per line, the earliest secret-like name: the text after it covers every later one.
    earliest: dict[tuple[int, bool], int] = {}
    for after, password in secret_name_ends(lowered):
        if password:  # password=s3cr3t, unquoted (a docstring, a command line)
            pair = _PASSWORD_PAIR.match(lowered, after)
            if pair is not None and could_be_secret(pair.group(1)):
                return True
        end = lowered.find("\n", after)
        if end < 0:
            end = len(lowered)
        if lowered[after:end].rstrip().endswith(_CONTINUES):
            end = min(len(lowered), after + 300)  # the literal is on the next lines
        key = (end, password)
        earliest[key] = min(after, earliest.get(key, after))
    if any(_quoted_candidate(lowered[after:end][:300], password=password)
           for (end, password), after in earliest.items()):
        return True
    if "://" in lowered and any(could_be_secret(p) for p in url_passwords(lowered)):
        return True
    if _may_insert_credential(lowered) or _may_hand_on_row_text(lowered):
        return True
    # The credential calls, the key calls and the schemes in one pass over the text (a
    # str.find loop per word read Home Assistant's Python files 34 times each: a third of
    # this prefilter's time).
    for position, number in literal_occurrences(lowered, _AFTER_WORDS):
        after = position + len(_AFTER_WORDS[number])
        if number < len(_CALLS):
            if _quoted_candidate(lowered[after : after + 300], password=True):
                return True
        elif number < len(_CALLS) + len(KEY_CALLS) or _BUILT_AFTER_SCHEME.match(lowered,
                                                                                after):
            return True
    return False


def _may_insert_credential(lowered: str) -> bool:
    """An ``INSERT`` whose column list names a credential (the values given to it are
    judged by their column)."""
    for position in occurrences(lowered, "insert"):
        columns = lowered[position : position + 400].split("values", 1)[0]
        if "into" in columns and mentions_credentials(columns):
            return True
    return False


def _may_hand_on_row_text(lowered: str) -> bool:
    """A loop that unpacks rows with a credential's name or a credential call in the lines
    after it, in a file with a row whose first cell is a string: where a literal may reach
    a credential through a loop variable (what ``_may_hand_on_row`` asks of the tree)."""
    # ``str.find`` for the keyword, the pattern only where it stands: a regex search over
    # the whole text cost more than the rest of this prefilter.
    loops = [start for start in occurrences(lowered, "for ")
             if _ROW_LOOP.match(lowered, start) is not None]
    return any(mentions_credentials(body) or any(call in body for call in _CALLS)
               for body in (lowered[start : start + _LOOP_REACH] for start in loops)) \
        and _STRING_ROW.search(lowered) is not None


# A loop that unpacks rows, and a row of a table whose first cell is a string.
_ROW_LOOP = lazy_regex(r"(?<![\w.])for \s*+\(?[a-z_]\w*+\s*+,")
_STRING_ROW = lazy_regex(r"[\[(,]\s*+\(\s*+[bru]?[\"'][^\"'\n]{0,120}+[\"']\s*+,")
# How far after a loop's head its variables are looked for being handed on.
_LOOP_REACH = 600


# What _wants looks after: a credential call's literal, a key call, a scheme's built value.
_AFTER_WORDS = (*_CALLS, *KEY_CALLS, *_SCHEMES)


_BAD, _GOOD = examples.load("hardcoded_secret")

RULE = Rule(
    id="TW101",
    name="hardcoded-secret",
    title="Hard-coded secret in code",
    category=Category.HARDCODED_SECRET,
    severity=Severity.HIGH,
    cwe=(798,),
    message="Hard-coded {detail} bound to {target}",
    hint="Load it at run time from the environment or a secret store (in Python "
         "os.environ[\"NAME\"] or tokenward.store.get(\"NAME\")), and rotate the exposed "
         "value.",
    kinds=PYTHON | CODE_KINDS,
    fix="move-secret",
    keywords=(*SECRET_KEYWORDS, "://", "login", "bind", "connect", "github", "webclient",
              "getenv", "environ", "ftp", "connection", "client", "bot(", *KEY_CALLS),
    prefilter=_wants,
    screens=True,
    detect=_detect,
    docs=RuleDocs(
        what=(
            "A string literal that is a credential, found by where it is bound:\n"
            "- to a secret-like name: variables, attributes (`self.api_key`, "
            "`stripe.api_key`), class attributes, annotated and multi-target assignments, "
            "tuple unpacking, dictionary keys (nested too), default arguments, keyword "
            "arguments, comparisons (`if password == \"...\"`), and the default of an "
            "environment lookup (`os.getenv(\"API_TOKEN\", \"...\")`, or a project's own "
            "wrapper named for the environment: `envsecret(\"API_TOKEN\", \"...\")`);\n"
            "- to credential parameters of real libraries: `requests`/`httpx` "
            "`auth=(user, pw)`, `HTTPBasicAuth`, `Authorization: Bearer` headers, boto3 "
            "`aws_secret_access_key=`, PyGithub `Github(token)`/`Auth.Token`, slack_sdk "
            "`WebClient(token)`, `stripe.api_key`, `openai.OpenAI(api_key=)`, Azure "
            "`ClientSecretCredential(tenant, client, secret)`, `connect(password=)` "
            "(psycopg2, pymysql, MySQLdb), smtplib/imaplib/ftplib `login(user, pw)`, LDAP "
            "`simple_bind_s(dn, pw)`, ldap3 `Connection(server, user, pw)`, "
            "`jwt.encode(payload, key)`, `Fernet(key)` and itsdangerous serializers "
            "(a key passed by a plain name is followed to its literal), and a password "
            "hashed in the code: Django's `make_password`, Werkzeug's "
            "`generate_password_hash`, `bcrypt.hashpw`, passlib's `pbkdf2_sha256.hash` "
            "(and its other schemes), `user.set_password(...)`;\n"
            "- to a credential column of an SQL `INSERT` written in the file, by `%` "
            "formatting, `.format` or the parameters of `execute`/`executemany` "
            "(`VALUES (?, ?)`, `('%s', '%s')`);\n"
            "- as a cell of a table of rows that a loop unpacks (`users = [(\"admin\", "
            "\"...\")]` then `for u, p in users:`) and hands to any of the above, or binds "
            "to a secret-like name itself (`for user, password in accounts:`): seeded "
            "accounts;\n"
            "- embedded in URLs and connection strings anywhere "
            "(`postgres://app:PASSWORD@db/app`, `Server=...;Password=...`);\n"
            "- bearer headers built from literals with f-strings or `+` "
            "(`f\"Bearer {GH}\"` where `GH = \"ghp_...\"`).\n"
            "A literal split over lines (`(\"ab\" \"cd\")`, `\"ab\" + \"cd\"`, a backslash "
            "continuation) is judged whole. A file that does not parse (a syntax error, code "
            "too deeply nested for the parser) is still read: its `NAME = \"literal\"`, "
            "`keyword=\"literal\"` and `\"key\": \"literal\"` lines are judged as TW102 "
            "judges configuration files.\n"
            "Other languages' sources are read as text, by a small grammar per family "
            "(`.js`/`.ts`/`.jsx`/`.tsx`, `.html`/`.vue`/`.svelte`, `.go`, `.java`, `.rb`, "
            "`.php`, `.cs`): `const adminPassword = \"...\"`, `password: '...'` and "
            "`\"token\": \"...\"` in objects, TypeScript `apiKey: string = \"...\"`, Go "
            "`token := \"...\"` and `var key string = \"...\"`, Java/C# typed fields "
            "(`String API_TOKEN = \"...\"`), `name == \"...\"` and Java `.equals(\"...\")`, "
            "PHP `$db_password = '...'`, `'key' => '...'` and `define('KEY', '...')`, Ruby "
            "`KEY = '...'`, `key: '...'` and `:key => '...'`, `put(\"key\", \"...\")`, "
            "HTML `data-api-key=\"...\"` and `<input name=\"client_secret\" "
            "value=\"...\">` (`type=\"password\"` names a password). Literals joined with "
            "`+` (PHP `.`) are one value; a literal that is only part of an expression "
            "(`\"Bearer \" + token`), a template with `${...}`/`#{...}`/PHP `$var`, comment "
            "lines and `/* */` blocks are not read. Their findings are fixed by hand.\n"
            "Secret-like names are split into words: `token`, `secret`, `password` (`passwd`, "
            "`pwd`, `pass`), `api_key`, `access_key`, `private_key`, `client_secret`, `auth`, "
            "`credential(s)`, `bearer`, `session_key`, `signing_key`, `webhook_secret`, "
            "`dsn` ... but not when the last word describes the secret (`token_url`, "
            "`password_reset_url`, `secret_name`, `key_id`, `token_count`, "
            "`csrf_token_header`) or a word makes it public or a count (`public_key`, "
            "`max_tokens`), or the name of a setting or an attribute (`CONF_API_KEY = "
            "\"api_key\"`, `ATTR_ACCESS_TOKEN`); `keyboard` is not `key`.\n"
            "In production code a password is reported whatever its shape (`admin`, "
            "`MyPassword`, `12345678`: seeded accounts and default passwords); a signing or "
            "encryption key that can be guessed is left to TW104 `weak-key`."
        ),
        why=(
            "Code is copied, forked, pasted into tickets and kept in git history forever; a "
            "credential in it is readable by everyone who can read the code, and it cannot "
            "be rotated without a deploy. Hard-coded credentials are CWE-798."
        ),
        how=(
            "Read the value at run time from the environment (`os.environ[\"API_TOKEN\"]`) "
            "or from tokenward's store (`tokenward.store.get(\"API_TOKEN\")`), and "
            "rotate the value that was committed: removing it from the code does not remove "
            "it from history."
        ),
        not_flagged=not_flagged_doc(
            "Names that describe a secret instead of holding one (see above).",
            "GitHub classic and npm tokens whose checksum is wrong: made up for tests.",
            "Usernames in `auth=(user, password)` tuples.",
            "Values read from the environment, files or a secret store (`process.env.X`, "
            "`os.Getenv`, `ENV['X']`, `getenv('X')`): only literals are judged. A "
            "positional credential split over several lines from the call's name "
            "may be missed by the file prefilter (the keyword form is always seen).",
        ),
        references=(
            "https://cwe.mitre.org/data/definitions/798.html",
            "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
        ),
        fix_safety=(
            "The fix moves the value out of the code and reads it back at run time: into a "
            "git-ignored `.env` (`--to env`, the default; `os.environ[\"NAME\"]`) or the "
            "encrypted vault (`--to store`; `tokenward.store.get(\"NAME\")`). The value is "
            "stored and read back before the file is rewritten, and a name that already "
            "holds another value gets a suffix (`API_KEY_2`). The program then needs that "
            "variable (or the vault) wherever it runs. Moving a secret does not make it "
            "secret again: revoke and rotate it."
        ),
    ),
    bad=_BAD,
    good=_GOOD,
)
