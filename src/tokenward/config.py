"""Settings: ``[tool.tokenward]`` in ``pyproject.toml``, or a ``.tokenward.toml``.

The file is looked for in the current directory and its parents up to the top of the git
work tree, never above it (outside git: in the current directory only); the first one that
has tokenward settings wins. A settings file another user owns or can write is never read
(a warning names it): the defaults used instead run every rule on every file, so skipping
it cannot hide a finding the way a planted ``exclude = ["**"]`` does.
Unknown keys are an error, so a typo never silently disables a check.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from tokenward.model import Severity
from tokenward.store.settings import StoreSettings, parse_store_settings
from tokenward.trust import TrustWarning, distrust

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
DEFAULT_BASELINE = ".tokenward-baseline.json"
# --jobs on the command line may exceed the CPU count (a slow disk can leave CPUs idle), but
# not without bound: every worker is a process with its own copy of the rules.
CLI_JOBS_PER_CPU = 4


def cpu_count() -> int:
    """The CPUs this process may run on (a container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def max_cli_jobs() -> int:
    return CLI_JOBS_PER_CPU * cpu_count()


class ConfigError(ValueError):
    """A settings file or option that cannot be used. The message says which and why."""


@dataclass(frozen=True)
class Config:
    """Everything that changes what a scan reports. Frozen and hashable into a digest."""

    root: str = "."
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    fail_on: Severity = Severity.LOW
    disable: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    baseline: str = DEFAULT_BASELINE
    jobs: int | None = None
    cache: bool = True
    # Whether a file that could not be fully analysed fails the run. None: the default of
    # the mode (on for the hook, --staged and --diff-base; off for a plain scan).
    fail_on_unscanned: bool | None = None
    # Per-rule settings, e.g. {"missing-expiry": {"access_token_max": "1h"}}.
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source_file: str | None = None
    # [tool.tokenward.store]: the token store's settings (no effect on findings).
    store: StoreSettings = field(default_factory=StoreSettings)

    def options_for(self, rule_name: str) -> Mapping[str, Any]:
        return self.rule_options.get(rule_name, {})

    def rule_enabled(self, rule_id: str, rule_name: str) -> bool:
        keys = {rule_id.upper(), rule_name.lower()}
        if self.select and not keys & {s.upper() if s.upper().startswith("TW") else s.lower()
                                       for s in self.select}:
            return False
        disabled = {d.upper() if d.upper().startswith("TW") else d.lower() for d in self.disable}
        return not keys & disabled

    def digest(self) -> str:
        """A hash of every setting that affects findings (for the result cache)."""
        data = asdict(self)
        data["fail_on"] = self.fail_on.value
        for key in ("jobs", "cache", "source_file", "root", "fail_on", "baseline",
                    "fail_on_unscanned", "store"):
            data.pop(key, None)
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_KNOWN_KEYS = {
    "exclude",
    "max_file_size",
    "fail_on",
    "disable",
    "select",
    "baseline",
    "jobs",
    "cache",
    "fail_on_unscanned",
    "rules",
    "store",
}

_SIZE_RE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: object) -> int:
    """``2097152``, ``"2MiB"``, ``"512k"`` -> bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE_RE.match(str(value))
    if not match:
        raise ConfigError(f"max_file_size: expected a size like 2MiB, got {value!r}")
    unit = (match.group(2) or "").lower()[:1]
    size = int(match.group(1)) * _SIZE_UNITS[unit]
    if size <= 0:
        raise ConfigError("max_file_size must be positive")
    return size


def parse_severity(value: object, *, key: str = "fail_on") -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise ConfigError(f"{key}: expected one of {choices}, got {value!r}") from None


def _str_tuple(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{key}: expected a list of strings")


def from_mapping(data: Mapping[str, Any], *, root: Path, source_file: str | None) -> Config:
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(
            f"{source_file or 'config'}: unknown key(s) in [tool.tokenward]: "
            + ", ".join(sorted(unknown))
        )
    config = Config(root=str(root), source_file=source_file)
    changes: dict[str, Any] = {}
    if "exclude" in data:
        changes["exclude"] = _str_tuple(data["exclude"], "exclude")
    if "max_file_size" in data:
        changes["max_file_size"] = parse_size(data["max_file_size"])
    if "fail_on" in data:
        changes["fail_on"] = parse_severity(data["fail_on"])
    if "disable" in data:
        changes["disable"] = _str_tuple(data["disable"], "disable")
    if "select" in data:
        changes["select"] = _str_tuple(data["select"], "select")
    if "baseline" in data:
        if not isinstance(data["baseline"], str):
            raise ConfigError("baseline: expected a file name")
        changes["baseline"] = data["baseline"]
    if "jobs" in data:
        jobs = data["jobs"]
        if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
            raise ConfigError("jobs: expected a positive whole number")
        if jobs > cpu_count():
            # A cloned repository's settings must not fork this machine to its limit.
            raise ConfigError(
                f"{source_file or 'config'}: jobs = {jobs} is more than the {cpu_count()} "
                f"CPUs here; settings may ask for at most {cpu_count()} (--jobs on the "
                f"command line allows up to {max_cli_jobs()})")
        changes["jobs"] = jobs
    if "cache" in data:
        if not isinstance(data["cache"], bool):
            raise ConfigError("cache: expected true or false")
        changes["cache"] = data["cache"]
    if "fail_on_unscanned" in data:
        if not isinstance(data["fail_on_unscanned"], bool):
            raise ConfigError("fail_on_unscanned: expected true or false")
        changes["fail_on_unscanned"] = data["fail_on_unscanned"]
    if "rules" in data:
        rules = data["rules"]
        if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
            raise ConfigError("rules: expected tables, e.g. [tool.tokenward.rules.missing-expiry]")
        changes["rule_options"] = {k: dict(v) for k, v in rules.items()}
    if "store" in data:
        try:
            changes["store"] = parse_store_settings(data["store"])
        except ValueError as error:
            raise ConfigError(f"{source_file or 'config'}: {error}") from None
    return replace(config, **changes)


def _read_toml(path: Path, *, explicit: bool = True) -> dict[str, Any] | None:
    """The file's TOML; None (with a warning) for a found file another user controls.

    Checked on the open file, so a file swapped after the check is never the one read. A
    file named with ``--config`` that another user controls is an error instead.
    """
    try:
        with path.open("rb") as handle:
            why = distrust(os.fstat(handle.fileno()), allow_root=True)
            if why is not None:
                if explicit:
                    raise ConfigError(f"{path}: not read: {why}; tokenward reads settings "
                                      "only from files you own and only you can write")
                warnings.warn(TrustWarning(
                    f"{path}: not read: {why}; settings are read only from files you own "
                    "and only you can write (this run uses the defaults instead)"), stacklevel=2)
                return None
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def search_folders(start: Path) -> tuple[Path, ...]:
    """Where settings are looked for: ``start`` and its parents up to the top of its git
    work tree. Outside git only ``start``: above it lie folders of unknown owners (a shared
    ``/tmp``), and a project without git has no marked top to stop at."""
    folders = (start, *start.parents)
    for index, folder in enumerate(folders):
        if os.path.lexists(folder / ".git"):
            return folders[: index + 1]
    return (start,)


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``.tokenward.toml`` or ``pyproject.toml`` with ``[tool.tokenward]``,
    within :func:`search_folders` and among files only this user controls."""
    for folder in search_folders(start):
        dedicated = folder / ".tokenward.toml"
        if dedicated.is_file():
            data = _read_toml(dedicated, explicit=False)
            if data is not None:
                return dedicated, data.get("tool", {}).get("tokenward", data)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject, explicit=False)
            section = None if data is None else data.get("tool", {}).get("tokenward")
            if section is not None:
                return pyproject, section
    return None


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    """Settings for a run started in ``start`` (default: the current directory)."""
    if explicit is not None:
        data = _read_toml(explicit) or {}
        section = data.get("tool", {}).get("tokenward", data)
        return from_mapping(section, root=explicit.resolve().parent, source_file=str(explicit))
    start = (start or Path.cwd()).resolve()
    found = find_config_file(start)
    if found is None:
        return Config(root=str(start))
    path, section = found
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.tokenward] must be a table")
    return from_mapping(section, root=path.parent, source_file=str(path))
