"""The rule registry: an explicit tuple, one line a rule, sorted by id. Ids are never reused."""

from __future__ import annotations

from tokenward.rules import (
    broad_oauth_scope,
    ci_write_all_permissions,
    cleartext_token_transport,
    cluster_admin_binding,
    hardcoded_secret,
    hardcoded_secret_config,
    provider_token,
    tls_verification_disabled,
    token_in_url,
    token_logged,
    vault_root_policy,
    wildcard_iam_policy,
)
from tokenward.rules.base import Example, Rule, RuleDocs

RULES: tuple[Rule, ...] = (
    hardcoded_secret.RULE,  # TW101
    hardcoded_secret_config.RULE,  # TW102
    provider_token.RULE,  # TW103
    broad_oauth_scope.RULE,  # TW401
    ci_write_all_permissions.RULE,  # TW402
    wildcard_iam_policy.RULE,  # TW403
    cluster_admin_binding.RULE,  # TW404
    vault_root_policy.RULE,  # TW405
    cleartext_token_transport.RULE,  # TW501
    tls_verification_disabled.RULE,  # TW502
    token_logged.RULE,  # TW601
    token_in_url.RULE,  # TW602
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_ID", "Example", "Rule", "RuleDocs", "get_rule"]


def get_rule(rule_id_or_name: str) -> Rule | None:
    key = rule_id_or_name.strip()
    if key.upper() in RULES_BY_ID:
        return RULES_BY_ID[key.upper()]
    return next((r for r in RULES if r.name == key.lower()), None)
