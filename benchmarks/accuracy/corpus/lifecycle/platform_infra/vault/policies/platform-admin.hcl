# Platform team policy, attached to the platform-admins OIDC group.
path "*" {
  capabilities = ["create", "read", "update", "delete", "list", "sudo"]
}
