# Runtime policy for the shop application.
path "secret/data/shop/*" {
  capabilities = ["read"]
}

path "database/creds/shop-readwrite" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}

path "sys/policies/acl/*" {
  capabilities = ["read", "list"]
}
