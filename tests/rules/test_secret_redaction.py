"""No finding of the secret rules shows the secret: not in the message, the snippet, the
target, or anywhere in the JSON report."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from tests.helpers import scan_snippet
from tokenward.model import finding_to_dict
from tokenward.rules import hardcoded_secret, hardcoded_secret_config, provider_token
from tokenward.scanner.redaction import secret_hash

SECRET_RULES = (hardcoded_secret.RULE, hardcoded_secret_config.RULE, provider_token.RULE)
EXAMPLES = [pytest.param(ex, id=f"{rule.id}-{i}") for rule in SECRET_RULES
            for i, ex in enumerate(rule.bad)]


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_secret_value_in_any_output_field(example) -> None:  # type: ignore[no-untyped-def]
    findings = scan_snippet(example.text, example.path, list(SECRET_RULES))
    assert findings
    by_hash = {secret_hash(value): value for value in _candidates(example.text)}
    for finding in findings:
        assert finding.secret_hash is not None
        # Recover the value through its hash: that is what must never be shown.
        value = by_hash.get(finding.secret_hash)
        assert value is not None, (finding.rule_id, finding.span)
        assert value not in json.dumps(finding_to_dict(finding))
        assert value not in finding.message and value not in finding.snippet


def _candidates(text: str) -> set[str]:
    """Every quoted run, token-shaped run, URL password and `curl -u` password of the text."""
    found = set(re.findall(r"[\"']([^\"'\n]{6,})[\"']", text))
    found |= set(re.findall(r"[^\s\"'`=,;(){}<>]{6,}", text))
    found |= set(re.findall(r":([^\s:/@\"']{6,})@", text))
    # Values split over lines: Python literals joined by `+` or juxtaposition, and a YAML
    # block scalar's two lines.
    joined = re.sub(r"[\"'][\s+\\]*[\"']", "", text)
    found |= set(re.findall(r"[\"']([^\"'\n]{6,})[\"']", joined))
    lines = [line.strip() for line in text.splitlines()]
    found |= {first + second for first, second in itertools.pairwise(lines)}
    found |= set(re.findall(r"\s-u\s+[^\s:]+:([^\s\"'`]{6,})", text))  # curl -u user:password
    return found
