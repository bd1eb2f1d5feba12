"""A small notes API whose bearer tokens come from tokenward's issuer. Stdlib HTTP only.

Endpoints (OAuth 2.0 shaped; bodies are application/x-www-form-urlencoded, replies JSON):

    POST /oauth/token       grant_type=client_credentials [scope=...]   (HTTP Basic client auth)
                            grant_type=refresh_token refresh_token=... [scope=...]
    POST /oauth/revoke      token=...                                    (RFC 7009, client auth)
    POST /oauth/introspect  token=...                                    (RFC 7662, client auth)
    GET  /notes             needs scope notes:read    (Authorization: Bearer <token>)
    POST /notes             needs scope notes:write   body: text=...

Run it (client secret from the environment or the vault, never from source code):

    tokenward store set NOTES_CLIENT_SECRET          # value from a hidden prompt
    python examples/issuer_api/app.py --port 8080
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hmac
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tokenward import store
from tokenward.store.errors import InsufficientScope, InvalidToken, ScopeError
from tokenward.store.tokens import Issuer

MAX_BODY = 16 * 1024


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str = field(repr=False)
    scopes: frozenset[str]


def load_clients() -> dict[str, Client]:
    """The demo's one client; its secret is read with tokenward.store.get (env, then vault)."""
    client = Client("notes-cli", store.get("NOTES_CLIENT_SECRET"),
                    frozenset({"notes:read", "notes:write"}))
    return {client.client_id: client}


class NotesApi:
    """The application: an issuer, its clients, and the notes it protects."""

    def __init__(self, issuer: Issuer, clients: Mapping[str, Client]) -> None:
        self.issuer = issuer
        self.clients = dict(clients)
        self.notes: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        for client in self.clients.values():
            issuer.grant(client.client_id, client.scopes)

    def authenticate_client(self, header: str | None) -> Client | None:
        if not header or not header.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, _, secret = decoded.partition(":")
        client = self.clients.get(client_id)
        # Compare even for unknown ids, so the response time does not tell which ids exist.
        expected = client.secret if client else "unknown-client-placeholder"
        matches = hmac.compare_digest(secret.encode(), expected.encode())
        return client if client and matches else None


def make_handler(api: NotesApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "notes-api"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            # Only the method, path (never a query string) and status; tokens travel in
            # headers and bodies, which are never logged.
            return

        # ---- plumbing -------------------------------------------------------------------

        def _reply(self, status: HTTPStatus, body: Mapping[str, Any],
                   headers: Mapping[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str] | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return None
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if content_type != "application/x-www-form-urlencoded":
                return None
            raw = self.rfile.read(length).decode("utf-8", "replace")
            parsed = parse_qs(raw, keep_blank_values=True)
            if any(len(values) != 1 for values in parsed.values()):
                return None  # RFC 6749 3.2: parameters must not repeat
            return {key: values[0] for key, values in parsed.items()}

        def _bearer(self) -> str | None:
            header = self.headers.get("Authorization") or ""
            scheme, _, token = header.partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None

        def _bearer_error(self, status: HTTPStatus, error: str, scope: str = "") -> None:
            challenge = f'Bearer realm="notes", error="{error}"'
            if scope:
                challenge += f', scope="{scope}"'
            self._reply(status, {"error": error}, {"WWW-Authenticate": challenge})

        def _client_or_reject(self) -> Client | None:
            client = api.authenticate_client(self.headers.get("Authorization"))
            if client is None:
                self._reply(HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"},
                            {"WWW-Authenticate": 'Basic realm="notes"'})
            return client

        # ---- routes ---------------------------------------------------------------------

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != "/notes":
                self._reply(HTTPStatus.NOT_FOUND, {"error": "not_found"})
                return
            if "access_token" in parse_qs(url.query):
                # RFC 6750 2.3: tokens in URLs end up in logs and histories.
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "invalid_request",
                            "error_description": "send the token in the Authorization header"})
                return
            info = self._authorise("notes:read")
            if info is not None:
                with api.lock:
                    notes = list(api.notes.get(info.subject, []))
                self._reply(HTTPStatus.OK, {"notes": notes})

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            routes = {"/oauth/token": self._token, "/oauth/revoke": self._revoke,
                      "/oauth/introspect": self._introspect, "/notes": self._add_note}
            route = routes.get(path)
            if route is None:
                self._reply(HTTPStatus.NOT_FOUND, {"error": "not_found"})
                return
            route()

        def _authorise(self, scope: str) -> Any:
            token = self._bearer()
            if token is None:
                self._reply(HTTPStatus.UNAUTHORIZED, {"error": "invalid_request"},
                            {"WWW-Authenticate": 'Bearer realm="notes"'})
                return None
            try:
                return api.issuer.verify(token, [scope])
            except InvalidToken:
                self._bearer_error(HTTPStatus.UNAUTHORIZED, "invalid_token")
            except InsufficientScope:
                self._bearer_error(HTTPStatus.FORBIDDEN, "insufficient_scope", scope)
            return None

        def _add_note(self) -> None:
            info = self._authorise("notes:write")
            if info is None:
                return
            form = self._form()
            if form is None or not form.get("text"):
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "invalid_request"})
                return
            with api.lock:
                api.notes.setdefault(info.subject, []).append(form["text"])
            self._reply(HTTPStatus.CREATED, {"ok": True})

        def _token(self) -> None:
            client = self._client_or_reject()
            if client is None:
                return
            form = self._form()
            if form is None:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "invalid_request"})
                return
            grant_type = form.get("grant_type")
            try:
                if grant_type == "client_credentials":
                    scopes = form.get("scope") or " ".join(sorted(client.scopes))
                    pair = api.issuer.issue(client.client_id, scopes, with_refresh=True)
                elif grant_type == "refresh_token":
                    refresh_token = form.get("refresh_token", "")
                    known = api.issuer.introspect(refresh_token)
                    if known.get("active") and known.get("sub") != client.client_id:
                        raise InvalidToken("issued to another client")
                    pair = api.issuer.refresh(refresh_token, form.get("scope") or None)
                else:
                    self._reply(HTTPStatus.BAD_REQUEST, {"error": "unsupported_grant_type"})
                    return
            except ScopeError:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "invalid_scope"})
                return
            except InvalidToken:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"})
                return
            access = pair.access
            body = {"access_token": access.token, "token_type": "Bearer",
                    "expires_in": int((access.info.expires_at - access.info.issued_at)
                                      .total_seconds()),
                    "scope": " ".join(sorted(access.info.scopes))}
            if pair.refresh is not None:
                body["refresh_token"] = pair.refresh.token
            self._reply(HTTPStatus.OK, body, {"Pragma": "no-cache"})

        def _revoke(self) -> None:
            if self._client_or_reject() is None:
                return
            form = self._form()
            if form is None or "token" not in form:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "invalid_request"})
                return
            api.issuer.revoke(form["token"])
            self._reply(HTTPStatus.OK, {})

        def _introspect(self) -> None:
            if self._client_or_reject() is None:
                return
            form = self._form()
            if form is None or "token" not in form:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "invalid_request"})
                return
            self._reply(HTTPStatus.OK, api.issuer.introspect(form["token"]))

    return Handler


def make_server(api: NotesApi, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(api))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    with Issuer.open() as issuer:
        server = make_server(NotesApi(issuer, load_clients()), args.host, args.port)
        print(f"notes API on http://{args.host}:{server.server_port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
