from __future__ import annotations

from tests.helpers import fired, scan_snippet, spans
from tokenward.config import Config
from tokenward.rules.wildcard_iam_policy import RULE
from tokenward.scanner.engine import FileTask, scan_file


def lines(code: str, path: str) -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_json_string_list_and_star_colon_star() -> None:
    code = (
        '{"Statement": [\n'
        '  {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]},\n'
        '  {"Effect": "Allow", "Action": "*:*", "Resource": "*"},\n'
        '  {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"},\n'
        '  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n'
        '  {"Effect": "Deny", "Action": "*", "Resource": "*"}\n'
        ']}\n'
    )
    assert lines(code, "policy.json") == [2, 3]


def test_policy_json_embedded_in_a_string() -> None:
    code = ('{"resource": {"aws_iam_policy": {"x": {"policy": '
            '"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"*\\",'
            '\\"Resource\\":\\"*\\"}]}"}}}}\n')
    assert lines(code, "iam.tf.json") == [1]


def test_hcl_policy_document_and_cdk() -> None:
    hcl = ('data "aws_iam_policy_document" "all" {\n  statement {\n    actions   = ["*"]\n'
           '    resources = ["*"]\n  }\n}\n')
    assert lines(hcl, "iam.tf") == [3]
    cdk = ('from aws_cdk import aws_iam as iam\n'
           'stmt = iam.PolicyStatement(actions=["*"], resources=["*"])\n'
           'ok = iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"])\n')
    assert lines(cdk, "stack.py") == [2]


def test_yaml_lists_and_deny() -> None:
    code = (
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Action:\n"
        "      - '*'\n"
        "    Resource: '*'\n"
        "  - Effect: Deny\n"
        "    Action: '*'\n"
        "    Resource: '*'\n"
        "  - Effect: Allow\n"
        "    Action: '*'\n"
        "    Resource: 'arn:aws:s3:::bucket'\n"
    )
    assert lines(code, "template.yaml") == [3]



def test_two_identical_resource_lines_each_belong_to_their_own_statement() -> None:
    # The hand-written reader looked the `Resource:` line up with lines.index(), which
    # finds the first identical line: it judged the wrong statement's resources.
    missed_before = (
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Action: 's3:GetObject'\n"
        "    Resource:\n"
        "      - 'arn:aws:s3:::bucket/*'\n"
        "  - Effect: Allow\n"
        "    Action: '*'\n"
        "    Resource:\n"
        "      - '*'\n"
    )
    assert spans(scan_snippet(missed_before, "policy.yaml", [RULE])) == [(7, 5, 7, 16)]
    reported_before = (
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Action: 's3:ListAllMyBuckets'\n"
        "    Resource:\n"
        "      - '*'\n"
        "  - Effect: Allow\n"
        "    Action: '*'\n"
        "    Resource:\n"
        "      - 'arn:aws:s3:::bucket/*'\n"
    )
    assert spans(scan_snippet(reported_before, "policy.yaml", [RULE])) == []


def test_the_span_runs_from_the_action_key_to_the_wildcard() -> None:
    json_text = '{"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}\n'
    assert spans(scan_snippet(json_text, "policy.json", [RULE])) == [(1, 36, 1, 50)]
    yaml_text = "Statement:\n  - Action:\n      - '*:*'\n    Resource: '*'\n"
    assert spans(scan_snippet(yaml_text, "policy.yml", [RULE])) == [(2, 5, 3, 14)]


def test_merge_keys_and_flow_statements() -> None:
    code = (
        "x-allow: &allow {Effect: Allow, Resource: '*'}\n"
        "Statement:\n"
        "  - <<: *allow\n"
        "    Action: '*'\n"
        "  - {Effect: Deny, Action: '*', Resource: '*'}\n"
    )
    assert spans(scan_snippet(code, "policy.yaml", [RULE])) == [(4, 5, 4, 16)]


def test_yaml_that_does_not_parse_is_still_checked() -> None:
    code = (
        "Resources:\n"
        "  Policy:\n"
        "    Properties:\n"
        "      PolicyDocument:\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Action: '*'\n"
        "            Resource: '*'\n"
        "\tbroken: here\n"
    )
    result = scan_file(FileTask("template.yaml", code.encode()), Config(), [RULE])
    assert [e.message for e in result.errors] == [
        "YAML does not parse: found character that cannot start any token (line 9, column 1); "
        "read line by line instead"]
    assert [(f.span.line, f.span.column) for f in result.findings] == [(7, 13)]
