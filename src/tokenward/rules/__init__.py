"""The rule registry: an explicit tuple, one line a rule, sorted by id. Ids are never reused."""

from __future__ import annotations

from tokenward.rules import (
    broad_oauth_scope,
    ci_write_all_permissions,
    cleartext_token_transport,
    cluster_admin_binding,
    credential_in_query,
    credential_in_temp_file,
    excessive_token_lifetime,
    expiry_verification_disabled,
    hardcoded_secret,
    hardcoded_secret_config,
    jwt_without_expiry,
    non_expiring_provider_token,
    provider_token,
    short_token_entropy,
    tls_verification_disabled,
    token_in_url,
    token_logged,
    token_stored_without_ttl,
    untimed_serializer,
    vault_root_policy,
    weak_key,
    weak_token_generation,
    wildcard_iam_policy,
)
from tokenward.rules.base import Example, Rule, RuleDocs

RULES: tuple[Rule, ...] = (
    hardcoded_secret.RULE,
    hardcoded_secret_config.RULE,
    provider_token.RULE,
    weak_key.RULE,
    weak_token_generation.RULE,
    short_token_entropy.RULE,
    jwt_without_expiry.RULE,
    expiry_verification_disabled.RULE,
    untimed_serializer.RULE,
    excessive_token_lifetime.RULE,
    token_stored_without_ttl.RULE,
    non_expiring_provider_token.RULE,
    broad_oauth_scope.RULE,
    ci_write_all_permissions.RULE,
    wildcard_iam_policy.RULE,
    cluster_admin_binding.RULE,
    vault_root_policy.RULE,
    cleartext_token_transport.RULE,
    tls_verification_disabled.RULE,
    token_logged.RULE,
    token_in_url.RULE,
    credential_in_query.RULE,
    credential_in_temp_file.RULE,
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_ID", "Example", "Rule", "RuleDocs", "get_rule"]


def get_rule(rule_id_or_name: str) -> Rule | None:
    key = rule_id_or_name.strip()
    if key.upper() in RULES_BY_ID:
        return RULES_BY_ID[key.upper()]
    return next((r for r in RULES if r.name == key.lower()), None)
