#!/usr/bin/env bash
# Deploys a tagged build to the target environment.
set -euo pipefail

ENVIRONMENT=${1:?usage: deploy.sh <environment> <tag>}
TAG=${2:?usage: deploy.sh <environment> <tag>}
API=https://deploy.example.com/api/v1

curl -fsS -k https://localhost:8443/healthz
curl -fsS --insecure -H "Authorization: Bearer ${DEPLOY_TOKEN}" "${API}/environments/${ENVIRONMENT}/lock"
curl -fsS -H "Authorization: Bearer ${DEPLOY_TOKEN}" -d "tag=${TAG}" "${API}/environments/${ENVIRONMENT}/deploy"
curl -fsS "https://hooks.example.com/deploy?token=${DEPLOY_TOKEN}&env=${ENVIRONMENT}"
curl -fsS "https://status.example.com/api/components?env=${ENVIRONMENT}&tag=${TAG}"
curl -fsS -u "deploy:${REGISTRY_PASSWORD}" http://registry.example.com:5000/v2/shop/tags/list
echo "deployed ${TAG} to ${ENVIRONMENT}"
