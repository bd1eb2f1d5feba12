"""TW502: TLS certificate verification turned off on a request that carries a credential."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import (
    carries_credential,
    may_carry_credentials,
    names_plain_http,
)
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import CONFIG, PYTHON, Example, Expected, Rule, RuleDocs
from tokenward.rules.cleartext_token_transport import command_carries_credentials

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import config_text, credentials, python, syntax_flow
    from tokenward.analysis import flow as dataflow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    config_text = lazy_module("tokenward.analysis.config_text")
    credentials = lazy_module("tokenward.analysis.credentials")
    dataflow = lazy_module("tokenward.analysis.flow")
    python = lazy_module("tokenward.analysis.python")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")

# Keyword arguments that switch verification off when given False / 0.
_OFF_FLAGS = ("verify", "ssl", "verify_ssl", "cert_reqs", "verify_certs", "ssl_verify",
              "tls_verify", "verify_tls", "ssl_cert_reqs")
# Keyword arguments that take an SSL context.
_CONTEXT_ARGS = ("context", "ssl", "ssl_context", "verify", "tls_context")


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is FileKind.PYTHON:
        yield from _detect_python(source)
    else:
        yield from _detect_commands(source)
        yield from _detect_config_keys(source)


def _is_off(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name) and node.value == "False":
        return True
    if isinstance(node, cst.Integer) and node.value == "0":
        return True
    if python.string_value(node) in ("CERT_NONE", "none", "NONE"):
        return True
    return (python.dotted_name(node) or "").endswith("CERT_NONE")


# What builds an SSL context that does not verify.
_UNVERIFIED_FACTORIES = frozenset({"ssl._create_unverified_context",
                                   "ssl._create_stdlib_context"})
# The standard library's mail and file-transfer clients wrap TLS in
# ssl._create_stdlib_context() when they are given no context: neither the certificate nor
# the host name is checked (http.client verifies since Python 3.4.3; these do not).
_STDLIB_TLS_CLIENTS = frozenset({"smtplib.SMTP_SSL", "imaplib.IMAP4_SSL", "poplib.POP3_SSL",
                                 "ftplib.FTP_TLS"})
_STDLIB_CLIENT_MODULES = frozenset({"smtplib", "imaplib", "poplib", "ftplib"})
_STARTTLS_METHODS = frozenset({"starttls", "stls"})
_CONTEXT_KEYWORDS = frozenset({"context", "ssl_context"})


def _is_unverified_factory(source: Source, call: cst.Call) -> bool:
    return (python.call_name(source, call) or "") in _UNVERIFIED_FACTORIES


def _unverified_contexts(source: Source) -> dict[credentials.ClientKey, cst.CSTNode]:
    """SSL contexts with verification off, and the statement that turned it off (the
    unverified factory, else ``verify_mode = CERT_NONE``). ``check_hostname = False``
    alone still verifies the chain (urllib3 and others then check names themselves)."""
    assert source.index is not None
    found: dict[credentials.ClientKey, tuple[int, cst.CSTNode]] = {}

    def note(key: credentials.ClientKey | None, rank: int, node: cst.CSTNode) -> None:
        if key is not None and (key not in found or rank < found[key][0]):
            found[key] = (rank, node)

    for binding in source.analysis.bindings:
        value, t = binding.value, binding.target
        if binding.kind is not dataflow.Kind.ASSIGN or value is None:
            continue
        if isinstance(value, cst.Call) and _is_unverified_factory(source, value):
            note(credentials.client_key(source, t), 0, binding.statement)
        elif isinstance(t, cst.Attribute) and t.attr.value == "verify_mode" \
                and _is_off(value):
            note(credentials.client_key(source, t.value), 1, binding.statement)
    return {key: node for key, (_, node) in found.items()}


def _lookup(contexts: dict[credentials.ClientKey, cst.CSTNode], source: Source, node: cst.CSTNode
            ) -> cst.CSTNode | None:
    key = credentials.client_key(source, node)
    if key is None:
        return None
    if key in contexts:
        return contexts[key]
    module_key = key.at_module()
    return None if module_key is None else contexts.get(module_key)


def _off_argument(call: cst.Call) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in _OFF_FLAGS and _is_off(arg.value):
            return arg
    return None


def _bound_key(source: Source, call: cst.Call) -> credentials.ClientKey | None:
    """The variable a constructed client/connector is bound to."""
    assert source.index is not None
    parent = source.index.parent(call)
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
        return credentials.client_key(source, parent.targets[0].target)
    if isinstance(parent, cst.WithItem) and parent.asname is not None:
        return credentials.client_key(source, parent.asname.name)
    return None


def _client_used_with_credentials(source: Source, key: credentials.ClientKey | None) -> bool:
    if key is None:
        return False
    assert source.index is not None
    for call in source.index.of(cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and credentials.client_key(source, func.value) == key \
                and credentials.call_carries_credentials(source, call):
            return True
    return False


def _connector_feeds_credentials(source: Source, key: credentials.ClientKey | None) -> bool:
    """``connector = TCPConnector(ssl=False)`` passed to a session that carries a token."""
    if key is None:
        return False
    assert source.index is not None
    for call in source.index.of(cst.Call):
        arg = next((a for a in call.args if a.keyword is not None
                    and a.keyword.value == "connector"), None)
        if arg is None or credentials.client_key(source, arg.value) != key:
            continue
        if credentials.call_carries_credentials_shallow(source, call) \
                or credentials.has_credential_kwargs(source, call):
            return True
        bound = _bound_key(source, call)
        if bound is not None and (bound in _credentialed_keys(source, call)
                                  or _client_used_with_credentials(source, bound)):
            return True
    return False


def _credentialed_keys(source: Source, call: cst.Call) -> frozenset[credentials.ClientKey]:
    parent = source.index.parent(call) if source.index is not None else None
    target: cst.CSTNode | None = None
    if isinstance(parent, cst.WithItem) and parent.asname is not None:
        target = parent.asname.name
    elif isinstance(parent, cst.Assign):
        target = parent.targets[0].target
    if target is not None and credentials.client_is_credentialed(source, target):
        key = credentials.client_key(source, target)
        return frozenset({key}) if key is not None else frozenset()
    return frozenset()


def _carries(source: Source, call: cst.Call) -> bool:
    if credentials.is_http_call(source, call):
        return credentials.call_carries_credentials(source, call)
    if credentials.has_credential_kwargs(source, call):
        return True
    key = _bound_key(source, call)
    return key is not None and (bool(_credentialed_keys(source, call))
                                or _client_used_with_credentials(source, key))


def _detect_python(source: Source) -> Iterator[Hit]:
    # The screen first: nothing turns verification off, no libcst tree to build.
    if not _may_turn_off(source) or source.index is None:
        return
    contexts = _unverified_contexts(source)
    reported: set[int] = set()
    any_credentials = False
    for call in source.index.of(cst.Call):
        name = python.call_name(source, call) or ""
        off = _off_argument(call)
        context_args = [a for a in call.args if a.keyword is not None
                        and a.keyword.value in _CONTEXT_ARGS and not _is_off(a.value)]
        if off is None and not context_args:
            if credentials.is_http_call(source, call) \
                    and credentials.call_carries_credentials(source, call):
                any_credentials = True
            continue
        carries = _carries(source, call)
        any_credentials = any_credentials or carries
        if off is not None and (carries or (
                name.endswith("TCPConnector")
                and _connector_feeds_credentials(source, _bound_key(source, call)))) \
                and not _in_plain_http_branch(source, call):
            yield _hit(source, call, source.code(off).strip().rstrip(","))
        if not carries:
            continue
        for arg in context_args:
            value = arg.value
            if isinstance(value, cst.Call) and _is_unverified_factory(source, value):
                yield _hit(source, arg, "ssl._create_unverified_context()")
                continue
            node = _lookup(contexts, source, value)
            if node is not None and id(node) not in reported:
                reported.add(id(node))
                yield _hit(source, node, source.code(node).strip())
    for binding in source.analysis.bindings:
        t, assigned = binding.target, binding.value
        if binding.kind is not dataflow.Kind.ASSIGN or assigned is None:
            continue
        if (isinstance(t, cst.Attribute) and t.attr.value == "verify"
                and _is_off(assigned) and credentials.client_is_credentialed(source, t.value)):
            yield _hit(source, binding.statement, source.code(t) + " = False")
        if (any_credentials and isinstance(t, cst.Attribute)
                and t.attr.value == "_create_default_https_context"
                and (source.analysis.qualified(assigned) or "").endswith(
                    "_create_unverified_context")):
            yield _hit(source, binding.statement, "ssl._create_default_https_context")
    yield from _stdlib_unverified(source)


def _stdlib_unverified(source: Source) -> Iterator[Hit]:
    """``smtplib.SMTP_SSL(host)`` or ``smtp.starttls()`` with no context, or with one that
    may be None (``ctx = create_default_context() if verify else None``), in a function
    that logs in over it: the password goes to whoever answers."""
    assert source.index is not None
    imported = {q.split(".")[0] for q in source.analysis.imports.names.values()}
    if imported.isdisjoint(_STDLIB_CLIENT_MODULES):
        return
    for call in source.index.of(cst.Call):
        func = call.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        name = python.call_name(source, call) or ""
        if name not in _STDLIB_TLS_CLIENTS and method not in _STARTTLS_METHODS:
            continue
        unverified = _missing_context(source, call)
        if unverified is not None and _logs_in(source, call):
            label = name.rpartition(".")[2] if name in _STDLIB_TLS_CLIENTS else method
            yield _hit(source, unverified, f"{label}() without a verifying ssl context")


def _missing_context(source: Source, call: cst.Call) -> cst.CSTNode | None:
    """Where the call's TLS goes unverified: the call (no context, or ``None``), or the
    expression that makes its context None on some path; None when it is given one."""
    arg = next((a for a in call.args if a.keyword is not None
                and a.keyword.value in _CONTEXT_KEYWORDS), None)
    if arg is None:
        return call
    value = source.analysis.resolve(arg.value)
    if _is_none(value):
        return call
    if isinstance(value, cst.IfExp) and (_is_none(value.body) or _is_none(value.orelse)):
        return value
    return None


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _logs_in(source: Source, call: cst.Call) -> bool:
    """A ``login`` call in the same function: the client sends a password over it."""
    scope = source.analysis.function(call)
    return any(source.analysis.function(other) is scope
               for other in source.analysis.calls_named("login"))


def _in_plain_http_branch(source: Source, call: cst.Call) -> bool:
    """``if host.scheme == SCHEME_HTTP: session = create(verify_ssl=False)`` (Home
    Assistant's ISY994): the branch only runs for a plain-HTTP URL, where there is no
    certificate to verify (sending credentials there is TW501's business)."""
    assert source.index is not None
    child: cst.CSTNode = call
    for up in source.index.ancestors(call):
        if isinstance(up, cst.If) and child is up.body and _tests_plain_http(up.test):
            return True
        if isinstance(up, cst.FunctionDef):
            return False
        child = up
    return False


def _tests_plain_http(test: cst.BaseExpression) -> bool:
    """``url.scheme == "http"`` (either side, a literal or a constant named for it)."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)):
        return False
    sides = (test.left, test.comparisons[0].comparator)
    return any(python.last_name(side) == "scheme" for side in sides) and any(
        python.string_value(side) == "http" or names_plain_http(python.last_name(side))
        for side in sides)


def _hit(source: Source, node: cst.CSTNode, target: str) -> Hit:
    return Hit(span=source.span(node), target=target, detail="python", code=source.code(node))


# --- the screen: the rule's own first tests over ``ast``, loosened ------------------------

def _may_turn_off(source: Source) -> bool:
    """Whether something in the file may turn verification off, as each finding starts:
    a call given an off flag (``_off_argument``), an unverified context built
    (``_is_unverified_factory``, by a name read through every import) or a
    ``verify_mode`` assigned off (``_unverified_contexts``), a ``verify`` attribute
    assigned off, or ``_create_default_https_context`` assigned. Whether a credential is
    sent is not asked. On Django's source the keywords ("ssl", "verify") sent 10 files to
    libcst, none turning verification off. A tree already built is read instead; a file
    ``ast`` cannot screen goes through."""
    return source.screened(_screen)


def _screen(source: Source) -> bool:
    imports = syntax_flow.import_table(source)
    for node in source.syntax_of(ast.Call, ast.Assign):
        if isinstance(node, ast.Call):
            if any(k.arg in _OFF_FLAGS and _may_be_off(k.value) for k in node.keywords):
                return True
            qualified = syntax_flow.qualified(node.func, imports)
            if not qualified.isdisjoint(_UNVERIFIED_FACTORIES):
                return True
            if (not qualified.isdisjoint(_STDLIB_TLS_CLIENTS) or (
                    isinstance(node.func, ast.Attribute)
                    and node.func.attr in _STARTTLS_METHODS)) and _may_lack_context(
                    source, node):
                return True
        elif isinstance(node, ast.Assign) and any(
                _turns_off(target, node.value) for target in node.targets):
            return True
    return False


def _may_lack_context(source: Source, call: ast.Call) -> bool:
    """:func:`_missing_context` over ``ast``, loosened: no context keyword, ``None``, or a
    name one of whose values may be None (Django's backend passes a context it made:
    through)."""
    given = next((k.value for k in call.keywords if k.arg in _CONTEXT_KEYWORDS), None)
    if given is None:
        return True
    flow = syntax_flow.syntax_flow(source)
    values = [given, *(flow.reachable(given) if flow is not None else ())]
    return flow is None or any(
        (isinstance(v, ast.Constant) and v.value is None) or isinstance(v, ast.IfExp)
        for v in values)


def _turns_off(target: ast.expr, value: ast.expr) -> bool:
    """``ctx.verify_mode = CERT_NONE``, ``session.verify = False``,
    ``ssl._create_default_https_context = ...``."""
    if not isinstance(target, ast.Attribute):
        return False
    if target.attr in ("verify_mode", "verify"):
        return _may_be_off(value)
    return target.attr == "_create_default_https_context"


def _may_be_off(node: ast.expr) -> bool:
    """:func:`_is_off` over ``ast``, loosened: ``False``, a zero, ``"CERT_NONE"``,
    ``"none"``, ``"NONE"`` or a name ending in ``CERT_NONE``."""
    if isinstance(node, ast.Constant):
        return node.value is False or (isinstance(node.value, int) and node.value == 0) \
            or syntax_flow.string_value(node) in ("CERT_NONE", "none", "NONE")
    return (syntax_flow.dotted(node) or "").endswith("CERT_NONE")


# --- shell and config files -----------------------------------------------------------------

_INSECURE_FLAG = lazy_regex(r"(?:(?<=\s)|^)(-k|--insecure|--no-check-certificate|--verify=no|"
                            r"--verify=false)(?=\s|$)")
_COMMAND = lazy_regex(r"(?<![\w.-])(curl|wget|http|https|xh)(?=\s)")


def _detect_commands(source: Source) -> Iterator[Hit]:
    for logical in config_text.logical_lines(source):
        text = logical.text
        if config_text.is_comment(text, source.kind):
            continue
        command = _COMMAND.search(text)
        if command is None or not command_carries_credentials(text):
            continue
        for match in _INSECURE_FLAG.finditer(text, command.end()):
            yield Hit(span=logical.span(match.start(1), match.end(1)), target=match.group(1),
                      detail="command", code=match.group(0))


_CONFIG_OFF = lazy_regex(
    r"""^\s*(?:-\s*)?["']?(insecure[-_]skip[-_]tls[-_]verify|tls[-_]skip[-_]verify|"""
    r"""skip[-_]tls[-_]verify|insecure[-_]skip[-_]verify|tls[-_]insecure|insecure|"""
    r"""verify[-_]?ssl|ssl[-_]?verify|tls[-_]?verify|verify[-_]certs?|verify)["']?"""
    r"""\s*[:=]\s*["']?(true|false|no|yes|0|1|off|on)["']?\s*(?:,\s*)?(?:#.*)?$""",
    re.IGNORECASE)
_SKIP_WORDS = ("skip", "insecure")
# `\s*(?:-\s*)?`, not `\s*-?\s*` (quadratic on a long run of blanks).
_CONFIG_KEY = lazy_regex(r"""^\s*(?:-\s*)?["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*(\S.*)?$""")


def _file_has_credential(source: Source) -> bool:
    for line in source.lines:
        match = _CONFIG_KEY.match(line)
        if match and match.group(2) and carries_credential(match.group(1).replace("-", "_")):
            return True
    return False


def _detect_config_keys(source: Source) -> Iterator[Hit]:
    if source.kind in (FileKind.SHELL, FileKind.DOCKERFILE):
        return
    candidates: list[tuple[int, re.Match[str]]] = []
    for number, line in enumerate(source.lines, start=1):
        match = _CONFIG_OFF.match(line)
        if match is None or config_text.is_comment(line, source.kind):
            continue
        key, value = match.group(1).lower(), match.group(2).lower()
        skip_style = any(w in key for w in _SKIP_WORDS)
        turns_off = value in ("true", "yes", "1", "on") if skip_style else \
            value in ("false", "no", "0", "off")
        if turns_off:
            candidates.append((number, match))
    if not candidates or not _file_has_credential(source):
        return
    from tokenward.model import Span

    for number, match in candidates:
        yield Hit(span=Span(number, match.start(1) + 1, number, match.end(2) + 1),
                  target=match.group(1), detail="config", code=match.group(0).strip())


RULE = Rule(
    id="TW502",
    name="tls-verification-disabled",
    title="TLS verification off on a request that carries a credential",
    category=Category.INSECURE_TRANSPORT,
    severity=Severity.HIGH,
    cwe=(295, 319),
    message="TLS certificate verification is turned off ({target}) where a credential is "
            "sent: a man in the middle can read the token",
    hint="Remove verify=False / the unverified context; for a private CA pass "
         "verify='/path/to/ca.pem' (or set SSL_CERT_FILE) instead.",
    docs=RuleDocs(
        what="Certificate verification switched off on a request, client or session that "
             "carries a credential (see TW501 for what counts): `verify=False` (requests, "
             "httpx), `ssl=False`/`verify_ssl=False` (aiohttp), `context=` an SSL context "
             "from `ssl._create_unverified_context()` or with `verify_mode = CERT_NONE` "
             "(reported where verification is turned off), `session.verify = False` on a "
             "session whose headers or auth carry a credential, and "
             "`ssl._create_default_https_context = ssl._create_unverified_context` in a "
             "file that sends credentials; and the standard library's mail and file-transfer "
             "clients (`smtplib.SMTP_SSL`, `starttls()`, `imaplib.IMAP4_SSL`, "
             "`poplib.POP3_SSL`, `ftplib.FTP_TLS`) given no context, or one that may be "
             "None, in a function that logs in over them: without a context they check no "
             "certificate (`ssl._create_stdlib_context()`). In shell "
             "scripts, Dockerfiles and CI YAML: `curl -k/--insecure`, `wget "
             "--no-check-certificate`, `http --verify=no` on a command that sends a "
             "credential header or `-u user:pass`. In config files: "
             "`insecure-skip-tls-verify: true`, `tls_skip_verify`, `verify_ssl: false` "
             "and similar keys in a file that also holds a token/password key (a kubeconfig "
             "with a user token, a client config with an API key).",
        why="Without certificate verification any machine on the path can present its "
            "own certificate, terminate TLS and read the bearer token in clear: the "
            "encryption protects nothing (CWE-295, CWE-319).",
        how="Keep verification on. For an internal or self-signed CA, pass the CA bundle "
            "(`verify='/etc/ssl/private-ca.pem'`, `ssl.create_default_context(cafile=...)`, "
            "`curl --cacert`) instead of turning checks off.",
        not_flagged="`verify=False` on requests that carry no credential (a public "
                    "download, a health check): that is a integrity problem other linters "
                    "report, not a token leak; `urllib3.disable_warnings(...)` on its own "
                    "(it only hides the warning); `verify=` given a CA bundle path or a "
                    "variable; unverified contexts that are never used by a credential-"
                    "carrying call in the same file; `check_hostname = False` without "
                    "`CERT_NONE` (the chain is still verified; libraries such as urllib3 "
                    "then match names themselves); `NODE_TLS_REJECT_UNAUTHORIZED=0` and "
                    "similar process-wide environment switches in files without a "
                    "credential-carrying request.",
        references=("https://cwe.mitre.org/data/definitions/295.html",
                    "https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification"),
    ),
    detect=_detect,
    kinds=PYTHON | CONFIG,
    screens=True,
    keywords=("verify", "cert_none", "unverified", "check_hostname", "ssl", "insecure",
              "-k", "no-check-certificate", "starttls", "stls", "ftp_tls"),
    prefilter=may_carry_credentials,
    bad=(
        Example(
            """
            import requests

            def get_repos(token):
                return requests.get("https://git.example.com/api/v4/projects",
                                    headers={"PRIVATE-TOKEN": token},
                                    verify=False)
            """,
            expect=(
                Expected(4, 12, "TLS certificate verification is turned off (verify=False) "
                                "where a credential is sent: a man in the middle can read the "
                                "token"),
            ),
        ),
        Example(
            """
            import ssl
            import urllib.request

            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE

            def call(token):
                req = urllib.request.Request("https://api.example.com/me",
                                             headers={"Authorization": f"Bearer {token}"})
                return urllib.request.urlopen(req, context=ctx).read()
            """,
            expect=(
                Expected(6, 1, "TLS certificate verification is turned off (ctx.verify_mode = "
                               "ssl.CERT_NONE) where a credential is sent: a man in the middle "
                               "can read the token"),
            ),
        ),
        Example(
            """
            import requests

            session = requests.Session()
            session.auth = ("deploy", DEPLOY_PASSWORD)
            session.verify = False
            """,
            expect=(
                Expected(5, 1, "TLS certificate verification is turned off (session.verify = "
                               "False) where a credential is sent: a man in the middle can read "
                               "the token"),
            ),
        ),
        Example(
            """
            #!/bin/sh
            curl -k -H "Authorization: Bearer $TOKEN" https://registry.example.com/v2/
            """,
            path="pull.sh",
            expect=(
                Expected(2, 6, "TLS certificate verification is turned off (-k) where a "
                               "credential is sent: a man in the middle can read the token"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import requests
            import urllib3

            urllib3.disable_warnings()

            def download_public_dataset():
                # no credential travels: not a token problem
                return requests.get("https://mirror.example.com/data.csv", verify=False)

            def get_repos(token):
                return requests.get("https://git.example.com/api/v4/projects",
                                    headers={"PRIVATE-TOKEN": token},
                                    verify="/etc/ssl/corp-ca.pem")
            """,
        ),
        Example(
            """
            import ssl

            # built but never used to send a credential in this file
            ctx = ssl._create_unverified_context()
            """,
        ),
        Example(
            """
            clusters:
              - name: dev
                cluster:
                  server: https://10.0.0.1:6443
                  insecure-skip-tls-verify: false
            users:
              - name: dev
                user:
                  token: ${KUBE_TOKEN}
            """,
            path="kubeconfig.yaml",
        ),
    ),
)
