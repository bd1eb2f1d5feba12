"""TW303: signed tokens with no age limit (itsdangerous, django.core.signing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.source import Source
from tokenward.analysis.vocabulary import names_auth_purpose, names_opt_out, names_token
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import bound_names, python, token_flow
    from tokenward.analysis import flow as dataflow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    bound_names = lazy_module("tokenward.analysis.bound_names")
    dataflow = lazy_module("tokenward.analysis.flow")
    python = lazy_module("tokenward.analysis.python")
    token_flow = lazy_module("tokenward.analysis.token_flow")

UNTIMED = frozenset({
    "itsdangerous.URLSafeSerializer", "itsdangerous.Serializer", "itsdangerous.Signer",
    "itsdangerous.url_safe.URLSafeSerializer", "itsdangerous.serializer.Serializer",
    "itsdangerous.signer.Signer", "itsdangerous.JSONWebSignatureSerializer",
})
TIMED = frozenset({
    "itsdangerous.URLSafeTimedSerializer", "itsdangerous.TimedSerializer",
    "itsdangerous.TimestampSigner", "itsdangerous.url_safe.URLSafeTimedSerializer",
    "itsdangerous.timed.TimedSerializer", "itsdangerous.timed.TimestampSigner",
    "django.core.signing.TimestampSigner",
})
_TIMED_READS = frozenset({"loads", "unsign", "loads_unsafe"})
DJANGO_LOADS = "django.core.signing.loads"




class _Bindings:
    """Dotted names (``s``, ``self.signer``) and factory functions bound to serializers."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.kind_of: dict[str, str] = {}  # dotted name -> "timed" | "untimed"
        self.factories: dict[str, str] = {}  # function name -> kind
        bindings = source.analysis.bindings
        for ret in bindings:
            kind = self.kind(ret.value) if ret.kind is dataflow.Kind.RETURN else None
            if kind:
                self.factories[ret.name] = kind
        for assign in bindings:
            assigned = assign.kind in (dataflow.Kind.ASSIGN, dataflow.Kind.ANNOTATED)
            kind = self.kind(assign.value) if assigned else None
            if kind and isinstance(assign.target, cst.Name | cst.Attribute):
                self.kind_of[assign.name] = kind

    def kind(self, node: cst.BaseExpression | None) -> str | None:
        if isinstance(node, cst.Call):
            name = python.call_name(self.source, node) or ""
            if name in TIMED:
                return "timed"
            if name in UNTIMED:
                return "untimed"
            callee = python.last_name(node.func) or ""
            if callee in self.factories and isinstance(node.func, cst.Name | cst.Attribute):
                return self.factories[callee]
            return None
        dotted = python.dotted_name(node) if node is not None else None
        return self.kind_of.get(dotted) if dotted else None


def _untimed_used_for_auth(source: Source, ctor: cst.Call) -> bool:
    assert source.index is not None
    salt = python.argument(ctor, 1, "salt")
    if salt is not None and names_auth_purpose(python.string_value(salt.value)):
        return True
    parent = source.index.parent(ctor)
    names: set[str] = set()
    if isinstance(parent, cst.Assign):
        for target in parent.targets:
            name = python.dotted_name(target.target)
            if name:
                names.add(name)
    func = source.analysis.function(ctor)
    if func is not None and names_auth_purpose(func.name.value):
        return True
    if any(names_auth_purpose(n.rpartition(".")[2]) for n in names):
        return True
    for call in source.index.of(cst.Call):
        method = call.func
        if not isinstance(method, cst.Attribute) or method.attr.value not in {
                "dumps", "loads", "sign", "unsign"}:
            continue
        receiver = method.value
        if receiver is not ctor and python.dotted_name(receiver) not in names:
            continue
        where = source.analysis.function(call)
        if where is not None and names_auth_purpose(where.name.value):
            return True
        if method.attr.value in {"dumps", "sign"} and token_flow.token_use(source, call):
            return True
        salt = python.keyword(call, "salt")
        if salt is not None and names_auth_purpose(python.string_value(salt.value)):
            return True
    return False


def _detect(source: Source) -> Iterator[Hit]:
    if reports_only_proven(source) or not _may_sign(source) or source.index is None:
        return
    binds = _Bindings(source)
    yield from _untimed_hits(source)
    for call in source.index.of(cst.Call):
        name = python.call_name(source, call) or ""
        if name in UNTIMED:
            continue
        if name == DJANGO_LOADS:
            if python.keyword(call, "max_age") is None and _django_auth(source, call):
                yield Hit(span=source.span(call), target="signing.loads",
                          detail="called without max_age", code=source.code(call),
                          fixable=False)
            continue
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _TIMED_READS):
            continue
        if binds.kind(func.value) != "timed":
            continue
        if not _limits_age(call) and not _aged_elsewhere(source, call):
            yield Hit(span=source.span(call), target=f"{source.code(func.value)}."
                      f"{func.attr.value}", detail="called without max_age",
                      code=source.code(call), fixable=False)


# What a file must call for the rule to report in it: every finding starts from a
# serializer or signer it builds (directly, or through a factory of the file whose return
# builds one), or from Django's ``signing.loads``.
_SCREENED_CALLS = UNTIMED | TIMED | {DJANGO_LOADS}


def _may_sign(source: Source) -> bool:
    """The screen (``ast``): the file calls one of ``_SCREENED_CALLS``."""
    return bound_names.may_call(source, _SCREENED_CALLS)


def _untimed_hits(source: Source) -> Iterator[Hit]:
    """One finding per untimed serializer of credentials, where one edit fixes it.

    A serializer bound to a local is reported at each of its reads in that function:
    ``loads()`` is where a token is accepted forever. One built in a factory, an attribute
    or a module-level name serves several functions: its construction is reported. A local
    that only mints is left to the reading side when this file reads a serializer of the
    same salt (the email-change link minted in one function and read in the next is one
    flaw, not two)."""
    assert source.index is not None
    minted: list[tuple[cst.Call, str]] = []
    read_salts: set[str | None] = set()
    for ctor in source.index.of(cst.Call):
        name = python.call_name(source, ctor) or ""
        if name not in UNTIMED or not _untimed_used_for_auth(source, ctor):
            continue
        short = name.rpartition(".")[2]
        local = _local_name(source, ctor)
        reads = _local_reads(source, ctor, local) if local else []
        if not local:
            yield Hit(span=source.span(ctor), target=short, detail="its tokens never expire",
                      code=source.code(ctor), fixable=False)
        elif reads:
            read_salts.add(_salt(ctor))
            for read in reads:
                assert isinstance(read.func, cst.Attribute)
                yield Hit(span=source.span(read), target=f"{local}.{read.func.attr.value}",
                          detail=f"reads {short} tokens, which never expire",
                          code=source.code(read), fixable=False)
        else:
            minted.append((ctor, short))
    for ctor, short in minted:
        if not read_salts or (_salt(ctor) not in read_salts and None not in read_salts):
            yield Hit(span=source.span(ctor), target=short, detail="its tokens never expire",
                      code=source.code(ctor), fixable=False)


def _local_name(source: Source, ctor: cst.Call) -> str | None:
    """``s`` in ``s = URLSafeSerializer(...)`` inside a function, else None."""
    assert source.index is not None
    parent = source.index.parent(ctor)
    if source.analysis.function(ctor) is None or not isinstance(parent, cst.Assign) or \
            len(parent.targets) != 1 or not isinstance(parent.targets[0].target, cst.Name):
        return None
    return parent.targets[0].target.value


def _local_reads(source: Source, ctor: cst.Call, local: str) -> list[cst.Call]:
    """The ``local.loads(...)``/``local.unsign(...)`` calls in the function binding it."""
    assert source.index is not None
    scope = source.analysis.function(ctor)
    reads = []
    for call in source.index.of(cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _TIMED_READS and \
                isinstance(func.value, cst.Name) and func.value.value == local and \
                source.analysis.function(call) is scope:
            reads.append(call)
    return reads


def _salt(ctor: cst.Call) -> str | None:
    salt = python.argument(ctor, 1, "salt")
    return python.string_value(salt.value) if salt is not None else None


def _limits_age(call: cst.Call) -> bool:
    max_age = python.keyword(call, "max_age") or python.positional(call, 1)
    return max_age is not None and not (isinstance(max_age.value, cst.Name)
                                        and max_age.value.value == "None")


def _aged_elsewhere(source: Source, call: cst.Call) -> bool:
    """The same signer reads the same value with a ``max_age`` in the same function, in a
    ``try`` that handles ``SignatureExpired``: the read without one only checks the
    signature first (``unsign(v)``, then ``unsign(v, max_age=300)`` to decide what an old
    link does)."""
    assert source.index is not None and isinstance(call.func, cst.Attribute)
    scope = source.analysis.function(call)
    receiver, value = source.code(call.func.value), python.argument(call, 0, "s")
    if scope is None or value is None:
        return False
    for other in source.index.of(cst.Call):
        func = other.func
        if other is call or not isinstance(func, cst.Attribute) or \
                func.attr.value != call.func.attr.value or \
                source.code(func.value) != receiver or \
                source.analysis.function(other) is not scope:
            continue
        other_value = python.argument(other, 0, "s")
        if other_value is not None and source.code(other_value.value) == source.code(
                value.value) and _limits_age(other) and _handles_expiry(source, other):
            return True
    return False


def _handles_expiry(source: Source, call: cst.Call) -> bool:
    """The call sits in a ``try`` that catches ``SignatureExpired``: what an old token
    does is decided there, deliberately."""
    assert source.index is not None
    node: cst.CSTNode | None = call
    while node is not None and not isinstance(node, cst.FunctionDef):
        if isinstance(node, cst.Try) and any(
                handler.type is not None and "SignatureExpired" in source.code(handler.type)
                for handler in node.handlers):
            return True
        node = source.index.parent(node)
    return False


def _django_auth(source: Source, call: cst.Call) -> bool:
    assert source.index is not None
    salt = python.keyword(call, "salt")
    if salt is not None and names_opt_out(python.string_value(salt.value)):
        return False  # an unsubscribe link: meant to keep working
    if salt is not None and names_auth_purpose(python.string_value(salt.value)):
        return True
    value = python.positional(call, 0)
    if value is not None and names_token(python.last_name(value.value) or ""):
        return True
    func = source.analysis.function(call)
    return func is not None and names_auth_purpose(func.name.value)


RULE = Rule(
    id="TW303",
    name="untimed-serializer",
    title="Signed token with no age limit",
    category=Category.MISSING_EXPIRY,
    severity=Severity.MEDIUM,
    cwe=(613,),
    message="{target}: {detail}",
    hint="Use URLSafeTimedSerializer and pass max_age to loads() (e.g. max_age=3600)",
    docs=RuleDocs(
        what="Finds signed tokens without an age limit: itsdangerous non-timed serializers "
             "and signers (`URLSafeSerializer`, `Serializer`, `Signer`) used for "
             "authentication, password resets, confirmations or sessions (judged from the "
             "salt, the variable name, the names of the functions that build or use it, and "
             "whether its `dumps()` result is used as a token), once per flaw: at its "
             "`loads()` when it is a local of the reading function (where a token is "
             "accepted forever), else at its construction; a local that only mints is left "
             "to a read of the same salt in the file; `loads()`/`unsign()` of "
             "timed serializers and signers (`URLSafeTimedSerializer`, `TimedSerializer`, "
             "`TimestampSigner`) without `max_age`, also through a factory function or an "
             "attribute; and Django `signing.loads()` for such tokens without `max_age`.",
        why="A signature proves who made a token, not when. Without an age check a reset "
            "or confirmation link works forever: one leaked email is a permanent key.",
        how="Use `URLSafeTimedSerializer` and always pass `max_age` to `loads()` "
            "(an hour for reset links, a day at most for confirmations).",
        not_flagged="Non-timed serializers for data that is not a credential (cache "
                    "payloads, signed preferences, unsubscribe links); `loads()` with "
                    "`max_age`, by keyword or position; Django `signing.loads()` with no sign "
                    "of authentication in its salt, argument or function, or salted for "
                    "opting out (`unsubscribe`); a read without `max_age` when the same "
                    "signer reads the same value with `max_age` in the same function, in a "
                    "`try` handling `SignatureExpired` (the first read checks the signature "
                    "only); serializers the rule cannot resolve; test code.",
        references=("https://cwe.mitre.org/data/definitions/613.html",
                    "https://itsdangerous.palletsprojects.com/en/stable/timed/",
                    "https://docs.djangoproject.com/en/stable/topics/signing/"),
    ),
    detect=_detect,
    kinds=PYTHON,
    screens=True,
    keywords=("itsdangerous", "signing", "timestampsigner"),
    bad=(
        Example(
            """
            from itsdangerous import URLSafeSerializer

            def make_reset_link(user, secret):
                s = URLSafeSerializer(secret, salt="password-reset")
                return "https://example.com/reset/" + s.dumps(user.id)
            """,
            expect=(
                Expected(4, 9, "URLSafeSerializer: its tokens never expire"),
            ),
        ),
        Example(
            """
            from itsdangerous import URLSafeTimedSerializer

            class Tokens:
                def __init__(self, secret):
                    self.serializer = URLSafeTimedSerializer(secret)

                def confirm(self, token):
                    return self.serializer.loads(token, salt="email-confirm")
            """,
            expect=(
                Expected(8, 16, "self.serializer.loads: called without max_age"),
            ),
        ),
        Example(
            """
            from django.core import signing

            def activate(request, token):
                user_id = signing.loads(token, salt="account-activation")
                return user_id
            """,
            expect=(
                Expected(4, 15, "signing.loads: called without max_age"),
            ),
        ),
    ),
    good=(
        Example(
            """
            from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

            cache_signer = URLSafeSerializer("k", salt="cache")
            blob = cache_signer.dumps({"page": 3})

            def confirm(secret, token):
                s = URLSafeTimedSerializer(secret, salt="email-confirm")
                return s.loads(token, max_age=3600)

            def reset(secret, token):
                return URLSafeTimedSerializer(secret).loads(token, 900)
            """,
        ),
        Example(
            """
            from django.core import signing

            def read_preferences(cookie):
                return signing.loads(cookie, salt="prefs")
            """,
        ),
    ),
)
