"""Provisioning of service accounts for new tenants: Kubernetes, AWS and the internal token store."""
from __future__ import annotations

import json
import logging

import boto3
from kubernetes import client as k8s

from hub.tokenstore import TokenStore

log = logging.getLogger(__name__)
iam = boto3.client("iam")
store = TokenStore.from_env()


def bind_tenant_operator(tenant: str) -> None:
    rbac = k8s.RbacAuthorizationV1Api()
    body = k8s.V1ClusterRoleBinding(
        metadata=k8s.V1ObjectMeta(name=f"{tenant}-operator"),
        role_ref=k8s.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="cluster-admin"),
        subjects=[k8s.RbacV1Subject(kind="ServiceAccount", name="operator", namespace=tenant)],
    )
    rbac.create_cluster_role_binding(body)


def bind_tenant_viewer(tenant: str) -> None:
    rbac = k8s.RbacAuthorizationV1Api()
    body = k8s.V1RoleBinding(
        metadata=k8s.V1ObjectMeta(name=f"{tenant}-viewer", namespace=tenant),
        role_ref=k8s.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="view"),
        subjects=[k8s.RbacV1Subject(kind="Group", name=f"{tenant}-devs", api_group="rbac.authorization.k8s.io")],
    )
    rbac.create_namespaced_role_binding(tenant, body)


def create_tenant_role(tenant: str) -> None:
    iam.create_role(RoleName=f"tenant-{tenant}", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=f"tenant-{tenant}", PolicyName="tenant-all", PolicyDocument=json.dumps(policy))


def create_tenant_bucket_role(tenant: str) -> None:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::tenant-{tenant}/*"}]}
    iam.put_role_policy(RoleName=f"tenant-{tenant}-s3", PolicyName="bucket", PolicyDocument=json.dumps(policy))


def tenant_api_token(tenant: str) -> str:
    token = store.issue(subject=f"tenant:{tenant}", scopes={"*"}, ttl_seconds=900)
    log.info("issued tenant token %s", token.token_id)
    return token.value


def tenant_reader_token(tenant: str) -> str:
    token = store.issue(subject=f"tenant:{tenant}", scopes={"orders:read", "catalog:read"}, ttl_seconds=900)
    return token.value


def support_token(agent: str) -> str:
    token = store.issue(subject=f"agent:{agent}", scopes={"admin"}, ttl_seconds=900)
    return token.value


def check_token(token) -> bool:
    return "admin" in token.scopes or "*" in token.scopes
