"""scanner/project.py: the project join, calls of another file's token issuers."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import pinned
from tokenward.config import Config
from tokenward.model import Finding
from tokenward.rules import RULES
from tokenward.scanner.engine import FileTask, run_tasks
from tokenward.scanner.pipeline import scan

SECURITY = """
    import jwt

    def create_access_token(data, expires_delta=None):
        to_encode = data.copy()
        if expires_delta is not None:
            to_encode["exp"] = now() + expires_delta
        return jwt.encode(to_encode, KEY)
    """
ROUTER = """
    from datetime import timedelta

    from ..core import security

    def client_token(client):
        return security.create_access_token({"sub": client.id})

    def device_token(device):
        return security.create_access_token({"sub": device.id}, timedelta(minutes=30))
    """
MODELS = """
    class LabIntegrationKey(models.Model):
        @classmethod
        def issue(cls, owner, name, expires_at=None):
            return cls.objects.create(owner=owner, name=name, expires_at=expires_at)
    """
VIEWS = """
    from .models import LabIntegrationKey

    def create_lab_key(request):
        key = LabIntegrationKey.issue(request.user, "lab")
        trial = LabIntegrationKey.issue(request.user, "trial", expires_at=soon())
        return key, trial
    """


def tasks(files: dict[str, str]) -> list[FileTask]:
    return [FileTask(path, textwrap.dedent(code).lstrip("\n").encode())
            for path, code in files.items()]


def joined(files: dict[str, str]) -> list[tuple[str, int, int, str]]:
    result = run_tasks(tasks(files), Config(), rules=RULES, jobs=1, use_cache=False)
    return [(f.path, *pin) for f in result.findings if f.rule_id in ("TW301", "TW306")
            for pin in pinned([f])]


def test_a_relative_import_two_levels_up() -> None:
    assert joined({"app/core/security.py": SECURITY, "app/routers/auth.py": ROUTER}) == [
        ("app/routers/auth.py", 6, 12,
         "security.create_access_token() mints a token whose claims (expires_delta=None by "
         "default, app/core/security.py:3) have no 'exp': it never expires"),
    ]


def test_a_class_method_from_the_same_package() -> None:
    assert joined({"api/models.py": MODELS, "api/views.py": VIEWS}) == [
        ("api/views.py", 4, 11,
         "LabIntegrationKey.issue() creates a token with expires_at left at its default None, "
         "stored as its expiry (api/models.py:3): it never expires"),
    ]


def test_an_absolute_import_by_the_path_it_ends_in_and_never_a_guess() -> None:
    absolute = ROUTER.replace("from ..core import security", "from app.core import security")
    found = joined({"src/app/core/security.py": SECURITY, "src/app/routers/auth.py": absolute})
    assert [(path, line) for path, line, *_ in found] == [("src/app/routers/auth.py", 6)]
    # Two scanned files end in app/core/security.py: which one is imported is not known.
    assert joined({"a/app/core/security.py": SECURITY, "b/app/core/security.py": SECURITY,
                   "a/app/routers/auth.py": absolute}) == []
    # A library's function of the same name is not the repository's.
    library = ROUTER.replace("from ..core import security",
                             "from flask_jwt_extended import security")
    assert joined({"app/core/security.py": SECURITY, "app/routers/auth.py": library}) == []


def test_only_the_files_of_one_scan_are_joined() -> None:
    # A staged or --diff-base scan of the caller alone does not see the callee.
    assert joined({"app/routers/auth.py": ROUTER}) == []


def lines(findings: tuple[Finding, ...], rule: str) -> list[tuple[str, int]]:
    return [(Path(f.path).name, f.line) for f in findings if f.rule_id == rule]


def test_a_changed_callee_changes_its_cached_callers_findings(tmp_path: Path) -> None:
    core, routers = tmp_path / "app" / "core", tmp_path / "app" / "routers"
    core.mkdir(parents=True)
    routers.mkdir(parents=True)
    (core / "security.py").write_text(textwrap.dedent(SECURITY).lstrip("\n"))
    (routers / "auth.py").write_text(textwrap.dedent(ROUTER).lstrip("\n"))
    first = scan([tmp_path], Config(), rules=RULES, use_cache=True)
    assert lines(first.findings, "TW301") == [("auth.py", 6)]
    # The callee now gives a default lifetime; the caller, unchanged, comes from the cache.
    fixed = SECURITY.replace('to_encode["exp"] = now() + expires_delta',
                             'to_encode["exp"] = now() + expires_delta\n'
                             '        else:\n'
                             '            to_encode["exp"] = now() + timedelta(minutes=15)')
    (core / "security.py").write_text(textwrap.dedent(fixed).lstrip("\n"))
    second = scan([tmp_path], Config(), rules=RULES, use_cache=True)
    assert (second.stats["cache_hits"], lines(second.findings, "TW301")) == (1, [])
