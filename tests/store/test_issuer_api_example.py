"""The examples/issuer_api web API, end to end over loopback (real HTTP, real issuer)."""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tokenward.store.tokens import Issuer
from tokenward.store.vault import Vault

from .conftest import FakeClock, all_bytes_under

_APP = Path(__file__).parents[2] / "examples" / "issuer_api" / "app.py"
_spec = importlib.util.spec_from_file_location("tokenward_example_issuer_api", _APP)
assert _spec is not None and _spec.loader is not None
notes_app = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = notes_app  # dataclasses look their module up while decorating
_spec.loader.exec_module(notes_app)

CLIENT_SECRET = "demo-client-secret-for-tests-0001"


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, form: dict[str, str] | None = None, *,
             basic: tuple[str, str] | None = None, bearer: str | None = None) -> Reply:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        if basic:
            raw = f"{basic[0]}:{basic[1]}".encode()
            request.add_header("Authorization", "Basic " + base64.b64encode(raw).decode())
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, json.loads(response.read()), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, json.loads(error.read()), dict(error.headers))

    def token(self, **form: str) -> Reply:
        return self.call("POST", "/oauth/token", form, basic=("notes-cli", CLIENT_SECRET))


@pytest.fixture
def api(tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("TOKENWARD_VAULT", str(tmp_path / "vault.json"))
    monkeypatch.setenv("TOKENWARD_KEY_FILE", str(tmp_path / "vault.key"))
    Vault.default().set("NOTES_CLIENT_SECRET", CLIENT_SECRET)
    with Issuer.open(tmp_path / "tokens.db", clock=clock) as issuer:
        server = notes_app.make_server(notes_app.NotesApi(issuer, notes_app.load_clients()))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            host, port = server.server_address[:2]
            assert host == "127.0.0.1"
            yield Api(f"http://127.0.0.1:{port}")
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


def test_client_credentials_then_use_the_bearer_token(api: Api) -> None:
    reply = api.token(grant_type="client_credentials", scope="notes:read notes:write")
    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "no-store"
    assert sorted(reply.body) == ["access_token", "expires_in", "refresh_token", "scope",
                                  "token_type"]
    assert (reply.body["token_type"], reply.body["expires_in"], reply.body["scope"]) == \
        ("Bearer", 900, "notes:read notes:write")
    token = reply.body["access_token"]
    assert api.call("POST", "/notes", {"text": "hello"}, bearer=token).status == 201
    listed = api.call("GET", "/notes", bearer=token)
    assert (listed.status, listed.body) == (200, {"notes": ["hello"]})


def test_missing_invalid_and_narrow_tokens(api: Api) -> None:
    missing = api.call("GET", "/notes")
    assert (missing.status, missing.headers["WWW-Authenticate"]) == (401, 'Bearer realm="notes"')
    forged = api.call("GET", "/notes", bearer="tw_at_aaaaaaaaaaaaaaaa_" + "A" * 49)
    assert forged.status == 401
    assert forged.headers["WWW-Authenticate"] == 'Bearer realm="notes", error="invalid_token"'
    read_only = api.token(grant_type="client_credentials", scope="notes:read").body
    narrow = api.call("POST", "/notes", {"text": "x"}, bearer=read_only["access_token"])
    assert narrow.status == 403
    assert narrow.headers["WWW-Authenticate"] == \
        'Bearer realm="notes", error="insufficient_scope", scope="notes:write"'


def test_token_in_the_url_is_refused(api: Api) -> None:
    token = api.token(grant_type="client_credentials").body["access_token"]
    reply = api.call("GET", "/notes?access_token=" + token)
    assert (reply.status, reply.body["error"]) == (400, "invalid_request")


def test_client_authentication_and_scope_limits(api: Api) -> None:
    bad = api.call("POST", "/oauth/token", {"grant_type": "client_credentials"},
                   basic=("notes-cli", "wrong"))
    assert (bad.status, bad.body, bad.headers["WWW-Authenticate"]) == \
        (401, {"error": "invalid_client"}, 'Basic realm="notes"')
    wide = api.token(grant_type="client_credentials", scope="notes:read admin")
    assert (wide.status, wide.body) == (400, {"error": "invalid_scope"})
    wildcard = api.token(grant_type="client_credentials", scope="*")
    assert (wildcard.status, wildcard.body) == (400, {"error": "invalid_scope"})
    other = api.token(grant_type="password")
    assert (other.status, other.body) == (400, {"error": "unsupported_grant_type"})


def test_refresh_rotates_and_reuse_revokes_the_family(api: Api) -> None:
    first = api.token(grant_type="client_credentials", scope="notes:read").body
    second = api.token(grant_type="refresh_token", refresh_token=first["refresh_token"]).body
    assert second["refresh_token"] != first["refresh_token"]
    assert api.call("GET", "/notes", bearer=second["access_token"]).status == 200
    wider = api.token(grant_type="refresh_token", refresh_token=second["refresh_token"],
                      scope="notes:read notes:write")
    assert (wider.status, wider.body) == (400, {"error": "invalid_scope"})
    replay = api.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert (replay.status, replay.body) == (400, {"error": "invalid_grant"})
    # The replay revoked the family: the legitimate holder's tokens stop working too.
    assert api.call("GET", "/notes", bearer=second["access_token"]).status == 401
    again = api.token(grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert again.status == 400


def test_revoke_and_introspect(api: Api) -> None:
    token = api.token(grant_type="client_credentials", scope="notes:read").body["access_token"]
    client = ("notes-cli", CLIENT_SECRET)
    active = api.call("POST", "/oauth/introspect", {"token": token}, basic=client).body
    assert (active["active"], active["sub"], active["scope"]) == (True, "notes-cli", "notes:read")
    assert api.call("POST", "/oauth/revoke", {"token": token}, basic=client).status == 200
    assert api.call("POST", "/oauth/revoke", {"token": "unknown"}, basic=client).status == 200
    assert api.call("GET", "/notes", bearer=token).status == 401
    after = api.call("POST", "/oauth/introspect", {"token": token}, basic=client)
    assert (after.status, after.body) == (200, {"active": False})


def test_access_tokens_expire(api: Api, clock: FakeClock) -> None:
    token = api.token(grant_type="client_credentials").body["access_token"]
    clock.advance(minutes=15)
    assert api.call("GET", "/notes", bearer=token).status == 401


def test_no_token_or_client_secret_lands_on_disk(api: Api, tmp_path: Path) -> None:
    body = api.token(grant_type="client_credentials").body
    api.call("GET", "/notes", bearer=body["access_token"])
    api.token(grant_type="refresh_token", refresh_token=body["refresh_token"])
    everything = all_bytes_under(tmp_path)
    for secret in (body["access_token"], body["refresh_token"], CLIENT_SECRET):
        assert secret.encode() not in everything
