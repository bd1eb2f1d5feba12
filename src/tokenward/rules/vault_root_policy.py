"""TW405: a HashiCorp Vault token or policy with root-equivalent power."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.rules import examples
from tokenward.rules.base import CONFIG, PYTHON, Rule, RuleDocs

if TYPE_CHECKING:
    from tokenward.analysis import config_text, structured
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import lazy_module

    config_text = lazy_module("tokenward.analysis.config_text")
    structured = lazy_module("tokenward.analysis.structured")

# policies=["root"], "policies" = ["root"], token_policies: root, -policy=root
_POLICIES_ROOT = lazy_regex(
    r"""(?:^|[\s,{(\-])["']?(?:token_)?polic(?:y|ies)["']?\s*[:=]\s*"""
    r"""(?:\[[^\]\n]*?|["'][^"'\n]*?[, ])?["']?(root)(?![\w.\-/])""")
_SHELL_POLICY = lazy_regex(r"""-policy(?:=|\s+)["']?(root)(?![\w.\-/])""")
# path "*" { capabilities = [... "sudo" ...] }
_PATH_STAR = lazy_regex(r"""\bpath\s+["'](\*|sys/\*|\+/\*)["']\s*\{""")
_JSON_PATH_STAR = lazy_regex(r"""["'](\*)["']\s*:\s*\{\s*["']capabilities["']""")
_ROOT_CAPS = lazy_regex(r"""["'](sudo|\*)["']""")
# In a structured file: the keys that name policies, a root policy among listed names, the
# paths that cover every secret, and the capabilities that make them root.
_POLICY_KEYS = frozenset({"policy", "policies", "token_policy", "token_policies"})
_ROOT_NAME = lazy_regex(r"""(?:^|[\s,])(root)(?![\w.\-/])""")
_EVERY_PATH = frozenset({"*", "sys/*", "+/*"})
_ROOT_CAPABILITIES = frozenset({"sudo", "*"})


def _detect(source: Source) -> Iterator[Hit]:
    context = source.lowered + source.path.lower()
    if "vault" not in context and "hvac" not in context and "capabilities" not in context:
        return
    documents = structured.documents(source)
    if documents is not None:
        yield from _in_documents(source, documents)
        return
    yield from _in_text(source)


def _in_text(source: Source) -> Iterator[Hit]:
    """Code, HCL, scripts (and JSON that does not parse): patterns over the text."""
    text = source.text
    seen: set[int] = set()
    for pattern in (_POLICIES_ROOT, _SHELL_POLICY):
        for match in pattern.finditer(text):
            if match.start(1) in seen or _commented(text, match.start()):
                continue
            if _is_comparison(text, match.start(1)):
                continue
            seen.add(match.start(1))
            yield Hit(span=config_text.offset_span(text, match.start(1), match.end(1)),
                      target="root policy", detail="root", code=match.group(0).strip())
    for pattern in (_PATH_STAR, _JSON_PATH_STAR):
        for match in pattern.finditer(text):
            if _commented(text, match.start()):
                continue
            start, end = config_text.enclosing_block(text, match.end())
            if _ROOT_CAPS.search(text, start, end):
                yield Hit(span=config_text.offset_span(text, match.start(1), match.end(1)),
                          target=f'path "{match.group(1)}" with sudo', detail="path",
                          code=match.group(0))


def _in_documents(source: Source, documents: tuple[structured.Node, ...]) -> Iterator[Hit]:
    """YAML and JSON: policy keys naming root, policies with sudo on every path, and
    command lines held in values (a CI step that runs ``vault token create``)."""
    for node in structured.walk(*documents):
        if isinstance(node, structured.Mapping):
            for key, value in node.entries:
                if key.value in _POLICY_KEYS:
                    yield from _root_policies(source, value)
                elif key.value == "path" and isinstance(value, structured.Mapping):
                    yield from _root_paths(source, value)
        elif isinstance(node, structured.Scalar):
            for pattern in (_POLICIES_ROOT, _SHELL_POLICY):
                for match in pattern.finditer(node.value):
                    yield Hit(span=structured.locate(source, node, match.start(1), match.end(1)),
                              target="root policy", detail="root", code=match.group(0).strip())


def _root_policies(source: Source, value: structured.Node) -> Iterator[Hit]:
    for name in structured.scalars(value):
        for match in _ROOT_NAME.finditer(name.value):
            span = structured.locate(source, name, match.start(1), match.end(1))
            yield Hit(span=span, target="root policy", detail="root",
                      code=_text_path_code(source.text, name.start + match.start(1),
                                           _POLICIES_ROOT, "root policy"))


def _root_paths(source: Source, paths: structured.Mapping) -> Iterator[Hit]:
    for path, rules in paths.entries:
        if path.value not in _EVERY_PATH or not isinstance(rules, structured.Mapping):
            continue
        capabilities = structured.scalars(rules.get("capabilities"))
        if any(c.value in _ROOT_CAPABILITIES for c in capabilities):
            yield Hit(span=path.span, target=f'path "{path.value}" with sudo', detail="path",
                      code=_text_path_code(source.text, path.start, _JSON_PATH_STAR,
                                           f'"{path.value}": capabilities'))


def _text_path_code(text: str, at: int, pattern: re.Pattern[str], other: str) -> str:
    """The code the text patterns fingerprinted this finding by before structured files
    were parsed (their match, where it reaches the same place ``at``), so baselines
    made then still match."""
    line_start = text.rfind("\n", 0, at) + 1
    for match in pattern.finditer(text, line_start, min(len(text), at + 400)):
        if match.start(1) == at:
            return match.group(0).strip() if pattern is _POLICIES_ROOT else match.group(0)
    return other


def _commented(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    return text[line_start:position].lstrip().startswith(("#", "//"))


def _is_comparison(text: str, position: int) -> bool:
    """``"root" in info["policies"]`` reads a policy list; it does not grant one."""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line = text[line_start:line_end if line_end != -1 else len(text)]
    return bool(re.search(r"""["']root["']\s+(not\s+)?in\b|==\s*["']root""", line))


def _mentions_policy(text: str) -> bool:
    return "polic" in text or "capabilities" in text


_BAD, _GOOD = examples.load("vault_root_policy")

RULE = Rule(
    id="TW405",
    name="vault-root-policy",
    title="Vault token or policy with root power",
    category=Category.BROAD_SCOPE,
    severity=Severity.HIGH,
    cwe=(250, 272),
    message="Vault {target}: the token can read every secret and change every policy",
    hint="Create tokens with a policy listing only the paths and capabilities the client "
         "needs; generate root tokens only for break-glass work and revoke them right after.",
    docs=RuleDocs(
        what="Vault tokens created with the `root` policy (hvac "
             "`auth.token.create` or the HTTP API with `root` in the policy list, "
             "`vault token create` with the root policy, `token_policies` of a "
             "role, Terraform `policies = [\"root\"]`, `allowed_parameters` that let a "
             "policy mint root tokens), and policies granting `sudo` (or `*`) on every path "
             "(`path \"*\"`, `path \"sys/*\"`) in HCL or JSON.",
        why="A root token (or a policy with sudo on `*`) can read and write every secret, "
            "mint further tokens and rewrite policies and audit devices: a leak is a full "
            "compromise of everything Vault protects (CWE-250, CWE-272).",
        how="Write a policy per application with the exact paths and capabilities it "
            "needs; generate root tokens only with `vault operator generate-root` for an "
            "emergency, and revoke them when done.",
        not_flagged="Other policy names (even ones containing 'root', such as `root-ca-read`); "
                    "`path \"secret/data/app/*\"` and other prefix wildcards; `sudo` on a "
                    "specific path; reading or testing policy lists (`\"root\" in "
                    "info[\"policies\"]`); commented-out lines. Files that mention neither "
                    "Vault nor `capabilities` are not examined.",
        references=("https://developer.hashicorp.com/vault/docs/concepts/tokens#root-tokens",
                    "https://developer.hashicorp.com/vault/docs/concepts/policies"),
    ),
    detect=_detect,
    kinds=PYTHON | CONFIG | {FileKind.HCL},
    keywords=("root", "sudo"),
    prefilter=_mentions_policy,
    bad=_BAD,
    good=_GOOD,
)
