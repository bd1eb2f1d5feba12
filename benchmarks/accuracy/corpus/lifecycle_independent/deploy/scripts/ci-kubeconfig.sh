#!/usr/bin/env bash
set -euo pipefail

NAMESPACE="${NAMESPACE:-ci}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-deployer}"
CLUSTER_NAME="$(kubectl config view --minify -o jsonpath='{.clusters[0].name}')"
SERVER="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"

kubectl -n "$NAMESPACE" get serviceaccount "$SERVICE_ACCOUNT" >/dev/null

TOKEN="$(kubectl -n "$NAMESPACE" create token "$SERVICE_ACCOUNT" --duration=8760h)"
PREVIEW_TOKEN="$(kubectl -n "$NAMESPACE" create token preview-reader --duration=10m)"

cat > ci.kubeconfig <<CFG
apiVersion: v1
kind: Config
clusters:
- name: ${CLUSTER_NAME}
  cluster:
    server: ${SERVER}
users:
- name: ${SERVICE_ACCOUNT}
  user:
    token: ${TOKEN}
- name: preview-reader
  user:
    token: ${PREVIEW_TOKEN}
contexts:
- name: ci
  context:
    cluster: ${CLUSTER_NAME}
    user: ${SERVICE_ACCOUNT}
    namespace: ${NAMESPACE}
current-context: ci
CFG
chmod 600 ci.kubeconfig
