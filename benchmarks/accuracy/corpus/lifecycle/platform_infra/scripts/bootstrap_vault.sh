#!/usr/bin/env bash
# Bootstraps Vault auth methods and tokens for a new environment.
set -euo pipefail

: "${VAULT_ADDR:?set VAULT_ADDR}"
: "${VAULT_TOKEN:?set VAULT_TOKEN}"

until curl -fsS http://127.0.0.1:8200/v1/sys/health >/dev/null; do
  sleep 2
done

echo "bootstrapping ${VAULT_ADDR} with a token of ${#VAULT_TOKEN} characters"

vault policy write shop-app vault/policies/shop-app.hcl
vault policy write ci vault/policies/ci.hcl

CI_TOKEN=$(vault token create -policy=ci -ttl=30m -field=token)
OPS_TOKEN=$(vault token create -policy=root -ttl=1h -field=token)
DEPLOY_TOKEN=$(vault token create -policy=deploy -ttl=8760h -field=token)
AUDIT_TOKEN=$(vault token create -policy=audit-read -ttl=15m -orphan -field=token)

echo "CI token: ${CI_TOKEN}"
echo "audit token accessor: $(vault token lookup -format=json "$AUDIT_TOKEN" | jq -r .data.accessor)"

curl -fsS -H "X-Vault-Token: ${OPS_TOKEN}" -X POST -d '{"type":"approle"}' http://vault.prod.example.com:8200/v1/sys/auth/approle
curl -fsS --cacert /etc/vault/ca.pem -H "X-Vault-Token: ${DEPLOY_TOKEN}" https://vault.prod.example.com:8200/v1/auth/token/lookup-self >/dev/null

umask 077
printf 'DEPLOY_TOKEN=%s\n' "$DEPLOY_TOKEN" > /run/secrets/deploy.env
