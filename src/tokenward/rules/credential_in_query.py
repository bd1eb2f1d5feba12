"""TW603: a server route that takes a password, token or session id from the URL query."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import mentions_credentials, url_param_credential
from tokenward.model import Category, Hit, Severity
from tokenward.rules import examples
from tokenward.rules.base import PYTHON, Rule, RuleDocs

if TYPE_CHECKING:
    from tokenward.analysis import web_input
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import lazy_module

    web_input = lazy_module("tokenward.analysis.web_input")


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is not FileKind.PYTHON or not _may_read(source):
        return
    for found in web_input.query_inputs(source):
        if url_param_credential(found.name) == "always":
            yield Hit(span=source.span(found.node), target=found.name,
                      code=source.code(found.node))


def _may_read(source: Source) -> bool:
    """The screen (``ast``): some name ``query_inputs`` could yield is a credential's. A
    tree already built is read instead."""
    if "module" in source.__dict__:
        return True
    names = web_input.query_input_names(source)
    return names is None or any(url_param_credential(n) == "always" for n in names)


_BAD, _GOOD = examples.load("credential_in_query")

RULE = Rule(
    id="TW603",
    name="credential-in-query",
    title="Server reads a credential from the URL query string",
    category=Category.TOKEN_EXPOSURE,
    severity=Severity.MEDIUM,
    cwe=(598,),
    message="The server takes {target} from the URL query string: clients must put the "
            "credential in the URL, which is logged by servers and proxies and kept in "
            "browser history",
    hint="Accept credentials in the request body (a form or JSON field) or a header "
         "(Authorization), never as a query parameter.",
    docs=RuleDocs(
        what="A server route that reads a credential (a password, token, API key, client "
             "secret or session id, judged by the parameter's name) from the URL query: a "
             "FastAPI route parameter declared with `Query(...)` (as default or in "
             "`Annotated`), or a plain scalar route parameter that is not in the path "
             "template (FastAPI takes those from the query string whatever the HTTP "
             "method); Flask's `request.args[...]`/`.get(...)`, Django's `request.GET`, "
             "Starlette's `request.query_params`, aiohttp's `request.query`; and a mapping "
             "parsed from the incoming request's query in the same file "
             "(`parse_qs(urlparse(self.path).query)` in an `http.server` handler, "
             "`parse_qs(environ['QUERY_STRING'])`).",
        why="A route that reads its credential from the query string makes every client "
            "send it in the URL, where web servers, proxies and load balancers log it, "
            "browsers keep it in history and the Referer header carries it to other "
            "sites (CWE-598).",
        how="Read credentials from the request body (`Form(...)`, `Body(...)`, a Pydantic "
            "model, `request.form`, `request.POST`) or a header (`Authorization`); for a "
            "login, accept a POST form; for API access, a bearer header.",
        not_flagged="Path parameters, parameters declared with `Body`, `Form`, `Header`, "
                    "`Cookie`, `Depends` or `Security`, parameters typed with a model, "
                    "query parameters that carry no credential (`code`, `state`, "
                    "`page_token`, `csrf_token`: the same judgement of names as TW602), "
                    "request bodies (`request.form`, `request.POST`), a URL a client "
                    "parses before sending it (`parse_qs(urlparse(url).query)`), a query "
                    "value only ever named as a cookie's name (a download marker), and one "
                    "read only by the test of a branch that refuses the request when the "
                    "value is there (`if request.GET.get(\"access_token\"): return False`, "
                    "or `raise`): the server turns such a credential away. A branch that "
                    "refuses when the value is missing or differs (`if not ...`, `!= "
                    "API_KEY`) takes the credential from the query: still reported.",
        references=("https://cwe.mitre.org/data/definitions/598.html",
                    "https://owasp.org/www-community/vulnerabilities/"
                    "Information_exposure_through_query_strings_in_url"),
    ),
    detect=_detect,
    kinds=PYTHON,
    screens=True,
    keywords=("fastapi", "request", "parse_qs"),
    prefilter=mentions_credentials,
    bad=_BAD,
    good=_GOOD,
)
