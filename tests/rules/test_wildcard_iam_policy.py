from __future__ import annotations

from tests.helpers import fired, scan_snippet
from tokenward.rules.wildcard_iam_policy import RULE


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
