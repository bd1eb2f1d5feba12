"""TW404: a Kubernetes (Cluster)RoleBinding that grants the cluster-admin role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.rules import examples
from tokenward.rules.base import Rule, RuleDocs

if TYPE_CHECKING:
    from tokenward.analysis import config_text, structured
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import lazy_module

    config_text = lazy_module("tokenward.analysis.config_text")
    structured = lazy_module("tokenward.analysis.structured")

_BINDING_KINDS = frozenset({"ClusterRoleBinding", "RoleBinding"})
_FLAG = lazy_regex(r"""--clusterrole[= ]["']?(cluster-admin)\b""")
_JSON_REF = lazy_regex(r"""["']?(?:roleRef|role_ref)["']?\s*[:=]""")
_JSON_NAME = lazy_regex(r"""["']?name["']?\s*[:=]\s*["'](cluster-admin)["']""")
_PY_REF = lazy_regex(r"""RoleRef\s*\(""")


def _detect(source: Source) -> Iterator[Hit]:
    text = source.text
    for match in _FLAG.finditer(text):
        yield _hit(source, match.start(1), match.end(1), "kubectl --clusterrole")
    documents = structured.documents(source)
    if documents is not None:
        yield from _in_manifests(source, documents)
        return
    for pattern in (_JSON_REF, _PY_REF):
        for match in pattern.finditer(text):
            start, end = config_text.enclosing_block(text, match.end() + 1)
            if pattern is _JSON_REF:
                start, end = match.end(), config_text.enclosing_block(text, match.end() + 2)[1]
            name = _JSON_NAME.search(text, start, end)
            if name is not None:
                yield _hit(source, name.start(1), name.end(1), "role binding")


def _hit(source: Source, start: int, end: int, what: str) -> Hit:
    return Hit(span=config_text.offset_span(source.text, start, end), target="cluster-admin",
               detail=what, code="cluster-admin")


def _in_manifests(source: Source, documents: tuple[structured.Node, ...]) -> Iterator[Hit]:
    """A binding's ``roleRef`` naming cluster-admin: a (Cluster)RoleBinding manifest (in a
    multi-document file or a ``List``), or a mapping without ``kind`` that configures one
    (Terraform's ``kubernetes_cluster_role_binding`` block, whose ``role_ref`` is a list)."""
    for mapping in structured.mappings(*documents):
        kind = mapping.get("kind")
        if kind is not None and mapping.value("kind") not in _BINDING_KINDS:
            continue
        ref = mapping.get("roleRef", "role_ref")
        refs = ref.items if isinstance(ref, structured.Sequence) else (ref,)
        for role in refs:
            name = role.get("name") if isinstance(role, structured.Mapping) else None
            if isinstance(name, structured.Scalar) and name.value == "cluster-admin":
                # YAML findings are fingerprinted by their line, as before parsing.
                code = (source.line(name.span.line).strip() if source.kind is FileKind.YAML
                        else "cluster-admin")
                yield Hit(span=name.span, target="cluster-admin", detail="role binding",
                          code=code)


_BAD, _GOOD = examples.load("cluster_admin_binding")

RULE = Rule(
    id="TW404",
    name="cluster-admin-binding",
    title="Kubernetes binding to cluster-admin",
    category=Category.BROAD_SCOPE,
    severity=Severity.HIGH,
    cwe=(250, 272),
    message="Binding to the cluster-admin role ({detail}): every token of these subjects "
            "(service-account tokens included) controls the whole cluster",
    hint="Bind a Role (or ClusterRole) listing only the verbs and resources needed, in the "
         "namespace where they are needed; use the built-in view/edit roles where they fit.",
    docs=RuleDocs(
        what="A `ClusterRoleBinding` or `RoleBinding` whose `roleRef` names `cluster-admin`: "
             "in Kubernetes YAML manifests (multi-document files and Helm templates "
             "included), JSON manifests, Python (`V1RoleRef(..., name=\"cluster-admin\")` or "
             "a dict with a `roleRef`), and `kubectl create (cluster)rolebinding` naming "
             "that cluster role in scripts.",
        why="Service-account tokens are mounted into pods and leak with them; a token "
            "bound to cluster-admin can read every Secret and run anything on every node "
            "(CWE-250, CWE-272).",
        how="Write a Role/ClusterRole with the exact verbs and resources the workload uses "
            "and bind that, preferably in one namespace; for humans, grant admin through a "
            "short-lived, audited elevation instead of a standing binding.",
        not_flagged="Bindings to other roles (`view`, `edit`, `admin`, custom roles), "
                    "ClusterRole definitions themselves, mentions of cluster-admin outside a "
                    "binding's `roleRef` (comments, documentation, RBAC checks).",
        references=("https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
                    "https://cwe.mitre.org/data/definitions/250.html"),
    ),
    detect=_detect,
    kinds=frozenset({FileKind.PYTHON, FileKind.JSON, FileKind.YAML, FileKind.SHELL,
                     FileKind.DOCKERFILE, FileKind.HCL}),
    keywords=("cluster-admin",),
    bad=_BAD,
    good=_GOOD,
)
