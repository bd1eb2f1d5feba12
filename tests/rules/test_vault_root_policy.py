from __future__ import annotations

from tests.helpers import fired, scan_snippet
from tokenward.rules.vault_root_policy import RULE


def lines(code: str, path: str) -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_python_http_api_and_checks() -> None:
    code = (
        "import hvac, requests\n"
        "def f(c):\n"
        "    requests.post(URL, json={'policies': ['root'], 'ttl': '1h'})\n"
        "    c.auth.token.create(policies=['root-ca-read'])\n"
        "    return 'root' in c.lookup()['policies']\n"
    )
    assert lines(code, "vault_client.py") == [3]


def test_hcl_allowed_parameters_and_sys_star() -> None:
    code = (
        'path "auth/token/create" {\n'
        '  capabilities = ["create", "update"]\n'
        '  allowed_parameters = {\n'
        '    "policies" = ["root"]\n'
        '  }\n'
        '}\n'
        'path "sys/*" {\n'
        '  capabilities = ["read", "sudo"]\n'
        '}\n'
        'path "secret/*" {\n'
        '  capabilities = ["sudo"]\n'
        '}\n'
    )
    assert lines(code, "vault/policies/ci.hcl") == [4, 7]


def test_shell_and_json_policy() -> None:
    shell = ("vault write auth/approle/role/ci token_policies=root\n"
             "vault token create -policy=ci -ttl=30m\n"
             "# vault token create -policy=root\n")
    assert lines(shell, "bootstrap.sh") == [1]
    policy = ('{"path": {\n  "*": {"capabilities": ["create", "sudo"]},\n'
              '  "kv/*": {"capabilities": ["read"]}}}\n')
    assert lines(policy, "vault-policy.json") == [2]
