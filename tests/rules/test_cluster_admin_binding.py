from __future__ import annotations

from tests.helpers import fired, scan_snippet
from tokenward.rules.cluster_admin_binding import RULE


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
