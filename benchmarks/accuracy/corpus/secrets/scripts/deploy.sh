#!/usr/bin/env bash
# Deploy the orders service to the production cluster.
set -euo pipefail

: "${DEPLOY_ENV:=production}"
export AWS_DEFAULT_REGION=eu-west-1
export AWS_ACCESS_KEY_ID=AKIAZUD2ICBERJEF2KAA
export AWS_SECRET_ACCESS_KEY=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
export GITHUB_TOKEN="${GITHUB_TOKEN:?GITHUB_TOKEN must be set}"
export DOCKER_PASSWORD="$(aws ecr get-login-password)"
REGISTRY_TOKEN='MGoUucfV12e1zHIhQTKg9FlILARY970Zjt0BIE1o'
SLACK_WEBHOOK="https://hooks.slack.com/services/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"
IMAGE_DIGEST="sha256:71998cc6533f997eefe592ad18e35940476a839f7b5da9c909af1293645953ac"
PASSWORD_FILE=/run/secrets/db_password
DB_PASSWORD="$(cat "$PASSWORD_FILE")"

echo "$REGISTRY_TOKEN" | docker login registry.corp.example -u ci-bot --password-stdin
docker pull "registry.corp.example/orders/web@${IMAGE_DIGEST}"

curl -fsS -u deployer:YuzVFhAPoRktDboOBj https://jenkins.corp.example/job/orders/build
curl -fsS -H "Authorization: Bearer ${GITHUB_TOKEN}" https://api.github.com/repos/corp/orders/deployments
curl -fsS -H "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtbnNxbm1oIiwiaWF0IjoxNzA1OTQxMTc4LCJzY29wZSI6ImFkbWluIn0.z3FuSB4JeRVKlzG9OzQwJqA3gwvnc-tWehoEIoTzz8p" https://status.corp.example/api/deploys
curl -fsS -H "X-Api-Key: $STATUS_API_KEY" https://status.corp.example/api/ping

PGPASSWORD="$DB_PASSWORD" psql -h orders-db.prod.internal -U orders -c 'select 1'
mysql -h crm-db.internal -u crm -p'r1tjXUSTGqVqdll2egjM3qcm' -e 'select 1'

curl -fsS -X POST -d "{\"text\":\"orders deployed to ${DEPLOY_ENV}\"}" "$SLACK_WEBHOOK"
