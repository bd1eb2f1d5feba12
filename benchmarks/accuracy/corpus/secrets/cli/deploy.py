"""deploy: push a release to the cluster and announce it."""
from __future__ import annotations

import argparse
import getpass
import os
import subprocess


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deploy")
    parser.add_argument("--token", default=os.environ.get("DEPLOY_TOKEN"), help="API token (or set DEPLOY_TOKEN)")
    parser.add_argument("--registry-password", default="S_37edjBkZ95cI", help="registry password")
    parser.add_argument("--password", help="Password for the admin user; prompted for when omitted")
    parser.add_argument("--webhook-secret", default="{{ webhook_secret }}")
    return parser.parse_args(argv)


def registry_login(user: str, password: str | None = None) -> None:
    password = password or getpass.getpass("Registry password: ")
    subprocess.run(["docker", "login", "registry.corp.example", "-u", user, "--password-stdin"],
                   input=password.encode(), check=True)


def kube_context(token: str = "${KUBE_TOKEN}") -> list[str]:
    return ["kubectl", "--token", token, "config", "current-context"]


def helm_upgrade(release: str) -> None:
    subprocess.run(["helm", "upgrade", release, "./chart", "--set", "db.password=1OUPL3JF2BhzjxmtoZxxLjsu"], check=True)


def announce(version: str) -> None:
    subprocess.run(["curl", "-sS", "-X", "POST", "-H", "Authorization: Bearer lM517GnJSFFU3StK4LGldCOeXMsNMuQ9OHyD7UsF",
                    "https://status.corp.example/api/releases", "-d", version], check=True)
