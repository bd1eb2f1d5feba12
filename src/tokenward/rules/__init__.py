"""The rule registry: an explicit tuple, one line a rule. Ids are never reused."""

from __future__ import annotations

from tokenward.rules import hardcoded_secret, hardcoded_secret_config, provider_token
from tokenward.rules.base import Example, Rule, RuleDocs

RULES: tuple[Rule, ...] = (
    hardcoded_secret.RULE,
    hardcoded_secret_config.RULE,
    provider_token.RULE,
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_ID", "Example", "Rule", "RuleDocs", "get_rule"]


def get_rule(rule_id_or_name: str) -> Rule | None:
    key = rule_id_or_name.strip()
    if key.upper() in RULES_BY_ID:
        return RULES_BY_ID[key.upper()]
    return next((r for r in RULES if r.name == key.lower()), None)
