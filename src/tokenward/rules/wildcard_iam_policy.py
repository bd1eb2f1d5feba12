"""TW403: a cloud IAM policy statement that allows every action on every resource."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tokenward.analysis.config_text import enclosing_block, indent_of, offset_span
from tokenward.analysis.source import FileKind, Source
from tokenward.model import Category, Hit, Severity
from tokenward.rules import examples
from tokenward.rules.base import Rule, RuleDocs

_Q = r"""\\?["']"""
# "Action": "*", 'Action': ['*'], actions = ["*:*"], \"Action\":\"*\" (JSON in a string)
_ACTION = re.compile(
    rf"""{_Q}?\b(?:Action|actions?)\b{_Q}?\s*[:=]\s*(?:\[[^\]]{{0,400}}?)?{_Q}(\*(?::\*)?){_Q}""",
    re.IGNORECASE)
_RESOURCE = re.compile(
    rf"""{_Q}?\b(?:Resource|resources?)\b{_Q}?\s*[:=]\s*(?:\[[^\]]{{0,400}}?)?{_Q}\*{_Q}""",
    re.IGNORECASE)
_DENY = re.compile(rf"""{_Q}?\beffect\b{_Q}?\s*[:=]\s*(?:{_Q})?(?:deny|DENY|Deny)\b""",
                   re.IGNORECASE)
_YAML_ACTION = re.compile(r"""^(\s*)(?:-\s+)?(Action|actions?)\s*:\s*(.*)$""", re.IGNORECASE)
_YAML_STAR = re.compile(r"""^\[?\s*["']\*(?::\*)?["']\s*\]?\s*(?:#.*)?$""")
_YAML_ITEM_STAR = re.compile(r"""^\s*-\s+["']\*(?::\*)?["']\s*(?:#.*)?$""")
_YAML_RESOURCE = re.compile(r"""^\s*(?:-\s+)?(Resource|resources?)\s*:\s*(.*)$""",
                            re.IGNORECASE)
_YAML_DENY = re.compile(r"""^\s*(?:-\s+)?Effect\s*:\s*["']?Deny""", re.IGNORECASE)


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is FileKind.YAML:
        yield from _detect_yaml(source)
        return
    text = source.text
    for match in _ACTION.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start:match.start()].lstrip().startswith(("#", "//")):
            continue
        start, end = enclosing_block(text, match.start())
        block = text[start:end]
        if not _RESOURCE.search(block) or _DENY.search(block):
            continue
        yield Hit(span=offset_span(text, match.start(), match.end()), target=match.group(1),
                  detail="", code=" ".join(block.split())[:200])


def _yaml_statement(lines: list[str], number: int, indent: int) -> list[str]:
    """Sibling keys of the Action key: the YAML mapping it belongs to."""
    block = [lines[number - 1]]
    for i in range(number - 2, -1, -1):
        line = lines[i]
        if not line.strip():
            continue
        if indent_of(line) < indent:
            if line.lstrip().startswith("- ") and indent_of(line) + 2 == indent:
                block.append(line)
            break
        if indent_of(line) == indent and line.lstrip().startswith("- "):
            break
        block.append(line)
    for line in lines[number:]:
        if not line.strip():
            continue
        if indent_of(line) < indent or (indent_of(line) == indent
                                        and line.lstrip().startswith("- ")
                                        and not _is_value_item(line, indent)):
            break
        block.append(line)
    return block


def _is_value_item(line: str, indent: int) -> bool:
    return False


def _yaml_value_is_star(lines: list[str], number: int, inline: str, indent: int) -> bool:
    if inline.strip():
        return bool(_YAML_STAR.match(inline.strip()))
    for line in lines[number:]:
        if not line.strip():
            continue
        if not line.lstrip().startswith("- ") or indent_of(line) < indent:
            return False
        if _YAML_ITEM_STAR.match(line):
            return True
    return False


def _detect_yaml(source: Source) -> Iterator[Hit]:
    lines = source.lines
    for number, line in enumerate(lines, start=1):
        match = _YAML_ACTION.match(line)
        if match is None:
            continue
        indent = match.start(2)
        if not _yaml_value_is_star(lines, number, match.group(3), indent):
            continue
        block = _yaml_statement(lines, number, indent)
        if any(_YAML_DENY.match(b) for b in block):
            continue
        resource_star = False
        for _i, b in enumerate(block):
            res = _YAML_RESOURCE.match(b)
            if res is None:
                continue
            if res.group(2).strip():
                resource_star = bool(_YAML_STAR.match(res.group(2).strip()))
            else:
                at = lines.index(b) + 1 if b in lines else 0
                resource_star = _yaml_value_is_star(lines, at, "", indent_of(b))
        if resource_star:
            from tokenward.model import Span
            yield Hit(span=Span(number, indent + 1, number, len(line.rstrip()) + 1),
                      target="*", detail="", code=line.strip())


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
