"""Which frameworks the team uses, read from the files the findings are in.

Lessons show the right way in the team's own idiom (Django settings for a Django team, a
workflow for GitHub Actions). Python files are asked what they import, through the same
import table the rules resolve names with; other files are known by their kind and place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from tokenward.analysis.source import FileKind, Source, decode, kind_of
from tokenward.config import Config

# Top-level module -> the framework tag learner files use.
MODULES: Mapping[str, str] = {
    "django": "django", "rest_framework": "django", "flask": "flask",
    "flask_jwt_extended": "flask", "fastapi": "fastapi", "starlette": "fastapi",
    "requests": "requests", "httpx": "httpx", "aiohttp": "aiohttp", "boto3": "boto3",
    "botocore": "boto3", "jwt": "pyjwt", "itsdangerous": "itsdangerous", "redis": "redis",
    "hvac": "vault", "gitlab": "python-gitlab", "kubernetes": "kubernetes",
}
# Tag -> how a lesson names it.
LABELS: Mapping[str, str] = {
    "python": "Python", "django": "Django", "flask": "Flask", "fastapi": "FastAPI",
    "requests": "requests", "httpx": "httpx", "aiohttp": "aiohttp", "boto3": "boto3",
    "pyjwt": "PyJWT", "itsdangerous": "itsdangerous", "redis": "Redis", "vault": "Vault",
    "python-gitlab": "python-gitlab", "kubernetes": "Kubernetes",
    "github-actions": "GitHub Actions", "docker": "Docker", "terraform": "Terraform",
}


def label(tag: str) -> str:
    return LABELS.get(tag, tag)


def _python(path: str, data: bytes) -> set[str]:
    source = Source(path, decode(data, FileKind.PYTHON).text, FileKind.PYTHON, Config())
    if source.index is None:
        return set()  # a file that does not parse says nothing about its imports
    tops = {name.split(".")[0] for name in source.analysis.imports.names.values()}
    return {MODULES[top] for top in tops if top in MODULES}


def _by_place(path: str, kind: FileKind, data: bytes) -> set[str]:
    pure = PurePosixPath(path)
    found: set[str] = set()
    if ".github/workflows/" in f"/{pure.parent.as_posix()}/":
        found.add("github-actions")
    if kind is FileKind.DOCKERFILE or pure.name.startswith(("docker-compose", "compose.")):
        found.add("docker")
    if kind is FileKind.HCL:
        found.add("terraform")
    if kind is FileKind.YAML and b"apiVersion:" in data and b"kind:" in data:
        found.add("kubernetes")
    return found


def detect(files: Iterable[tuple[str, bytes]]) -> frozenset[str]:
    """The framework tags of these files (display path, bytes as scanned)."""
    found: set[str] = set()
    for path, data in files:
        kind = kind_of(path, data[:200])
        if kind is FileKind.PYTHON:
            found |= _python(path, data)
            found.add("python")
        found |= _by_place(path, kind, data)
    return frozenset(found)
