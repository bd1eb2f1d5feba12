"""TW306 non-expiring-provider-token."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import fired, pinned, scan_snippet, through_screen
from tokenward.rules.non_expiring_provider_token import RULE


def lines(code: str, path: str = "app/example.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


def test_gitlab() -> None:
    code = """
        import requests

        GITLAB = "https://gitlab.example.com/api/v4"

        def provision(gl, project, group, user, headers):
            project.access_tokens.create({"name": "bot", "scopes": ["api"]})
            group.deploy_tokens.create({"name": "d", "scopes": ["read_registry"],
                                        "expires_at": None})
            user.impersonationtokens.create({"name": "i", "scopes": ["api"]})
            requests.post(f"{GITLAB}/users/{user.id}/personal_access_tokens",
                          headers=headers, json={"name": "ci", "scopes": ["api"]})
            project.access_tokens.create({"name": "ok", "scopes": ["api"],
                                          "expires_at": "2030-01-01"})
            project.access_tokens.create(spec)
        """
    assert lines(code) == [6, 7, 9, 10]


def test_github_installation_tokens_are_not_gitlab() -> None:
    code = """
        import requests

        def installation_token(app_jwt, installation_id):
            url = f"https://api.github.com/app/installations/{installation_id}/access_tokens"
            return requests.post(url, json={"permissions": {"contents": "read"}})

        def direct(installation_id):
            return requests.post(
                f"https://api.github.com/app/installations/{installation_id}/access_tokens",
                json={"repositories": ["a"]})
        """
    assert lines(code) == []


def test_heroku_authorizations() -> None:
    code = """
        import requests

        HEROKU_API = "https://api.heroku.com"

        def create(headers):
            requests.post(f"{HEROKU_API}/oauth/authorizations", headers=headers,
                          json={"scope": ["read"]})
            requests.post(f"{HEROKU_API}/oauth/authorizations", headers=headers,
                          json={"scope": ["read"], "expires_in": 3600})
        """
    assert lines(code) == [6]


def test_vault() -> None:
    code = """
        import hvac

        client = hvac.Client()

        def tokens():
            client.auth.token.create(policies=["a"])
            client.auth.token.create(policies=["a"], ttl="720h")
            client.auth.token.create(policies=["a"], period="8760h")
            client.auth.token.create_orphan(policies=["a"], explicit_max_ttl=31536000)
            client.create_token(policies=["a"], lease="1h")
            client.create_token(policies=["a"], lease="9000h")
            client.auth.token.create(policies=["a"], ttl="1h")
            client.auth.token.create(policies=["a"], ttl="30d")
            client.secrets.identity.create_or_update_entity(name="x")
            client.sys.create_or_update_policy(name="p", policy="...")
        """
    assert lines(code) == [6, 8, 9, 11]


def test_vault_cli_in_scripts_and_workflows() -> None:
    script = """
        #!/usr/bin/env bash
        set -euo pipefail
        TOKEN=$(vault token create -policy=ci -format=json | jq -r .auth.client_token)
        vault token create -policy=ops -period=8760h
        vault token create -policy=ops -ttl 2h
        vault token renew
        """
    assert lines(script, "deploy.sh") == [3, 4]
    workflow = """
        jobs:
          deploy:
            steps:
              - run: vault token create -policy=deploy -ttl=10000h
        """
    assert lines(workflow, ".github/workflows/deploy.yml") == [4]


def _found(code: str, path: str = "app/example.py") -> list[tuple[int, int, str]]:
    findings = scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE])
    return [(f.span.line, f.span.column, f.message) for f in findings]


def test_far_fixed_dates_and_kubectl_durations() -> None:
    code = """
        def provision(project):
            project.access_tokens.create({"name": "m", "scopes": ["api"],
                                          "expires_at": "2199-12-31"})
        """
    assert _found(code) == [(3, 49, "access_tokens.create() creates a token "
                                    "expires_at=2199-12-31 (limit 30 days)")]
    script = """
        #!/bin/sh
        TOKEN="$(kubectl -n ci create token deployer --duration=4320h)"
        SHORT="$(kubectl -n ci create token reader --duration=10m)"
        kubectl create token viewer
        """
    assert _found(script, "scripts/kube.sh") == [
        (2, 10, "kubectl create token creates a token --duration=180 days (limit 30 days)")]


def test_drf_authtoken() -> None:
    code = """
        from rest_framework.authtoken.models import Token

        def login(request, token_model):
            token, _ = Token.objects.get_or_create(user=request.user)
            other, _ = token_model.objects.get_or_create(user=request.user)
            Token.objects.filter(user=request.user).delete()
            return token.key, other.key
        """
    assert _found(code) == [(4, 16, "DRF authtoken creates a token that never expires "
                                    "(rest_framework.authtoken has no expiry)")]


def test_credential_records_stored_without_expiry() -> None:
    code = """
        from .models import ApiKey, db

        def make(user):
            key = ApiKey(owner=user.id, key_hash="h")
            db.session.add(key)
            later = ApiKey(owner=user.id, key_hash="h")
            later.expires_at = user.plan_end
            db.session.add(later)
            bounded = ApiKey(owner=user.id, key_hash="h", expiry=user.plan_end)
            bounded.save()
            draft = ApiKey(owner=user.id)
            return draft
        """
    assert _found(code) == [(4, 11, "ApiKey(...) creates a token with no expiry field (it "
                                    "stays valid until revoked)")]


def test_a_call_that_leaves_a_records_lifetime_at_none() -> None:
    code = """
        class PartnerApiKey(models.Model):
            @classmethod
            def issue(cls, partner, expires_at=None):
                return cls.objects.create(partner=partner, expires_at=expires_at)

        def onboard(partner):
            keep = PartnerApiKey.issue(partner)
            trial = PartnerApiKey.issue(partner, soon())
            return keep, trial
        """
    text = textwrap.dedent(code).lstrip("\n")
    assert pinned(scan_snippet(text, "partners/models.py", [RULE])) == [
        (7, 12, "PartnerApiKey.issue() creates a token with expires_at left at its default "
                "None, stored as its expiry (line 3): it never expires"),
    ]


# Django's template lexer and a model form: ``create_token`` on no Vault client, a
# ``Token.objects.create`` that is no DRF authtoken (not imported from it), a ``.save(``
# (the prefilter lets the file in). The ast screen keeps the file from libcst.
_SCREENED_OUT = """
class Lexer:
    def create_token(self, text, position):
        return Token(text, position)

    def tokens(self, form, user):
        form.save(commit=False)
        Token.objects.create(user=user)
        return self.create_token(form.text, 0)
"""


def _scanned(code: str) -> tuple[list[tuple[int, int, str]], bool]:
    return through_screen(RULE, code)


def test_a_file_creating_no_provider_token_is_not_parsed_for_tw306() -> None:
    assert _scanned(_SCREENED_OUT) == ([], False)


@pytest.mark.parametrize(("added", "found"), [
    ('        user.personal_access_tokens.create({"name": "ci"})',
     (9, 9, "personal_access_tokens.create() creates a token without expires_at")),
    ('        client.auth.token.create(policies=["app"])',
     (9, 9, "Vault token create creates a token without ttl (inherits the mount default, "
            "32 days unless tuned)")),
    ('        self.vault_client.create_token(policies=["ci"])',
     (9, 9, "Vault token create creates a token without ttl (inherits the mount default, "
            "32 days unless tuned)")),
    ("        key = ApiKey(owner=user, digest=form.digest)\n        key.save()",
     (9, 15, "ApiKey(...) creates a token with no expiry field (it stays valid until "
             "revoked)")),
    # The import makes line 7's call DRF's: the screen reads calls through the imports.
    ("from rest_framework.authtoken.models import Token",
     (7, 9, "DRF authtoken creates a token that never expires (rest_framework.authtoken "
            "has no expiry)")),
])
def test_the_screen_lets_each_call_the_rule_judges_through(
        added: str, found: tuple[int, int, str]) -> None:
    assert _scanned(_SCREENED_OUT + added + "\n") == ([found], True)
