"""TW501: a token or credential sent over plain ``http://`` to a host that is not local."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import may_carry_credentials
from tokenward.config import STRINGS, Option
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import CONFIG, PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import bound_names, config_text, credentials, python
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    bound_names = lazy_module("tokenward.analysis.bound_names")
    config_text = lazy_module("tokenward.analysis.config_text")
    credentials = lazy_module("tokenward.analysis.credentials")
    python = lazy_module("tokenward.analysis.python")

NAME = "cleartext-token-transport"
LOCAL_HOSTS = Option(NAME, "local_hosts", STRINGS, (),
                     'More hosts to treat as local: exact names ("proxy.corp"), or '
                     '".suffix" for every name under a domain (".svc.cluster.local").')


def _detect(source: Source) -> Iterator[Hit]:
    extra = LOCAL_HOSTS.value(source.config)
    if source.kind is FileKind.PYTHON:
        yield from _detect_python(source, extra)
    else:
        yield from detect_commands(source, extra)


def _detect_python(source: Source, extra: tuple[str, ...]) -> Iterator[Hit]:
    # The screen first: no URL in clear to a host that is not local, no libcst tree.
    if not _may_send_in_clear(source) or source.index is None:
        return
    for call in source.index.of(cst.Call):
        if credentials.is_http_call(source, call):
            url = credentials.request_url(source, call)
            carries = credentials.call_carries_credentials
        elif credentials.is_client_factory(source, call):
            base = python.keyword(call, "base_url")
            url = None if base is None else base.value
            carries = credentials.call_carries_credentials_shallow
        elif (hit := _http_connection_request(source, call, extra)) is not None:
            yield hit
            continue
        elif credentials.has_credential_kwargs(source, call):
            # gitlab.Gitlab(url, private_token=...), Elasticsearch(url, basic_auth=...),
            # hvac.Client(url=..., token=...)
            url = credentials.endpoint_argument(call)
            carries = credentials.has_credential_kwargs
        else:
            continue
        if url is None:
            continue
        host = credentials.cleartext_host(credentials.url_prefix(source, url) or "", extra)
        if host is None or not carries(source, call):
            continue
        yield Hit(span=source.span(call), target=host, detail="http://",
                  code=source.code(call))


_HTTP_CONNECTIONS = frozenset({"http.client.HTTPConnection", "httplib.HTTPConnection"})


def _http_connection_request(source: Source, call: cst.Call, extra: tuple[str, ...]
                             ) -> Hit | None:
    """``conn = http.client.HTTPConnection("api.example.com")`` then
    ``conn.request("GET", "/", headers={"Authorization": ...})``."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "request"):
        return None
    receiver = source.analysis.resolve(func.value)
    if not isinstance(receiver, cst.Call):
        return None
    if python.call_name(source, receiver) not in _HTTP_CONNECTIONS:
        return None
    host_arg = python.positional(receiver, 0) or python.keyword(receiver, "host")
    host_text = credentials.url_prefix(source, host_arg.value) if host_arg is not None else None
    if host_text is None:
        return None
    host = credentials.cleartext_host("http://" + host_text, extra)
    headers = python.keyword(call, "headers") or python.positional(call, 3)
    if host is None or headers is None \
            or not credentials.has_credential_items(source, headers.value):
        return None
    return Hit(span=source.span(call), target=host, detail="http.client.HTTPConnection",
               code=source.code(call))


def _may_send_in_clear(source: Source) -> bool:
    """The screen (``ast``): every finding needs a URL that may start with ``http://`` and
    a host that is not local (``credentials.may_hold_cleartext_url``), or an
    ``HTTPConnection`` (its host is given without a scheme). Whether a credential is sent
    is not asked. On Django's source the keyword "http://" (in comments, and in
    ``startswith(("http://", ...))`` tests) sent 6 files to libcst. A tree already built
    is read instead; a file ``ast`` cannot screen goes through."""
    return source.screened(_screen)


def _screen(source: Source) -> bool:
    return bound_names.may_call(source, _HTTP_CONNECTIONS) or credentials.may_hold_cleartext_url(
        source, LOCAL_HOSTS.value(source.config))


# --- curl / wget in shell scripts, Dockerfiles, CI YAML -----------------------------------

_COMMAND = lazy_regex(r"(?<![\w.-])(curl|wget|http|https|xh)(?=\s)")
_CREDENTIAL_HEADER = lazy_regex(
    r"(?i)(?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|"
    r"x-access-token|private-token|x-vault-token|x-gitlab-token|x-api-token|cookie)\s*:")
_CREDENTIAL_FLAG = lazy_regex(
    r"(?:^|\s)(?:-u|--user|--oauth2-bearer|--password|--http-password|--http-user|"
    r"-b|--cookie|-a|--auth)(?:[\s=]|$)")


def command_carries_credentials(text: str) -> bool:
    return bool(_CREDENTIAL_HEADER.search(text) or _CREDENTIAL_FLAG.search(text))


def detect_commands(source: Source, extra: tuple[str, ...]) -> Iterator[Hit]:
    for logical in config_text.logical_lines(source):
        text = logical.text
        if "http://" not in text.lower() or not _COMMAND.search(text):
            continue
        if config_text.is_comment(text, source.kind):
            continue
        for match in credentials.http_urls(text):
            if match.start() < _COMMAND.search(text).start():  # type: ignore[union-attr]
                continue
            url = match.group(0).rstrip(")];,")
            host = credentials.cleartext_host(url, extra)
            if host is None:
                continue
            if not (command_carries_credentials(text) or credentials.url_carries_credentials(url)):
                continue
            yield Hit(span=logical.span(match.start(), match.start() + len(url)),
                      target=host, detail="http://", code=url)


RULE = Rule(
    id="TW501",
    name=NAME,
    title="Token sent over cleartext HTTP",
    category=Category.INSECURE_TRANSPORT,
    severity=Severity.HIGH,
    cwe=(319,),
    message="A credential is sent over cleartext http:// to {target}: anyone on the path "
            "can read and replay it",
    hint="Use https:// (and keep certificate verification on); tokens must never travel "
         "in clear outside the local machine.",
    docs=RuleDocs(
        what="An HTTP request that carries a credential (an `Authorization` or API-key "
             "header, `auth=`, `cookies=`, a secret-named field in `params=`/`data=`/`json=`, "
             "a token in the query string or `user:password@` in the URL, or a session whose "
             "default headers/auth carry one) to an `http://` URL whose host is not local. "
             "URLs are followed through simple local and module constants (`BASE_URL + "
             "'/v1'`, `f\"{BASE_URL}/users\"`, `urljoin(BASE_URL, ...)`, `self.base_url`). "
             "Also `http.client.HTTPConnection` requests with credential headers, and "
             "`curl`/`wget`/`httpie` commands in shell scripts, Dockerfiles and CI YAML "
             "that send a credential header, `-u user:pass` or a token in the URL to "
             "`http://`.",
        why="Plain HTTP has no confidentiality: every proxy, Wi-Fi hotspot, router and "
            "packet capture on the path sees the bearer token and can replay it until it "
            "expires or is revoked (CWE-319).",
        how="Use `https://` for every request that carries a credential. If a service "
            "only speaks HTTP, put it behind a TLS-terminating proxy or a service mesh "
            "with mTLS and call it through that.",
        not_flagged="Local hosts: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`, "
                    "`0.0.0.0`, link-local 169.254.0.0/16 (cloud metadata) and single-label "
                    "names such as `http://api:8000` (docker-compose/sidecar services on the "
                    "same host or bridge network); add more with the rule option "
                    "`local_hosts = [\"proxy.corp\", \".svc.cluster.local\"]`. `*.local`, "
                    "`*.internal` and private RFC 1918 addresses ARE flagged: a LAN or VPC is "
                    "still a network. Requests to http:// without any credential, https:// "
                    "requests, URLs whose host is a template placeholder (`http://{host}`), "
                    "URLs read from the environment or configuration at run time (the "
                    "default of `os.getenv` is not followed), and URLs assembled beyond "
                    "simple constants, concatenation, f-strings, `urljoin` and `.format`.",
        references=("https://cwe.mitre.org/data/definitions/319.html",
                    "https://owasp.org/www-project-top-ten/2017/A3_2017-Sensitive_Data_Exposure"),
    ),
    detect=_detect,
    kinds=PYTHON | CONFIG,
    screens=True,
    options=(LOCAL_HOSTS,),
    keywords=("http://", "httpconnection"),
    prefilter=may_carry_credentials,
    bad=(
        Example(
            """
            import requests

            BASE_URL = "http://api.example.com/v1"

            def fetch_user(token):
                return requests.get(f"{BASE_URL}/user",
                                    headers={"Authorization": f"Bearer {token}"})
            """,
            expect=(
                Expected(6, 12, "A credential is sent over cleartext http:// to "
                                "api.example.com: anyone on the path can read and replay it"),
            ),
        ),
        Example(
            """
            import requests

            session = requests.Session()
            session.headers.update({"X-Api-Key": API_KEY})

            def orders():
                return session.get("http://shop.example.com/orders").json()
            """,
            expect=(
                Expected(7, 12, "A credential is sent over cleartext http:// to "
                                "shop.example.com: anyone on the path can read and replay it"),
            ),
        ),
        Example(
            """
            import httpx

            client = httpx.Client(base_url="http://billing.internal",
                                  auth=("svc", PASSWORD))
            """,
            expect=(
                Expected(3, 10, "A credential is sent over cleartext http:// to "
                                "billing.internal: anyone on the path can read and replay it"),
            ),
        ),
        Example(
            """
            #!/bin/sh
            curl -sf -H "Authorization: Bearer $DEPLOY_TOKEN" \\
                 http://deploy.example.com/hooks/release
            """,
            path="deploy.sh",
            expect=(
                Expected(3, 6, "A credential is sent over cleartext http:// to "
                               "deploy.example.com: anyone on the path can read and replay it"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import requests

            def fetch_user(token):
                return requests.get("https://api.example.com/v1/user",
                                    headers={"Authorization": f"Bearer {token}"})
            """,
        ),
        Example(
            """
            import requests

            def health():
                # no credential: a public health check over http is not a token leak
                return requests.get("http://status.example.com/health")

            def local(token):
                return requests.get("http://localhost:8000/me",
                                    headers={"Authorization": token})
            """,
        ),
        Example(
            """
            import requests

            VAULT = "http://vault:8200"  # docker-compose service name: same bridge network

            def read(token):
                return requests.get(VAULT + "/v1/secret/app", headers={"X-Vault-Token": token})
            """,
        ),
        Example(
            """
            #!/bin/sh
            curl -sf http://deploy.example.com/health
            curl -sf -H "Authorization: Bearer $DEPLOY_TOKEN" https://deploy.example.com/
            """,
            path="deploy.sh",
        ),
    ),
)
