from __future__ import annotations

from tests.helpers import fired, scan_snippet, spans
from tokenward.config import Config
from tokenward.rules.cluster_admin_binding import RULE
from tokenward.scanner.engine import FileTask, scan_file


def lines(code: str, path: str) -> list[int]:
    return fired(scan_snippet(code, path, [RULE]), RULE.id)


def test_multi_document_manifest() -> None:
    code = (
        "kind: ClusterRole\n"
        "metadata:\n"
        "  name: cluster-admin-lite\n"
        "---\n"
        "kind: ClusterRoleBinding\n"
        "metadata:\n"
        "  name: logging\n"
        "roleRef:\n"
        "  kind: ClusterRole\n"
        "  name: cluster-admin\n"
        "subjects:\n"
        "  - kind: ServiceAccount\n"
        "    name: cluster-admin\n"
        "---\n"
        "kind: RoleBinding\n"
        "roleRef: {kind: ClusterRole, name: cluster-admin}\n"
    )
    assert lines(code, "rbac.yaml") == [10, 16]


def test_json_python_and_kubectl() -> None:
    json_text = ('{"kind": "ClusterRoleBinding",\n "roleRef": {"kind": "ClusterRole",\n'
                 '  "name": "cluster-admin"}}\n')
    assert lines(json_text, "b.json") == [3]
    py = ('ref = k8s.V1RoleRef(kind="ClusterRole", name="view")\n'
          'if role == "cluster-admin":\n    pass\n')
    assert lines(py, "a.py") == []
    assert lines("kubectl create rolebinding x --clusterrole cluster-admin -n a\n", "s.sh") == [1]



def test_every_document_of_a_long_manifest() -> None:
    binding = ("---\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n"
               "  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
               "  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: s\n")
    assert lines(binding * 4, "rbac.yaml") == [8, 19, 30, 41]


def test_a_list_of_bindings_and_a_terraform_json_block() -> None:
    listed = ("kind: List\n"
              "items:\n"
              "  - kind: ClusterRoleBinding\n"
              "    roleRef: {kind: ClusterRole, name: cluster-admin}\n"
              "  - kind: ClusterRole\n"
              "    metadata: {name: cluster-admin}\n")
    assert spans(scan_snippet(listed, "list.yaml", [RULE])) == [(4, 40, 4, 53)]
    terraform = ('{"resource": {"kubernetes_cluster_role_binding": {"ci": {\n'
                 '  "role_ref": [{"kind": "ClusterRole", "name": "cluster-admin"}]}}}}\n')
    assert spans(scan_snippet(terraform, "main.tf.json", [RULE])) == [(2, 49, 2, 62)]


def test_a_helm_template_parses_with_its_template_code_masked() -> None:
    template = ('{{- if .Values.rbac.create }}\n'
                'kind: ClusterRoleBinding\n'
                'metadata:\n'
                '  name: {{ template "app.fullname" . }}\n'
                '  labels:\n'
                '{{ include "app.labels" . | indent 4 }}\n'
                'roleRef:\n'
                '  kind: ClusterRole\n'
                '  name: {{ .Values.rbac.role | default "view" }}\n'
                '---\n'
                'kind: ClusterRoleBinding\n'
                'roleRef:\n'
                '  name: cluster-admin\n'
                '{{- end }}\n')
    result = scan_file(FileTask("templates/rbac.yaml", template.encode()), Config(), [RULE])
    assert result.errors == ()
    assert [(f.span.line, f.span.column) for f in result.findings] == [(13, 9)]
