"""TW306: provider API calls that create tokens with no expiry (GitLab, Vault)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.lifetimes import LIMITS, human, until
from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import secret_kind, states_lifetime
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs
from tokenward.store.durations import duration_seconds

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import (
        bound_names,
        dict_flow,
        issuers,
        python,
        syntax_flow,
        token_flow,
    )
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    bound_names = lazy_module("tokenward.analysis.bound_names")
    dict_flow = lazy_module("tokenward.analysis.dict_flow")
    issuers = lazy_module("tokenward.analysis.issuers")
    python = lazy_module("tokenward.analysis.python")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")
    token_flow = lazy_module("tokenward.analysis.token_flow")

# python-gitlab managers whose create() makes a token.
GITLAB_MANAGERS = frozenset({"personal_access_tokens", "access_tokens", "deploy_tokens",
                             "impersonationtokens", "impersonation_tokens"})
_GITLAB_PATHS = ("personal_access_tokens", "/access_tokens", "/deploy_tokens",
                 "/impersonation_tokens")
_HTTP_POSTS = frozenset({"requests.post", "httpx.post", "requests.Session.post", "post"})
VAULT_CREATE = frozenset({"create", "create_orphan", "create_token"})
_VAULT_TTL_WORDS = ("ttl", "explicit_max_ttl")


# Provider tokens are long-lived API credentials: the refresh-token limit.
_LIMIT = LIMITS["refresh"]


def _gitlab(source: Source, call: cst.Call) -> Hit | None:
    func = call.func
    data: cst.BaseExpression | None = None
    target = ""
    if (isinstance(func, cst.Attribute) and func.attr.value == "create"
            and python.last_name(func.value) in GITLAB_MANAGERS and call.args):
        data = call.args[0].value
        target = f"{python.last_name(func.value)}.create()"
    elif (python.call_name(source, call) or "").rpartition(".")[2] == "post" and call.args:
        return _raw_post(source, call)
    if data is None:
        return None
    return _missing_expiry(source, call, data, "expires_at", target)


def _missing_expiry(source: Source, call: cst.Call, data: cst.BaseExpression | None,
                    field: str, target: str) -> Hit | None:
    if data is None:
        return None
    facts = dict_flow.resolve_dict(source, data, call)
    if facts is None or not facts.complete:
        return None
    expires = facts.value(field)
    if field in facts.keys and not (isinstance(expires, cst.Name)
                                    and expires.value == "None"):
        return _far_date(source, call, expires, field, target)
    return Hit(span=source.span(call), target=target, detail=f"without {field}",
               code=source.code(call), fixable=False)


def _far_date(source: Source, call: cst.Call, expires: cst.BaseExpression | None,
              field: str, target: str) -> Hit | None:
    """``"expires_at": "2099-12-31"``: an expiry in name only."""
    fixed = until(source, expires)
    limit = _LIMIT.value(source.config)
    if fixed is None or fixed[0] <= limit or expires is None:
        return None
    return Hit(span=source.span(expires), target=target,
               detail=f"{field}={fixed[1]} (limit {human(limit)})", code=source.code(call),
               fixable=False)


def _raw_post(source: Source, call: cst.Call) -> Hit | None:
    """POSTs to GitLab token endpoints (``/api/v4/...``) and Heroku's
    ``/oauth/authorizations``, read from the URL's literal text and names."""
    url_node = call.args[0].value
    url = token_flow.literal_text(url_node) or ""
    url_code = source.code(url_node).lower()
    body = python.keyword(call, "json") or python.keyword(call, "data")
    data = body.value if body is not None else None
    if "/oauth/authorizations" in url and "heroku" in url_code:
        return _missing_expiry(source, call, data, "expires_in", "Heroku authorization")
    if any(p in url for p in _GITLAB_PATHS) and ("gitlab" in url_code or "/api/v4/" in url):
        path = next(p for p in _GITLAB_PATHS if p in url).strip("/")
        return _missing_expiry(source, call, data, "expires_at", f"POST {path}")
    return None


# Django REST framework's authtoken: one key per user, valid until deleted.
_DRF_TOKEN = "rest_framework.authtoken.models.Token.objects."
_DRF_CREATES = frozenset({"create", "get_or_create", "update_or_create"})


def _drf_authtoken(source: Source, call: cst.Call) -> Hit | None:
    name = python.call_name(source, call) or ""
    if not name.startswith(_DRF_TOKEN) or name[len(_DRF_TOKEN):] not in _DRF_CREATES:
        return None
    return Hit(span=source.span(call), target="DRF authtoken",
               detail="that never expires (rest_framework.authtoken has no expiry)",
               code=source.code(call), fixable=False)


def _credential_record(source: Source, call: cst.Call) -> Hit | None:
    """``key = MerchantApiKey(owner=..., key_hash=...)`` then ``db.session.add(key)``: an
    API key or token record stored with no lifetime among its fields (nor set on it
    before it is stored). A record the code only builds is not judged."""
    func = call.func
    name = func.value if isinstance(func, cst.Name) else None
    if name is None or not name[:1].isupper() or secret_kind(name) not in {"API key", "token"}:
        return None
    if not call.args or any(a.keyword is None for a in call.args):
        return None  # positional or **fields: what they hold is unknown
    if any(states_lifetime(a.keyword.value) for a in call.args if a.keyword is not None):
        return None
    assert source.index is not None
    holder = source.index.parent(call)
    if not isinstance(holder, cst.Assign) or len(holder.targets) != 1 or not isinstance(
            holder.targets[0].target, cst.Name):
        return None
    binding = source.analysis.binding_of(holder.targets[0].target)
    if binding is None:
        return None
    stored = False
    for use in source.analysis.uses(binding):
        parent = source.index.parent(use)
        if isinstance(parent, cst.Attribute) and states_lifetime(parent.attr.value):
            return None  # key.expires_at = ... (or read: the record has a lifetime)
        if isinstance(parent, cst.Arg):
            outer = source.index.parent(parent)
            stored = stored or (isinstance(outer, cst.Call) and isinstance(
                outer.func, cst.Attribute) and outer.func.attr.value in {"add", "add_all"})
        if isinstance(parent, cst.Attribute) and parent.attr.value == "save":
            stored = True
    if not stored:
        return None
    return Hit(span=source.span(call), target=f"{name}(...)",
               detail="with no expiry field (it stays valid until revoked)",
               code=source.code(call), fixable=False)


def _vault(source: Source, call: cst.Call) -> Hit | None:
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in VAULT_CREATE:
        return None
    chain = source.code(func.value)
    if func.attr.value == "create_token":
        if "client" not in chain.lower() and "vault" not in chain.lower():
            return None
    elif not chain.endswith("auth.token"):
        return None
    limit = _LIMIT.value(source.config)
    found = False
    for word in ("ttl", "explicit_max_ttl", "period", "lease"):  # lease: old hvac's ttl
        arg = python.keyword(call, word)
        if arg is None:
            continue
        found = True
        text = python.string_value(arg.value)
        seconds = duration_seconds(text, bare_unit=1) if text is not None else None
        if seconds is None and isinstance(arg.value, cst.Integer):
            seconds = float(int(arg.value.value.replace("_", "")))
        if seconds is not None and seconds > limit:
            return Hit(span=source.span(arg), target="Vault token create",
                       detail=f"{word}={human(seconds)} (limit {human(limit)})",
                       code=source.code(call), fixable=False)
    if found:
        return None
    return Hit(span=source.span(call), target="Vault token create",
               detail="without ttl (inherits the mount default, 32 days unless tuned)",
               code=source.code(call), fixable=False)


_VAULT_CLI = lazy_regex(r"\bvault\s+token\s+create\b(?P<args>[^\n#|;&]*)")
_CLI_OPTION = lazy_regex(r"-{1,2}(?P<name>ttl|explicit-max-ttl|period)[=\s]+[\"']?"
                         r"(?P<value>[\w.]+)")


def _vault_cli(source: Source) -> Iterator[Hit]:
    limit = _LIMIT.value(source.config)
    for number, line in enumerate(source.lines, start=1):
        if "vault" not in line:
            continue
        for match in _VAULT_CLI.finditer(line):
            options = list(_CLI_OPTION.finditer(match.group("args")))
            span = Span(number, match.start() + 1, number, match.end() + 1)
            if not options:
                yield Hit(span=span, target="vault token create", detail="without -ttl",
                          code=match.group(0).strip(), fixable=False)
                continue
            for option in options:
                seconds = duration_seconds(option.group("value"), bare_unit=1)
                if seconds is not None and seconds > limit:
                    yield Hit(span=span, target="vault token create",
                              detail=f"-{option.group('name')}={human(seconds)} "
                                     f"(limit {human(limit)})",
                              code=match.group(0).strip(), fixable=False)
                    break


_KUBECTL_TOKEN = lazy_regex(r"\bkubectl\b[^\n#|;&]*?\bcreate\s+token\b(?P<args>[^\n#|;&)]*)")
_DURATION = lazy_regex(r"--duration[=\s]+[\"']?(?P<value>[\w.]+)")


def _kubectl_cli(source: Source) -> Iterator[Hit]:
    """``kubectl create token sa --duration=8760h``: a service-account token beyond the
    limit (without ``--duration`` the API server's default, an hour, applies)."""
    limit = _LIMIT.value(source.config)
    for number, line in enumerate(source.lines, start=1):
        if "kubectl" not in line:
            continue
        for match in _KUBECTL_TOKEN.finditer(line):
            option = _DURATION.search(match.group("args"))
            seconds = duration_seconds(option.group("value"), bare_unit=1) if option else None
            if seconds is not None and seconds > limit:
                span = Span(number, match.start() + 1, number, match.end() + 1)
                yield Hit(span=span, target="kubectl create token",
                          detail=f"--duration={human(seconds)} (limit {human(limit)})",
                          code=match.group(0).strip(), fixable=False)


def _detect(source: Source) -> Iterator[Hit]:
    if reports_only_proven(source):
        return
    if source.kind is not FileKind.PYTHON:
        yield from _vault_cli(source)
        yield from _kubectl_cli(source)
        return
    if not _may_create(source) or source.index is None:
        return
    for call in source.index.of(cst.Call):
        hit = (_gitlab(source, call) or _vault(source, call) or _drf_authtoken(source, call)
               or _credential_record(source, call))
        if hit:
            yield hit
    for found in issuers.defaulted_calls(source, issuers.RECORD):
        # ``LabKey.issue(owner, name)`` whose ``expires_at=None`` default is stored as the
        # key's expiry (that method in this file or, found by the project join, another).
        yield Hit(span=source.span(found.call), target=f"{source.code(found.call.func)}()",
                  detail=f"with {found.parameter.parameter} left at its default None, "
                         f"stored as its expiry ({found.where}): it never expires",
                  code=source.code(found.call), fixable=False)


def _may_create(source: Source) -> bool:
    """The screen (``ast``): whether a call of the file could pass the first tests each
    finder puts it to, loosened:

    - ``create()`` on a GitLab manager, with an argument (``_gitlab``);
    - a string that spells a GitLab token endpoint or Heroku's authorizations, which the
      URL of a raw POST must hold (``_raw_post``);
    - ``create_token()`` on anything, ``create()``/``create_orphan()`` on an ``auth.token``
      chain (``_vault``);
    - a call that may be DRF authtoken's ``Token.objects`` create (``_drf_authtoken``,
      through the imports: ``bound_names.called_names``);
    - a class naming an API key or token, called with keyword fields only, none a lifetime
      (``_credential_record``);
    - an issuer of this file or of another one, for ``defaulted_calls``
      (``issuers.may_own_issuers``).

    A tree already built is read instead; a file ``ast`` cannot screen goes through."""
    return source.screened(_provider_screen) or issuers.may_own_issuers(source, issuers.RECORD)


def _provider_screen(source: Source) -> bool:
    called = bound_names.called_names(source)
    assert called is not None  # source.screened asks only where ast read the file
    if any(name.startswith(_DRF_TOKEN) and name[len(_DRF_TOKEN):] in _DRF_CREATES
           for name in called):
        return True
    for node in source.syntax_of(ast.Call, ast.Constant):
        if isinstance(node, ast.Call) and _may_create_token(source, node):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                path in node.value for path in (*_GITLAB_PATHS, "/oauth/authorizations")):
            return True
    return False


def _may_create_token(source: Source, call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr == "create" and syntax_flow.last_name(func.value) in GITLAB_MANAGERS and (
                call.args or call.keywords):
            return True
        if func.attr == "create_token":
            # ``_vault`` reads the receiver's code: here the callee's, brackets and
            # comments included (``create_token`` spells neither word).
            code = source.syntax_segment(func).lower()
            return "client" in code or "vault" in code
        # ``_vault``: the receiver's code ends with ``auth.token``: ``x.auth.token``,
        # ``oauth.token`` (any other receiver's code ends with a bracket or a quote).
        return func.attr in VAULT_CREATE and isinstance(func.value, ast.Attribute) \
            and func.value.attr == "token" \
            and (syntax_flow.last_name(func.value.value) or "").endswith("auth")
    return (isinstance(func, ast.Name) and func.id[:1].isupper()
            and secret_kind(func.id) in {"API key", "token"} and not call.args
            and bool(call.keywords) and all(
                k.arg is not None and not states_lifetime(k.arg) for k in call.keywords))


RULE = Rule(
    id="TW306",
    name="non-expiring-provider-token",
    title="Provider token created without an expiry",
    category=Category.MISSING_EXPIRY,
    severity=Severity.MEDIUM,
    cwe=(613,),
    message="{target} creates a token {detail}",
    hint="Set an expiry: GitLab expires_at (a date), Vault ttl (e.g. ttl=\"1h\")",
    docs=RuleDocs(
        what="Finds provider API calls that create long-lived credentials without an "
             "expiry: python-gitlab `personal_access_tokens`, `access_tokens`, "
             "`deploy_tokens` and impersonation token `create()` without `expires_at` (and "
             "raw POSTs to those GitLab `/api/v4` endpoints), Heroku "
             "`/oauth/authorizations` POSTs without `expires_in`, and Vault token creation (hvac "
             "`client.auth.token.create()`/`create_orphan()`, `client.create_token()`, the "
             "`vault token create` command in shell scripts, Dockerfiles, workflows) with no "
             "`ttl`, or with a `ttl`, `explicit_max_ttl` or `period` above the limit; GitLab "
             "`expires_at` fixed ten years or more ahead (`\"2099-12-31\"`); "
             "`kubectl create token --duration` above the limit; Django REST framework "
             "`authtoken` `Token.objects.create()`/`get_or_create()` (those never expire); "
             "API key and token records (`ApiKey(...)`, a class the vocabulary calls a key "
             "or token, keyword fields only) stored (`session.add`, `.save()`) with no "
             "lifetime field, nor one set on them before; calls of the repository's own "
             "issuer (a method of a class naming a key or token, or a function whose name "
             "makes one) that leave its lifetime parameter at a default `None` it stores "
             "as the record's expiry (`LabKey.issue(owner)` where `issue(cls, owner, "
             "expires_at=None)` calls `cls.objects.create(..., expires_at=expires_at)`), "
             "in the same file or in another file of the scan that imports it. The "
             "limit is `refresh_token_max` "
             "of `[tool.tokenward.rules.excessive-token-lifetime]` (default 30 days).",
        why="A provider token without an expiry is valid until someone remembers to revoke "
            "it; leaked CI and automation tokens are a common way in.",
        how="Always pass an expiry: GitLab `expires_at` a few days or weeks ahead, Vault "
            "`ttl` of hours (renew periodic tokens rather than giving them huge periods).",
        not_flagged="Token data the rule cannot see completely (built elsewhere, "
                    "`**extra`); creations with an `expires_at`; Vault calls with a ttl "
                    "within the limit; other Vault `create` calls (roles, policies, "
                    "secrets); test code. Across files: issuers the scan did not read "
                    "(`--staged`, `--diff-base` and the pre-commit hook join only the files "
                    "they scan), calls through a variable or `**kwargs`, and an issuer that "
                    "replaces the default before storing it.",
        references=("https://cwe.mitre.org/data/definitions/613.html",
                    "https://docs.gitlab.com/ee/api/user_tokens.html",
                    "https://developer.hashicorp.com/vault/docs/commands/token/create"),
    ),
    detect=_detect,
    kinds=PYTHON | {FileKind.SHELL, FileKind.DOCKERFILE, FileKind.YAML},
    screens=True,
    options=(_LIMIT,),
    reads_imported=True,
    keywords=("access_tokens", "deploy_tokens", "impersonation", "auth.token", "create_token",
              "token create", "oauth/authorizations", "create token", "authtoken",
              "session.add", ".save(", "objects.create"),
    bad=(
        Example(
            """
            import gitlab

            def provision(gl, user):
                data = {"name": "ci", "scopes": ["read_api"]}
                return user.personal_access_tokens.create(data)
            """,
            expect=(
                Expected(5, 12, "personal_access_tokens.create() creates a token without "
                                "expires_at"),
            ),
        ),
        Example(
            """
            import hvac

            client = hvac.Client(url="https://vault.internal:8200")
            app_token = client.auth.token.create(policies=["app"])
            ci_token = client.auth.token.create(policies=["ci"], ttl="8760h")
            """,
            expect=(
                Expected(4, 13, "Vault token create creates a token without ttl (inherits the "
                                "mount default, 32 days unless tuned)"),
                Expected(5, 54, "Vault token create creates a token ttl=1 year (limit 30 days)"),
            ),
        ),
        Example(
            """
            #!/bin/sh
            vault token create -policy=deploy -ttl=8760h
            vault token create -policy=ops
            """,
            path="scripts/tokens.sh",
            expect=(
                Expected(2, 1, "vault token create creates a token -ttl=1 year (limit 30 days)"),
                Expected(3, 1, "vault token create creates a token without -ttl"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import datetime

            def provision(gl, user, project):
                expires = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
                user.personal_access_tokens.create(
                    {"name": "ci", "scopes": ["read_api"], "expires_at": expires})
                project.access_tokens.create({"name": "bot", "scopes": ["api"],
                                              "expires_at": "2025-01-31"})
                project.variables.create({"key": "TOKEN", "value": "x"})
            """,
        ),
        Example(
            """
            import hvac

            client = hvac.Client()
            client.auth.token.create(policies=["app"], ttl="1h")
            client.secrets.kv.v2.create_or_update_secret(path="app", secret={"k": "v"})
            """,
        ),
        Example(
            """
            #!/bin/sh
            vault token create -policy=deploy -ttl=1h
            vault token lookup
            """,
            path="scripts/tokens.sh",
        ),
    ),
)
