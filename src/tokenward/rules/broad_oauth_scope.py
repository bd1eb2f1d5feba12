"""TW401: an OAuth/API token requested or granted with a full-access or wildcard scope."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import function_checks, names_scope_grant
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules.base import CONFIG, PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import config_text, python, scopes, structured, syntax_flow
    from tokenward.analysis import flow as dataflow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    config_text = lazy_module("tokenward.analysis.config_text")
    dataflow = lazy_module("tokenward.analysis.flow")
    python = lazy_module("tokenward.analysis.python")
    scopes = lazy_module("tokenward.analysis.scopes")
    structured = lazy_module("tokenward.analysis.structured")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")

# Calls where ``scope=`` is a search/list filter (python-gitlab ``mergerequests.list``).
_LISTING_CALLS = frozenset({"list", "search", "filter", "get", "find", "query", "all", "iter",
                            "paginate", "count", "exclude"})
# Positional arguments of these calls are scopes (azure-identity ``get_token(*scopes)``,
# google-auth ``with_scopes``).
_SCOPE_POSITIONAL_CALLS = frozenset({"get_token", "with_scopes", "acquire_token_for_client",
                                     "acquire_token_silent", "acquire_token_interactive",
                                     "get_access_token", "request_scopes"})


def _detect(source: Source) -> Iterator[Hit]:
    context = _context(source)
    if source.kind is FileKind.PYTHON:
        yield from _detect_python(source, context)
    else:
        yield from _detect_config(source, context)


def _context(source: Source) -> str:
    """What ``scopes.lookup`` reads for a provider's name: the file's text and its path."""
    return source.lowered + "\n" + source.path.lower()


# --- Python -------------------------------------------------------------------------------


def _detect_python(source: Source, context: str) -> Iterator[Hit]:
    # The screen first: no broad scope where one is granted, no libcst tree to build.
    if not _may_grant_broad(source):
        return
    index = source.index
    if index is None:
        return
    seen: set[int] = set()

    def emit(value: cst.BaseExpression) -> Iterator[Hit]:
        for node, scope_value, entry in _broad_literals(source, value, context, 0):
            if id(node) in seen:
                continue
            seen.add(id(node))
            yield Hit(span=source.span(node), target=scope_value,
                      detail=scopes.describe(entry, scope_value), code=source.code(node))

    for binding in source.analysis.bindings:
        if binding.kind in dataflow.ASSIGNMENTS and binding.value is not None \
                and names_scope_grant(binding.last) \
                and not python.only_passed_as(source, binding.last, scopes.LIBRARY_DEFAULT):
            yield from emit(binding.value)
    for call in index.of(cst.Call):
        if _is_check_call(source, call):
            continue
        callee = python.last_name(call.func) or ""
        params = _local_parameters(source, call)
        plain = [a for a in call.args if a.keyword is None and not a.star]
        for position, arg in enumerate(call.args):
            if arg.keyword is not None:
                if names_scope_grant(arg.keyword.value) and callee not in _LISTING_CALLS \
                        and arg.keyword.value != scopes.LIBRARY_DEFAULT:
                    yield from emit(arg.value)
            elif arg.star == "" and callee in _SCOPE_POSITIONAL_CALLS:
                yield from emit(arg.value)
            elif arg.star == "" and params:
                where = plain.index(arg) if arg in plain else position
                if where < len(params) and names_scope_grant(params[where]):
                    yield from emit(arg.value)
    for element in index.of(cst.DictElement):
        key = python.string_value(element.key)
        if key is not None and names_scope_grant(key) and not _in_check_call(source, element):
            yield from emit(element.value)


def _is_check_call(source: Source, call: cst.Call) -> bool:
    assert source.index is not None
    if isinstance(source.index.parent(call), cst.Decorator):
        return True
    return function_checks(python.last_name(call.func) or "")


def _in_check_call(source: Source, element: cst.DictElement) -> bool:
    assert source.index is not None
    for up in source.index.ancestors(element):
        if isinstance(up, cst.Call):
            listed = (python.last_name(up.func) or "") in _LISTING_CALLS
            return _is_check_call(source, up) or (listed and not _is_http_verb_call(up))
        if isinstance(up, cst.SimpleStatementLine | cst.FunctionDef):
            return False
    return False


def _is_http_verb_call(call: cst.Call) -> bool:
    name = python.dotted_name(call.func) or ""
    return name.split(".")[0] in ("requests", "httpx", "session", "client")


def _local_parameters(source: Source, call: cst.Call) -> list[str]:
    """Parameter names of a function defined in this module and called by plain name."""
    if not isinstance(call.func, cst.Name):
        return []
    func = source.analysis.definition(call.func)
    return [] if func is None else [p.name.value for p in func.params.params]


# Calls whose arguments are the scopes of the value they build.
_COLLECTORS = frozenset({"set", "frozenset", "list", "tuple", "sorted"})


def _broad_literals(source: Source, node: cst.BaseExpression, context: str, depth: int
                    ) -> Iterator[tuple[cst.CSTNode, str, scopes.BroadScope]]:
    """(literal node, scope value, catalogue entry) for each broad scope in a value."""
    if depth > 4:
        return
    text = python.string_value(node)
    if text is not None:
        for value in scopes.split_scopes(text):
            entry = scopes.lookup(value, context)
            if entry is not None:
                yield node, value, entry
                return
        return
    if isinstance(node, cst.List | cst.Tuple | cst.Set):
        for element in node.elements:
            yield from _broad_literals(source, element.value, context, depth + 1)
        return
    if isinstance(node, cst.Call):
        name = python.dotted_name(node.func) or ""
        if name in _COLLECTORS or (
                isinstance(node.func, cst.Attribute) and node.func.attr.value == "join"):
            for arg in node.args:
                yield from _broad_literals(source, arg.value, context, depth + 1)
        return
    if isinstance(node, cst.Name):
        bound = source.analysis.source_binding(node)
        if bound is None or not bound.holds_value or bound.value is None or (
                bound.kind in dataflow.ASSIGNMENTS and names_scope_grant(bound.last)):
            return  # unknown, or already reported where it is assigned
        yield from _broad_literals(source, bound.value, context, depth + 1)


# --- the screen: the rule's own tests over ``ast``, loosened ------------------------------

def _may_grant_broad(source: Source) -> bool:
    """Whether a value the detector judges may hold a broad scope (``_broad_literals``):
    the values granted by a scope-named target, keyword or dict key, or as a positional
    scope (:func:`_granted_values`), followed through lists, the collecting calls and
    every value bound anywhere to a name they read (:func:`_may_hold_broad`). Its
    exclusions (a check call's decorator, ``only_passed_as``) are not asked. On Django's
    source the keyword "scope" sent 11 files to libcst, each for an ASGI ``scope`` or
    a ``scope_model``. A tree already built is read instead; a file ``ast`` cannot screen
    goes through."""
    return source.screened(_screen)


def _screen(source: Source) -> bool:
    flow = syntax_flow.syntax_flow(source)
    if flow is None:
        return True
    context = _context(source)
    scoped = _scope_functions(source.syntax_of(ast.FunctionDef, ast.AsyncFunctionDef))
    granting = source.syntax_of(ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Call, ast.Dict)
    return any(_may_hold_broad(flow, value, context)
               for value in _granted_values(granting, scoped))


def _scope_functions(nodes: list[ast.AST]) -> frozenset[str]:
    """The functions of the file with a scope-named parameter (``_local_parameters``)."""
    return frozenset(
        node.name for node in nodes if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(names_scope_grant(a.arg) for a in (*node.args.posonlyargs, *node.args.args,
                                                   *node.args.kwonlyargs)))


def _granted_values(nodes: list[ast.AST], scoped: frozenset[str]) -> Iterator[ast.expr]:
    """Every value ``_detect_python`` hands to ``emit``, and more: an assignment's whole
    value when one of its targets is scope-named, every positional argument of a call of
    a function named in ``scoped``."""
    for node in nodes:
        if isinstance(node, ast.Assign):
            if any(_names_grant(target) for target in node.targets):
                yield node.value
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
            if node.value is not None and _names_grant(node.target):
                yield node.value
        elif isinstance(node, ast.Call):
            yield from _call_grants(node, scoped)
        elif isinstance(node, ast.Dict):
            yield from (value for key, value in zip(node.keys, node.values, strict=True)
                        if names_scope_grant(syntax_flow.string_value(key)))


def _names_grant(target: ast.expr) -> bool:
    """A binding's ``last`` names a scope grant, for any target of an unpacking."""
    if isinstance(target, ast.Tuple | ast.List):
        return any(_names_grant(element) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _names_grant(target.value)
    return names_scope_grant(syntax_flow.last_name(target))


def _call_grants(call: ast.Call, scoped: frozenset[str]) -> Iterator[ast.expr]:
    callee = syntax_flow.last_name(call.func) or ""
    if function_checks(callee):  # ``_is_check_call``
        return
    for keyword in call.keywords:
        if names_scope_grant(keyword.arg) and callee not in _LISTING_CALLS \
                and keyword.arg != scopes.LIBRARY_DEFAULT:
            yield keyword.value
    if callee in _SCOPE_POSITIONAL_CALLS or (
            isinstance(call.func, ast.Name) and call.func.id in scoped):
        yield from syntax_flow.positional(call)


def _may_hold_broad(flow: syntax_flow.SyntaxFlow, value: ast.expr, context: str) -> bool:
    """``_broad_literals`` loosened: every value of a name read (not only the binding it
    sees, however deep), so a name is followed once; a stack, not recursion."""
    followed: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        text = syntax_flow.string_value(node)
        if text is not None:
            if any(scopes.lookup(part, context) is not None for part in scopes.split_scopes(text)):
                return True
        elif isinstance(node, ast.Starred):
            stack.append(node.value)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            stack.extend(node.elts)
        elif isinstance(node, ast.Call):
            if syntax_flow.dotted(node.func) in _COLLECTORS or (
                    isinstance(node.func, ast.Attribute) and node.func.attr == "join"):
                stack.extend(node.args)
                stack.extend(keyword.value for keyword in node.keywords)
        elif isinstance(node, ast.Name) and node.id not in followed:
            followed.add(node.id)
            stack.extend(flow.values.get(node.id, ()))
    return False


# --- config files ---------------------------------------------------------------------------

# `\s*(?:-\s*)?`, not `\s*-?\s*`: the latter tried every split of a long run of blanks.
_KEY_LINE = lazy_regex(
    r"""^(\s*(?:-\s*)?)(?:export\s+)?["']?([A-Za-z0-9_.\-]+)["']?\s*[:=]\s*(.*)$""")
_FLAG = lazy_regex(r"""--scopes?[= ]\s*["']?([^"'\s]+)""")
_ITEM = lazy_regex(r"""^\s*-\s+["']?([^"'#\s]+)["']?\s*(?:#.*)?$""")
_QUOTED = lazy_regex(r"""["']([^"']*)["']""")
# One scope of a space- or comma-separated list (brackets of an inline list left out).
_SCOPE_TOKEN = lazy_regex(r"[^\s,\[\]]+")


def _detect_config(source: Source, context: str) -> Iterator[Hit]:
    yield from _flag_hits(source, context)
    documents = structured.documents(source)
    if documents is not None:
        yield from _granted_in(source, documents, context)
        return
    yield from _line_hits(source, context)


def _flag_hits(source: Source, context: str) -> Iterator[Hit]:
    """``--scopes=`` on a command line (``gcloud``), in a script or a config value."""
    for number, line in enumerate(source.lines, start=1):
        if not config_text.is_comment(line, source.kind):
            for flag in _FLAG.finditer(line):
                yield from _tokens_hits(number, flag.start(1), flag.group(1), context)


def _granted_in(source: Source, documents: tuple[structured.Node, ...], context: str
                ) -> Iterator[Hit]:
    """YAML and JSON: the values of scope-named keys, and ``NAME_SCOPES=...`` items (a
    docker-compose ``environment:`` list)."""
    for node in structured.walk(*documents):
        if isinstance(node, structured.Mapping):
            for key, value in node.entries:
                if names_scope_grant(key.value):
                    yield from _granted(source, value, context)
        elif isinstance(node, structured.Sequence):
            for item in node.items:
                if not isinstance(item, structured.Scalar):
                    continue
                name, equals, _ = item.value.partition("=")
                if equals and names_scope_grant(name.strip()):
                    yield from _scalar_hits(source, item, len(name) + 1, context)


def _granted(source: Source, value: structured.Node, context: str) -> Iterator[Hit]:
    """A scope-named key's value: a scope string, a list of them, or lists nested under
    further keys (a Slack manifest's ``scopes: {bot: [...], user: [...]}``); a nested
    key's own string is a description (``scopes: {admin: "Full access"}``), not a grant."""
    if isinstance(value, structured.Mapping):
        for _, nested in value.entries:
            if not isinstance(nested, structured.Scalar):
                yield from _granted(source, nested, context)
        return
    for scalar in structured.scalars(value):
        yield from _scalar_hits(source, scalar, 0, context)


def _scalar_hits(source: Source, scalar: structured.Scalar, start: int, context: str
                 ) -> Iterator[Hit]:
    for part in _SCOPE_TOKEN.finditer(scalar.value, start):
        value = part.group(0).strip("\"'")
        entry = scopes.lookup(value, context)
        if entry is not None:
            yield Hit(span=structured.locate(source, scalar, part.start(), part.end()),
                      target=value, detail=scopes.describe(entry, value), code=value)


def _line_hits(source: Source, context: str) -> Iterator[Hit]:
    """Other config files (and JSON that does not parse): scope-named keys line by line."""
    lines = source.lines
    for number, line in enumerate(lines, start=1):
        if config_text.is_comment(line, source.kind):
            continue
        match = _KEY_LINE.match(line)
        if match is None or not names_scope_grant(match.group(2)):
            continue
        value = match.group(3)
        start = match.start(3)
        inline = value.split(" #", 1)[0].strip()
        if inline and inline not in ("|", ">", "[", "{"):
            yield from _inline_hits(number, start, value, context)
            if not inline.endswith("["):
                continue
        yield from _block_hits(source, number, context)


def _inline_hits(number: int, start: int, value: str, context: str) -> Iterator[Hit]:
    quoted = list(_QUOTED.finditer(value))
    if quoted:
        for q in quoted:
            yield from _tokens_hits(number, start + q.start(1), q.group(1), context)
        return
    body = value.split(" #", 1)[0]
    stripped = body.strip().strip("[]{}")
    offset = body.find(stripped) if stripped else 0
    yield from _tokens_hits(number, start + max(offset, 0), stripped, context)


def _tokens_hits(number: int, start: int, text: str, context: str) -> Iterator[Hit]:
    for part in _SCOPE_TOKEN.finditer(text):
        value = part.group(0).strip("\"'")
        entry = scopes.lookup(value, context)
        if entry is not None:
            col = start + part.start()
            yield Hit(span=Span(number, col + 1, number, col + len(part.group(0)) + 1),
                      target=value, detail=scopes.describe(entry, value), code=value)


def _block_hits(source: Source, number: int, context: str) -> Iterator[Hit]:
    """List items nested under a ``scopes:`` key (YAML lists, multi-line JSON arrays)."""
    lines = source.lines
    base = config_text.indent_of(lines[number - 1])
    for offset in range(number, min(len(lines), number + 200)):
        line = lines[offset]
        if not line.strip() or config_text.is_comment(line, source.kind):
            continue
        if config_text.indent_of(line) <= base \
                and not line.lstrip().startswith(("-", "]", '"', "'")):
            break
        if line.strip().startswith("]") or (config_text.indent_of(line) < base):
            break
        item = _ITEM.match(line)
        if item is not None:
            yield from _tokens_hits(offset + 1, item.start(1), item.group(1), context)
            continue
        stripped = line.strip()
        if source.kind is FileKind.JSON and stripped.startswith(('"', "'")) and ":" not in stripped:
            for q in _QUOTED.finditer(line):
                yield from _tokens_hits(offset + 1, q.start(1), q.group(1), context)
        elif config_text.indent_of(line) <= base:
            break


RULE = Rule(
    id="TW401",
    name="broad-oauth-scope",
    title="Token requested or granted with a full-access scope",
    category=Category.BROAD_SCOPE,
    severity=Severity.MEDIUM,
    cwe=(250, 272),
    message="Over-broad scope: {detail}",
    hint="Request only the scopes the code calls; prefer read-only and resource-specific "
         "scopes, fine-grained tokens or apps over classic full-access scopes.",
    docs=RuleDocs(
        what="A scope from the provider catalogue (`tokenward/rules/scope_catalogue.py`: "
             "GitHub `repo`, `admin:org`, `delete_repo`, `admin:*`; Google "
             "`cloud-platform`, `https://mail.google.com/`, full `drive`; Azure Resource "
             "Manager `.default`, Graph `*.ReadWrite.All`; Slack `admin`, `admin.*`; GitLab "
             "`api`, `sudo`; Heroku `global`; and the generic `*`, `x:*`, `admin`, `all`, "
             "`full_access`, `root`) in a place that requests or grants it: a keyword "
             "argument named like a scope (`scope=`, `scopes=`, `user_scope=`), a variable "
             "or attribute named like one (`SCOPES = [...]`, `token.scopes = ...`), a dict "
             "key (`{\"scope\": \"repo\"}`), the positional scopes of `get_token()` / "
             "`acquire_token_*()`, an argument bound to a `scopes` parameter of a function "
             "in the same file; space- or comma-separated scope strings are split. Names "
             "are followed to their constant values. In config files (YAML, JSON, TOML, "
             ".env, INI, shell): a key named like a scope with a broad value inline or as "
             "a nested list (a Slack app manifest), and `--scopes=` flags (`gcloud`). "
             "Provider-ambiguous values (`repo`, `api`, `global`, `admin`) use the "
             "provider's entry only when the file or its path names the provider.",
        why="A token carries every permission its scope grants, whatever the code needs. "
            "When it leaks (logs, a compromised dependency, a laptop) the attacker gets "
            "full control instead of one narrow action: least privilege limits the blast "
            "radius (CWE-250, CWE-272).",
        how="Request the narrowest scope that covers the calls the code makes: the "
            "message names the alternative for each catalogued scope (e.g. `public_repo` "
            "or a fine-grained token with `contents:read` instead of `repo`). Split jobs "
            "that need more into separate, short-lived tokens.",
        not_flagged="Checks, not grants: comparisons and membership tests (`if \"admin\" in "
                    "token.scopes`), decorators and calls that require or verify a scope "
                    "(`@requires_scope(...)`, FastAPI `Security(..., scopes=[...])`, "
                    "`OAuth2PasswordBearer(scopes={...})` declarations), and lists named as "
                    "deny-lists, allow-lists or descriptions (`FORBIDDEN_SCOPES`, "
                    "`REQUIRED_SCOPES`, `ALLOWED_SCOPES`, `SCOPE_HELP`); `scope=` as a "
                    "search filter of listing calls (`.list(scope=\"all\")`); narrow scopes "
                    "whose names merely contain a broad one (`repo:status`, `public_repo`, "
                    "`read_api`, `drive.file`, `cloud-platform.read-only`); `.default` of "
                    "your own API or a data-plane resource (`api://app/.default`, "
                    "`https://storage.azure.com/.default`); a client library's default "
                    "scope for the one API it wraps, read only as google-auth's "
                    "`default_scopes=` (`AUTH_SCOPES` of a generated Google Cloud "
                    "transport: used only when the application passes no `scopes=`); "
                    "scopes built at run time.",
        references=("https://cwe.mitre.org/data/definitions/272.html",
                    "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/"
                    "scopes-for-oauth-apps",
                    "https://developers.google.com/identity/protocols/oauth2/scopes"),
    ),
    detect=_detect,
    kinds=PYTHON | CONFIG,
    screens=True,
    keywords=("scope",),
    bad=(
        Example(
            """
            from google.oauth2 import service_account

            SCOPES = ["https://www.googleapis.com/auth/drive"]

            def creds(path):
                return service_account.Credentials.from_service_account_file(
                    path, scopes=["https://www.googleapis.com/auth/cloud-platform"])
            """,
            expect=(
                Expected(3, 11, "Over-broad scope: Google scope "
                                "'https://www.googleapis.com/auth/drive' grants access to every "
                                "file in the user's Drive; use 'drive.file' (only files the app "
                                "created or was given) or 'drive.readonly'"),
                Expected(7, 23, "Over-broad scope: Google scope "
                                "'https://www.googleapis.com/auth/cloud-platform' grants full "
                                "access to every Google Cloud API in the project; use "
                                "'cloud-platform.read-only' or the scope of the one API used "
                                "(e.g. 'devstorage.read_only')"),
            ),
        ),
        Example(
            """
            import github_oauth

            def login_url(state):
                return github_oauth.authorize_url(scope="repo admin:org", state=state)
            """,
            expect=(
                Expected(4, 45, "Over-broad scope: GitHub scope 'repo' grants full control of "
                                "every private repository; use 'public_repo', 'repo:status', or "
                                "a fine-grained token with contents:read"),
            ),
        ),
        Example(
            """
            def issue_support_token(store, agent):
                return store.issue(subject=agent, scopes={"*"}, ttl_seconds=900)
            """,
            expect=(
                Expected(2, 47, "Over-broad scope: scope '*' is a wildcard: every permission, "
                                "now and in future; use the list of scopes the client actually "
                                "calls"),
            ),
        ),
        Example(
            """
            oauth_config:
              scopes:
                bot:
                  - chat:write
                user:
                  - admin
            """,
            path="slack/manifest.yml",
            expect=(
                Expected(6, 9, "Over-broad scope: Slack scope 'admin' grants administration of "
                               "the whole workspace; use the specific scopes the app uses (e.g. "
                               "'chat:write', 'channels:read')"),
            ),
        ),
    ),
    good=(
        Example(
            """
            FORBIDDEN_SCOPES = frozenset({"delete_repo", "admin:org"})  # github deny-list
            LOGIN_SCOPES = ["read:user", "user:email"]
            STATUS_SCOPES = ["repo:status", "public_repo"]

            def check(token):
                if "admin" in token.scopes or "*" in token.scopes:
                    raise PermissionError("token too broad")
            """,
        ),
        Example(
            """
            from fastapi import Security

            def admin_user(user=Security(current_user, scopes=["admin"])):
                return user
            """,
        ),
        Example(
            """
            import gitlab

            gl = gitlab.Gitlab("https://gitlab.example.com", private_token=TOKEN)
            mrs = gl.mergerequests.list(scope="all")
            """,
        ),
    ),
)
