path "secret/data/ci/*" {
  capabilities = ["read", "list"]
}

path "auth/token/create" {
  capabilities = ["create", "update", "sudo"]
  allowed_parameters = {
    "policies" = ["root"]
  }
}
