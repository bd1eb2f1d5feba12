"""TW403: a cloud IAM policy statement that allows every action on every resource."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules import examples
from tokenward.rules.base import Rule, RuleDocs

if TYPE_CHECKING:
    from tokenward.analysis import config_text, structured
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import lazy_module

    config_text = lazy_module("tokenward.analysis.config_text")
    structured = lazy_module("tokenward.analysis.structured")

_Q = r"""\\?["']"""
# "Action": "*", 'Action': ['*'], actions = ["*:*"], \"Action\":\"*\" (JSON in a string)
_ACTION = lazy_regex(
    rf"""{_Q}?\b(?:Action|actions?)\b{_Q}?\s*[:=]\s*(?:\[[^\]]{{0,400}}?)?{_Q}(\*(?::\*)?){_Q}""",
    re.IGNORECASE)
_RESOURCE = lazy_regex(
    rf"""{_Q}?\b(?:Resource|resources?)\b{_Q}?\s*[:=]\s*(?:\[[^\]]{{0,400}}?)?{_Q}\*{_Q}""",
    re.IGNORECASE)
_DENY = lazy_regex(rf"""{_Q}?\beffect\b{_Q}?\s*[:=]\s*(?:{_Q})?(?:deny|DENY|Deny)\b""",
                   re.IGNORECASE)
_WILDCARD_ACTIONS = frozenset({"*", "*:*"})


def _detect(source: Source) -> Iterator[Hit]:
    documents = structured.documents(source)
    if documents is not None:
        yield from _in_documents(source, documents)
        return
    yield from _in_text(source.text, 0, len(source.text))


def _in_text(text: str, start: int, end: int) -> Iterator[Hit]:
    """Policy statements in code or text (Python dicts, HCL, JSON that does not parse, a
    policy embedded in a string): bracket-counted blocks."""
    for match in _ACTION.finditer(text, start, end):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start:match.start()].lstrip().startswith(("#", "//")):
            continue
        block_start, block_end = config_text.enclosing_block(text, match.start())
        block = text[block_start:block_end]
        if not _RESOURCE.search(block) or _DENY.search(block):
            continue
        yield Hit(span=config_text.offset_span(text, match.start(), match.end()),
                  target=match.group(1), detail="", code=" ".join(block.split())[:200])


def _in_documents(source: Source, documents: tuple[structured.Node, ...]) -> Iterator[Hit]:
    for statement in structured.mappings(*documents):
        hit = _statement_hit(source, statement)
        if hit is not None:
            yield hit
    # A policy document held in a string (Terraform JSON's "policy": "{\"Statement\": ...}").
    for node in structured.walk(*documents):
        if isinstance(node, structured.Scalar) and _ACTION.search(node.value):
            yield from _in_text(source.text, node.start, node.end)


def _statement_hit(source: Source, statement: structured.Mapping) -> Hit | None:
    """A statement allowing a wildcard action on the wildcard resource."""
    action = statement.entry("Action", "action", "actions")
    if action is None:
        return None
    key, actions = action
    wildcard = next((s for s in structured.scalars(actions) if s.value in _WILDCARD_ACTIONS),
                    None)
    resources = structured.scalars(statement.get("Resource", "resource", "resources"))
    if wildcard is None or not any(r.value == "*" for r in resources):
        return None
    if (statement.value("Effect", "effect") or "").lower() == "deny":
        return None
    start, end = structured.as_written(source, key), structured.as_written(source, wildcard)
    if source.kind is FileKind.JSON:  # the statement's text, as the text path has it
        code = " ".join(source.text[statement.start:statement.end].split())
    else:
        code = source.line(key.span.line).strip()
    return Hit(span=Span(start.line, start.column, end.end_line, end.end_column),
               target=wildcard.value, detail="", code=code[:200])


def _has_wildcard_resource(text: str) -> bool:
    return "resource" in text and "*" in text


_BAD, _GOOD = examples.load("wildcard_iam_policy")

RULE = Rule(
    id="TW403",
    name="wildcard-iam-policy",
    title="IAM policy allowing every action on every resource",
    category=Category.BROAD_SCOPE,
    severity=Severity.HIGH,
    cwe=(250, 272),
    message="IAM statement allows Action \"{target}\" on Resource \"*\": whoever holds these "
            "credentials is an administrator of the whole account",
    hint="List the actions the workload calls (e.g. s3:GetObject) on the ARNs it uses; "
         "IAM Access Analyzer can generate a policy from CloudTrail activity.",
    docs=RuleDocs(
        what="A policy statement whose `Action` is `\"*\"` or `\"*:*\"` (alone or in a list) "
             "and whose `Resource` is `\"*\"`, with an `Allow` (or absent) effect: in IAM "
             "JSON documents, Terraform `*.tf.json` and HCL `aws_iam_policy_document` "
             "blocks (a lone wildcard in `actions`), policy JSON embedded in a string, "
             "CloudFormation / Serverless YAML, Python dicts (boto3 `put_role_policy`) and "
             "CDK `PolicyStatement` with wildcard actions and resources.",
        why="Credentials bound to such a policy (a role's temporary tokens, an access key) "
            "can do anything in the account, including creating new admin users: one leak "
            "is a full compromise (CWE-250, CWE-272).",
        how="Grant the specific actions on the specific resources the workload needs, and "
            "keep break-glass administrator access in a separate, monitored role.",
        not_flagged="`Deny` statements (they restrict); service-wide wildcards such as "
                    "`s3:*` or `ec2:Describe*` (broad, but bounded to one service: not "
                    "reported by this rule); a wildcard `Action` on specific resource ARNs, and "
                    "`Resource: \"*\"` with named actions (read-only `Describe*`/`List*` "
                    "statements usually need it); `NotAction` statements; policies assembled "
                    "at run time.",
        references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"
                    "#grant-least-privilege",
                    "https://cwe.mitre.org/data/definitions/250.html"),
    ),
    detect=_detect,
    kinds=frozenset({FileKind.PYTHON, FileKind.JSON, FileKind.YAML, FileKind.HCL}),
    keywords=("action",),
    prefilter=_has_wildcard_resource,
    bad=_BAD,
    good=_GOOD,
)
