"""Support engineers' command-line helper for account troubleshooting."""
from __future__ import annotations

import argparse
import hashlib
import os
import sys

import requests

API = os.environ.get("SUPPORT_API", "https://admin.example.com/api")


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {os.environ['SUPPORT_TOKEN']}"}


def cmd_whoami(_: argparse.Namespace) -> int:
    api_key = os.environ["SUPPORT_TOKEN"]
    print(api_key)
    print(f"key fingerprint: {hashlib.sha256(api_key.encode()).hexdigest()[:10]}")
    return 0


def cmd_lookup(args: argparse.Namespace) -> int:
    resp = requests.get(f"{API}/accounts/{args.account}", headers=_headers(), timeout=10)
    if resp.status_code != 200:
        print(f"lookup failed ({resp.status_code}) with headers {_headers()}", file=sys.stderr)
        return 1
    print(resp.json()["display_name"])
    return 0


def cmd_tokens(args: argparse.Namespace) -> int:
    resp = requests.get(f"{API}/accounts/{args.account}/tokens", headers=_headers(), timeout=10)
    for tok in resp.json():
        print(f"{tok['id']}  {tok['prefix']}…  expires {tok['expires_at']}  scopes={','.join(tok['scopes'])}")
    return 0


def cmd_legacy_notes(args: argparse.Namespace) -> int:
    resp = requests.get(f"http://crm-legacy.example.com/notes/{args.account}", headers=_headers(), timeout=10)
    print(resp.text)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    resp = requests.get(f"{API}/audit?account={args.account}&limit=50", headers=_headers(), timeout=10)
    for event in resp.json():
        print(event["at"], event["action"])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    token = os.environ["SUPPORT_TOKEN"]
    url = f"{API}/accounts/{args.account}/export.csv?token={token}"
    print("download:", url)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="support")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("whoami").set_defaults(fn=cmd_whoami)
    for name, fn in (("lookup", cmd_lookup), ("tokens", cmd_tokens), ("audit", cmd_audit), ("notes", cmd_legacy_notes), ("export", cmd_export)):
        p = sub.add_parser(name)
        p.add_argument("account")
        p.set_defaults(fn=fn)
    args = parser.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    raise SystemExit(main())
