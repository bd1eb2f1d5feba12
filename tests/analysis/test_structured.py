"""Structured files read with their parsers: every key and value where the file has it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import scan_snippet
from tokenward.analysis import structured
from tokenward.analysis.source import FileKind
from tokenward.analysis.structured import Mapping, Scalar, Sequence, parse
from tokenward.config import Config
from tokenward.model import Span
from tokenward.rules import RULES_BY_ID
from tokenward.scanner.engine import FileTask, scan_file


def yaml(text: str) -> structured.Structured:
    return parse(textwrap.dedent(text).lstrip("\n"), FileKind.YAML)


def outline(node: structured.Node) -> object:
    """A node as plain data: (value, span) for scalars, nested lists and dicts otherwise."""
    if isinstance(node, Scalar):
        s = node.span
        return (node.value, (s.line, s.column, s.end_line, s.end_column))
    if isinstance(node, Sequence):
        return [outline(item) for item in node.items]
    return {key.value: outline(value) for key, value in node.entries}


def test_yaml_keys_and_values_carry_their_spans_quoted_values_inside_the_quotes() -> None:
    result = yaml("""
        Statement:
          - Effect: Allow
            Action: '*'
            Resource: ["*", "arn:aws:s3:::b"]
        """)
    assert result.parsed
    [document] = result.documents
    assert outline(document) == {"Statement": [{
        "Effect": ("Allow", (2, 13, 2, 18)),
        "Action": ("*", (3, 14, 3, 15)),
        "Resource": [("*", (4, 17, 4, 18)), ("arn:aws:s3:::b", (4, 22, 4, 36))],
    }]}
    assert isinstance(document, Mapping)
    [(key, _)] = document.entries
    assert key.span == Span(1, 1, 1, 10)


def test_multi_document_block_scalar_and_custom_tags() -> None:
    result = yaml("""
        kind: ConfigMap
        data:
          script: |
            vault token create -policy=root
        ---
        Resources:
          Role: !Ref AdminRole
        """)
    assert [outline(d) for d in result.documents] == [
        {"kind": ("ConfigMap", (1, 7, 1, 16)),
         "data": {"script": ("vault token create -policy=root\n", (3, 11, 5, 1))}},
        {"Resources": {"Role": ("AdminRole", (7, 9, 7, 23))}},
    ]


def test_anchors_aliases_and_merge_keys() -> None:
    result = yaml("""
        defaults: &allow {Effect: Allow, Resource: '*'}
        Statement:
          - <<: *allow
            Action: '*'
          - *allow
        """)
    [document] = result.documents
    assert isinstance(document, Mapping)
    statements = document.get("Statement")
    assert isinstance(statements, Sequence)
    first, second = statements.items
    assert outline(first) == {"Action": ("*", (4, 14, 4, 15)),
                              "Effect": ("Allow", (1, 27, 1, 32)),
                              "Resource": ("*", (1, 45, 1, 46))}
    # The alias is the anchored node itself: walked once, reported where it is written.
    assert second is document.get("defaults")
    assert sum(1 for node in structured.walk(document) if node is second) == 1


def test_a_recursive_alias_ends() -> None:
    result = yaml("a: &loop [*loop]\n")
    [document] = result.documents
    assert outline(document) == {"a": [[]]}


def test_lines_are_counted_as_source_counts_them() -> None:
    # PyYAML ends a line at U+2028 and NEL too; spans must index Source.lines.
    result = parse('a: "x\u2028y"\r\nb: 1\n', FileKind.YAML)
    [document] = result.documents
    assert outline(document) == {"a": ("x\u2028y", (1, 5, 1, 8)), "b": ("1", (2, 4, 2, 5))}


def test_a_helm_template_is_parsed_with_its_template_code_masked() -> None:
    result = yaml("""
        {{- if .Values.rbac.create }}
        kind: ClusterRoleBinding
        metadata:
          name: {{ template "app.fullname" . }}
          labels:
        {{ include "app.labels" . | indent 4 }}
        {{- /* a comment
        over two lines */}}
        roleRef:
          name: cluster-admin
        {{- end }}
        """)
    assert result.problem is None
    [document] = result.documents
    assert outline(document) == {
        "kind": ("ClusterRoleBinding", (2, 7, 2, 25)),
        "metadata": {"name": ("x" * 31, (4, 9, 4, 40)), "labels": ("", (5, 10, 5, 10))},
        "roleRef": {"name": ("cluster-admin", (10, 9, 10, 22))},
    }


def test_yaml_that_does_not_parse_is_read_line_by_line_into_the_same_tree() -> None:
    result = yaml("""
        kind: ClusterRoleBinding
        metadata:
          name: admins: ops
        roleRef:
          kind: ClusterRole
          name: "cluster-admin"  # the whole cluster
        subjects:
        - kind: Group
          name: ops
        \tbroken: tab
        """)
    assert result.problem == ("YAML does not parse: mapping values are not allowed in this "
                              "context (line 3, column 15); read line by line instead")
    assert [outline(d) for d in result.documents] == [
        {"kind": ("ClusterRoleBinding", (1, 7, 1, 25)),
         "metadata": {"name": {"admins": ("ops", (3, 17, 3, 20))}},
         "roleRef": {"kind": ("ClusterRole", (5, 9, 5, 20)),
                     "name": ("cluster-admin", (6, 10, 6, 23))},
         "subjects": [{"kind": ("Group", (8, 9, 8, 14)), "name": ("ops", (9, 9, 9, 12))}]},
        {"broken": ("tab", (10, 10, 10, 13))},
    ]


def test_json_with_comments_trailing_commas_and_escapes() -> None:
    text = '{\n  // a comment\n  "a": ["x", 1, true,],\n  "b\\u0041": {"c": "d\\"e"}, /* x */\n}\n'
    result = parse(text, FileKind.JSON)
    assert result.parsed
    [document] = result.documents
    assert outline(document) == {
        "a": [("x", (3, 10, 3, 11)), ("1", (3, 14, 3, 15)), ("true", (3, 17, 3, 21))],
        "bA": {"c": ('d"e', (4, 21, 4, 25))},
    }
    assert document.span == Span(1, 1, 5, 2)


@pytest.mark.parametrize(("text", "problem"), [
    ('{"a": [1, 2}\n', "expected ',' or ']' (line 1, column 12)"),
    ('{"a" 1}', "expected ':' after a key (line 1, column 6)"),
    ('{"a": 1} 2', "extra data after the value (line 1, column 10)"),
    ('{"a": "open', "unterminated string (line 1, column 7)"),
    ('{"a": nul}', "unexpected character (line 1, column 7)"),
    ('[\n', "unexpected end of file (line 1, column 2)"),
    ('{"a": "\\x"}', "invalid \\escape (line 1, column 8)"),
])
def test_json_that_does_not_parse_says_where(text: str, problem: str) -> None:
    result = parse(text, FileKind.JSON)
    assert (result.documents, result.problem) == (
        (), f"JSON does not parse: {problem}; checked as text instead")


def test_an_empty_file_is_no_problem() -> None:
    assert parse("  // nothing\n", FileKind.JSON) == structured.Structured(())
    assert parse("# nothing\n", FileKind.YAML) == structured.Structured(())


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    deep_json = "[" * 100_000 + "]" * 100_000
    assert parse(deep_json, FileKind.JSON).parsed
    deep_yaml = "a: " + "[" * 5_000 + "]" * 5_000 + "\n"
    result = parse(deep_yaml, FileKind.YAML)
    assert result.problem is not None and result.problem.startswith("YAML does not parse")


def test_a_file_that_does_not_parse_is_one_error_entry_and_its_findings_still_count() -> None:
    rules = [RULES_BY_ID["TW404"], RULES_BY_ID["TW403"], RULES_BY_ID["TW401"]]
    text = ("kind: ClusterRoleBinding\n"
            "metadata: {name: [oops}\n"
            "roleRef:\n"
            "  name: cluster-admin\n"
            "scopes: [admin]\n")
    result = scan_file(FileTask("k8s/binding.yaml", text.encode()), Config(), rules)
    assert [(e.path, e.message, e.internal) for e in result.errors] == [(
        "k8s/binding.yaml",
        "YAML does not parse: did not find expected ',' or ']' (line 2, column 23); "
        "read line by line instead", False)]
    assert [(f.rule_id, f.span.line, f.span.column) for f in result.findings] == [
        ("TW404", 4, 9), ("TW401", 5, 10)]


def test_broken_json_is_checked_as_text() -> None:
    text = '{"kind": "ClusterRoleBinding", "roleRef": {"name": "cluster-admin"},,}\n'
    result = scan_file(FileTask("binding.json", text.encode()), Config(),
                       [RULES_BY_ID["TW404"]])
    assert [e.message for e in result.errors] == [
        "JSON does not parse: expected a key in double quotes or '}' (line 1, column 69); "
        "checked as text instead"]
    assert [(f.span.line, f.span.column) for f in result.findings] == [(1, 53)]


def test_the_parse_error_never_quotes_the_file() -> None:
    # The pure-Python parser names an undefined alias in its message; libyaml does not.
    name = "Zq8vK2mQ9Ls4Xw7R"
    assert structured._without_content(f"found undefined alias '{name}'") == (
        "found undefined alias")
    assert structured._without_content("did not find expected ',' or ']'") == (
        "did not find expected ',' or ']'")
    assert structured._without_content("found character '\\t' that cannot start any token") \
        == "found character '\\t' that cannot start any token"
    result = scan_file(FileTask("ci.yaml", f"scopes: *{name}\n".encode()), Config(),
                       [RULES_BY_ID["TW401"]])
    assert [e.message for e in result.errors] == [
        "YAML does not parse: found undefined alias (line 1, column 9); read line by line "
        "instead"]


def test_a_file_no_structured_rule_wants_is_not_parsed() -> None:
    # No "cluster-admin" in the file: TW404 does not run, nothing reads the broken YAML.
    result = scan_file(FileTask("x.yaml", b"a: [\n"), Config(), [RULES_BY_ID["TW404"]])
    assert (result.findings, result.errors) == ((), ())
    assert scan_snippet("kind: RoleBinding\nroleRef: {name: cluster-admin}\n", "x.yaml",
                        [RULES_BY_ID["TW404"]])[0].span == Span(2, 17, 2, 30)


def test_importing_the_rules_does_not_import_yaml() -> None:
    src = str(Path(__file__).resolve().parents[2] / "src")
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import tokenward.rules; "
             "print('yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, src], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
