from __future__ import annotations

from tests.helpers import fired, scan_snippet, spans
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



def test_yaml_policy_lists_block_or_comma_separated() -> None:
    code = ("policies:\n"
            "  - default\n"
            "  - root\n"
            "token_policies: 'default, root'\n"
            "policy: root-ca-read\n")
    assert spans(scan_snippet(code, "vault/roles.yaml", [RULE])) == [(3, 5, 3, 9), (4, 27, 4, 31)]


def test_json_policy_with_sudo_on_every_path_whatever_the_key_order() -> None:
    code = ('{"path": {\n'
            '  "sys/*": {"policy": "write", "capabilities": ["read", "sudo"]},\n'
            '  "+/*": {"capabilities": ["*"]},\n'
            '  "secret/*": {"capabilities": ["sudo"]}}}\n')
    assert [(f.span.line, f.span.column, f.message) for f in
            scan_snippet(code, "vault-policy.json", [RULE])] == [
        (2, 4, 'Vault path "sys/*" with sudo: the token can read every secret and change '
               'every policy'),
        (3, 4, 'Vault path "+/*" with sudo: the token can read every secret and change '
               'every policy')]


def test_a_command_line_in_a_workflow_step() -> None:
    code = ("on: push\n"
            "jobs:\n"
            "  a:\n"
            "    steps:\n"
            "      - run: |\n"
            "          vault login $VAULT_TOKEN\n"
            "          vault token create -policy=root -ttl=1h\n")
    assert spans(scan_snippet(code, ".github/workflows/vault.yml", [RULE])) == [(7, 38, 7, 42)]
