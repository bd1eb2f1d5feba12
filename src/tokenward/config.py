"""Settings: ``[tool.tokenward]`` in ``pyproject.toml``, or a ``.tokenward.toml``.

The file is looked for in the current directory and its parents up to the top of the git
work tree, never above it (outside git: in the current directory only); the first one that
has tokenward settings wins. A settings file another user owns or can write is never read
(a warning names it): the defaults used instead run every rule on every file, so skipping
it cannot hide a finding the way a planted ``exclude = ["**"]`` does.

Settings are checked like a compiler checks code, so a typo never silently turns a check
off: every key, rule id or name (``select``, ``disable``), rule-option table, option and
value type. Every problem is reported at once, each naming the file, the dotted key and
the nearest valid spelling. Rule options are declared by the rules (:class:`Option`);
this module sits below the rules, so the declarations are passed in, never imported.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from tokenward.lazy import lazy_regex
from tokenward.model import Context, Severity
from tokenward.records import record
from tokenward.store.durations import duration_seconds, format_duration
from tokenward.store.settings import StoreSettings, parse_store_settings
from tokenward.trust import TrustWarning, distrust

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
DEFAULT_BASELINE = ".tokenward-baseline.json"
# Where only findings that prove themselves real are reported (Hit.proven): every context
# but production code and configuration.
DEFAULT_PROVEN_ONLY = tuple(c for c in Context if c is not Context.PRODUCTION)
# --jobs on the command line may exceed the CPU count (a slow disk can leave CPUs idle), but
# not without bound: every worker is a process with its own copy of the rules.
CLI_JOBS_PER_CPU = 4

T = TypeVar("T")


def cpu_count() -> int:
    """The CPUs this process may run on (a container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def max_cli_jobs() -> int:
    return CLI_JOBS_PER_CPU * cpu_count()


class ConfigError(ValueError):
    """Settings that cannot be used: every problem found, one line each, each saying where
    (file and key) and why."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Invalid(ValueError):
    """A value of the wrong type or form; the message says what was expected."""


# -- rule options -------------------------------------------------------------------------

@record
class OptionType(Generic[T]):
    """The values an option takes: a name for docs, what errors say was expected, the
    parser (raises :class:`Invalid`) and how a value is written in TOML (for docs)."""

    name: str
    expected: str
    parse: Callable[[object], T]
    toml: Callable[[T], str]


@record
class Option(Generic[T]):
    """One rule option, ``[tool.tokenward.rules.<rule>] <name> = value``, declared by a
    rule; a rule reads its typed value with :meth:`value`, never the raw table.

    ``rule`` names the table (a rule's name): a rule that shares another rule's limit
    lists that rule's option among its own.
    """

    rule: str
    name: str
    type: OptionType[T]
    default: T
    docs: str

    def value(self, config: Config) -> T:
        # Values in Config.rule_options were parsed by this option's type (from_mapping).
        return cast(T, config.rule_options.get(self.rule, {}).get(self.name, self.default))

    @property
    def default_toml(self) -> str:
        return self.type.toml(self.default)


def _describe(value: object) -> str:
    """A value from a settings file, for an error: short scalars as written, else their
    type (never a long string: it may be something pasted by mistake)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value) if len(value) <= 32 else f"a string of {len(value)} characters"
    return "a table" if isinstance(value, dict) else "an array" if isinstance(
        value, list) else f"a {type(value).__name__}"


def _duration(value: object) -> float:
    seconds = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = duration_seconds(value, bare_unit=1)
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise Invalid(f"{DURATION.expected}, got {_describe(value)}")
    return seconds


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise Invalid(f"expected a list of strings, got {_describe(value)}")


def _duration_toml(seconds: float) -> str:
    return json.dumps(format_duration(timedelta(seconds=seconds)))


def _strings_toml(values: tuple[str, ...]) -> str:
    return json.dumps(list(values))


# Module-level functions, not lambdas: rules (and their options) travel to worker processes.
DURATION: OptionType[float] = OptionType(
    "duration",
    "expected a duration: seconds (3600) or a number with a unit (15m, 12h, 30d, 1h30m)",
    _duration, _duration_toml)
STRINGS: OptionType[tuple[str, ...]] = OptionType(
    "list of strings", "expected a list of strings", _strings, _strings_toml)


class DeclaredRule(Protocol):
    """What the settings are checked against: a rule's id, name and options (the rule
    registry, passed in from above)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def options(self) -> tuple[Option[Any], ...]: ...


# -- the settings -------------------------------------------------------------------------

@record
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
    # Rule name -> option name -> the value its Option's type parsed, e.g.
    # {"excessive-token-lifetime": {"access_token_max": 1800.0}}. Read with Option.value.
    rule_options: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    source_file: str | None = None
    # [tool.tokenward.contexts]: context -> globs (relative to the root) that put a file
    # in it, whatever tokenward detects; the first entry that matches wins.
    contexts: tuple[tuple[Context, tuple[str, ...]], ...] = ()
    # The context policy: in these contexts a finding is reported only when its value
    # proves itself real; the others are hidden (counted, and shown by --all-contexts).
    proven_only: tuple[Context, ...] = DEFAULT_PROVEN_ONLY
    # [tool.tokenward.store]: the token store's settings (no effect on findings).
    store: StoreSettings = field(default_factory=StoreSettings)

    def rule_enabled(self, rule_id: str, rule_name: str) -> bool:
        keys = {rule_id.upper(), rule_name.lower()}
        if self.select and not keys & {_rule_key(s) for s in self.select}:
            return False
        return not keys & {_rule_key(d) for d in self.disable}

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


def _rule_key(text: str) -> str:
    """Ids compare in upper case (TW101), names in lower case (hardcoded-secret)."""
    text = text.strip()
    return text.upper() if text.upper().startswith("TW") else text.lower()


_SIZE_RE = lazy_regex(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _size(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        match = _SIZE_RE.match(str(value)) if isinstance(value, str) else None
        if not match:
            raise Invalid(f"expected a size such as 2MiB, 512k or 1048576, got "
                          f"{_describe(value)}")
        size = int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower()[:1]]
    if size <= 0:
        raise Invalid("expected a positive size")
    return size


def _severity(value: object) -> Severity:
    choices = [s.value for s in Severity]
    if isinstance(value, str) and value.lower() in choices:
        return Severity(value.lower())
    nearest = _nearest(value.lower(), choices) if isinstance(value, str) else None
    hint = f" (did you mean {json.dumps(nearest)}?)" if nearest else ""
    raise Invalid(f"expected one of {', '.join(choices)}, got {_describe(value)}{hint}")


def parse_size(value: object, *, key: str = "max_file_size") -> int:
    """``2097152``, ``"2MiB"``, ``"512k"`` -> bytes; ConfigError naming ``key``."""
    try:
        return _size(value)
    except Invalid as exc:
        raise ConfigError(f"{key}: {exc}") from None


def parse_severity(value: object, *, key: str = "fail_on") -> Severity:
    try:
        return _severity(value)
    except Invalid as exc:
        raise ConfigError(f"{key}: {exc}") from None


def _file_name(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise Invalid(f"expected a file name, got {_describe(value)}")
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {_describe(value)}")
    return value


def parse_context(value: object) -> Context:
    """A context's name -> the Context; Invalid (with the nearest name) otherwise."""
    names = [c.value for c in Context]
    if isinstance(value, str) and value in names:
        return Context(value)
    nearest = _nearest(value, names) if isinstance(value, str) else None
    hint = (f" (did you mean {json.dumps(nearest)}?)" if nearest
            else f" (expected one of {', '.join(names)})")
    raise Invalid(f"unknown context {_describe(value)}{hint}")


def _contexts(value: object) -> tuple[Context, ...]:
    return tuple(parse_context(name) for name in _strings(value))


def _context_globs(table: object, problems: _Problems
                   ) -> tuple[tuple[Context, tuple[str, ...]], ...]:
    """``[contexts]``: context name -> globs, in the order written (the first match wins)."""
    if not isinstance(table, dict):
        problems.add(("contexts",), f"expected a table of context names, got "
                                    f"{_describe(table)}")
        return ()
    parsed = []
    for name, globs in table.items():
        try:
            parsed.append((parse_context(name), _strings(globs)))
        except Invalid as exc:
            problems.add(("contexts", name), str(exc))
    return tuple(parsed)


def _jobs(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Invalid(f"expected a positive whole number, got {_describe(value)}")
    if value > cpu_count():
        # A cloned repository's settings must not fork this machine to its limit.
        raise Invalid(f"{value} is more than the {cpu_count()} CPUs here; settings may ask "
                      f"for at most {cpu_count()} (--jobs on the command line allows up to "
                      f"{max_cli_jobs()})")
    return value


# Key -> parser; the Config field has the key's name. "rules" is checked on its own.
_SETTINGS: dict[str, Callable[[object], object]] = {
    "exclude": _strings,
    "max_file_size": _size,
    "fail_on": _severity,
    "disable": _strings,
    "select": _strings,
    "baseline": _file_name,
    "jobs": _jobs,
    "cache": _boolean,
    "fail_on_unscanned": _boolean,
    "proven_only": _contexts,
}
_RULE_LISTS = ("select", "disable")
_BARE_KEY = lazy_regex(r"[A-Za-z0-9_-]+")


def _nearest(word: str, choices: Iterable[str]) -> str | None:
    import difflib  # only for a mistake: not every run's import

    found = difflib.get_close_matches(word, list(choices), n=1)
    return found[0] if found else None


def _toml_key(key: str) -> str:
    """A key as TOML spells it in a dotted path: bare, or quoted (controls escaped)."""
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key)


def unknown_rule(name: str, rules: Sequence[DeclaredRule]) -> str | None:
    """Why ``name`` names no rule (with the nearest id or name), or None if it names one."""
    known = {r.id.upper(): r.id for r in rules} | {r.name.lower(): r.name for r in rules}
    if _rule_key(name) in known:
        return None
    nearest = _nearest(_rule_key(name).lower(), [k.lower() for k in known])
    spelled = json.dumps(name)
    if nearest is None:
        return f"unknown rule {spelled} (see `tokenward rules`)"
    return f"unknown rule {spelled} (did you mean {json.dumps(known[_rule_key(nearest)])}?)"


@dataclass
class _Problems:
    """The problems of one settings file, each as ``file: dotted.key: what``."""

    file: str
    prefix: tuple[str, ...]
    found: list[str] = field(default_factory=list)

    def add(self, keys: Sequence[str], text: str) -> None:
        dotted = ".".join(_toml_key(k) for k in (*self.prefix, *keys))
        self.found.append(f"{self.file}: {dotted}: {text}")

    def unknown(self, keys: Sequence[str], what: str, choices: Iterable[str]) -> None:
        known = sorted(choices)
        nearest = _nearest(keys[-1], known)
        if nearest is not None:
            self.add(keys, f"unknown {what} (did you mean {json.dumps(nearest)}?)")
        elif known:
            self.add(keys, f"unknown {what} (expected one of {', '.join(known)})")
        else:
            self.add(keys, f"unknown {what}")


def _rule_options(tables: object, rules: Sequence[DeclaredRule],
                  problems: _Problems) -> dict[str, dict[str, object]]:
    """``[rules.<rule-name>]`` tables -> option values parsed by their declared types."""
    if not isinstance(tables, dict):
        problems.add(("rules",), f"expected a table of rule tables, got {_describe(tables)}")
        return {}
    declared: dict[str, dict[str, Option[Any]]] = {r.name: {} for r in rules}
    for rule in rules:
        for option in rule.options:
            declared.setdefault(option.rule, {})[option.name] = option
    by_id = {r.id.upper(): r.name for r in rules}
    parsed: dict[str, dict[str, object]] = {}
    for rule_name, table in tables.items():
        keys = ("rules", rule_name)
        if rule_name not in declared:
            if rule_name.upper() in by_id:  # [rules.TW304]: tables are named by rule name
                problems.add(keys, f"option tables are named by rule name (did you mean "
                                   f"{json.dumps(by_id[rule_name.upper()])}?)")
            else:
                problems.unknown(keys, "rule", declared)
            continue
        if not isinstance(table, dict):
            problems.add(keys, f"expected a table of options, got {_describe(table)}")
            continue
        options = declared[rule_name]
        for name, raw in table.items():
            declaration = options.get(name)
            if declaration is None:
                if options:
                    problems.unknown((*keys, name), "option", options)
                else:
                    problems.add((*keys, name), f"unknown option ({rule_name} has no options)")
                continue
            try:
                parsed.setdefault(rule_name, {})[name] = declaration.type.parse(raw)
            except Invalid as exc:
                problems.add((*keys, name), str(exc))
    return parsed


def _store_settings(table: object, problems: _Problems) -> StoreSettings:
    """``[tool.tokenward.store]``, parsed by the store (which the settings may not import
    above); each of its problems ("store.backend: ...") named by its dotted key."""
    try:
        return parse_store_settings(table)
    except ValueError as error:
        for line in str(error).splitlines():
            where, _, why = line.partition(": ")
            problems.add(tuple(where.split(".")) if why else ("store",), why or line)
        return StoreSettings()


def from_mapping(data: Mapping[str, Any], *, root: Path, source_file: str | None,
                 rules: Sequence[DeclaredRule], prefix: tuple[str, ...] = ()) -> Config:
    """Checked settings; ConfigError with every problem found. ``prefix`` is where the
    table sits in its file (``("tool", "tokenward")`` in pyproject.toml)."""
    problems = _Problems(source_file or "settings", prefix)
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key == "rules":
            changes["rule_options"] = _rule_options(value, rules, problems)
        elif key == "store":
            changes["store"] = _store_settings(value, problems)
        elif key == "contexts":
            changes["contexts"] = _context_globs(value, problems)
        elif key not in _SETTINGS:
            problems.unknown((key,), "key", [*_SETTINGS, "rules", "store", "contexts"])
        else:
            try:
                changes[key] = _SETTINGS[key](value)
            except Invalid as exc:
                problems.add((key,), str(exc))
                continue
            if key in _RULE_LISTS:
                for name in changes[key]:
                    why = unknown_rule(name, rules)
                    if why is not None:
                        problems.add((key,), why)
    if problems.found:
        raise ConfigError(*problems.found)
    return replace(Config(root=str(root), source_file=source_file), **changes)


def _read_toml(path: Path, *, explicit: bool = True) -> dict[str, Any] | None:
    """The file's TOML; None (with a warning) for a found file another user controls.

    Checked on the open file, so a file swapped after the check is never the one read. A
    file named with ``--config`` that another user controls is an error instead.
    """
    import tomllib  # here: a run with no settings file (most commits) never needs it

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


_TABLE = ("tool", "tokenward")


def _section(data: Mapping[str, Any]) -> tuple[object, tuple[str, ...]] | None:
    """``[tool.tokenward]`` and where it sits, or None when the file has none."""
    tool = data.get("tool")
    if isinstance(tool, dict) and "tokenward" in tool:
        return tool["tokenward"], _TABLE
    return None


def search_folders(start: Path) -> tuple[Path, ...]:
    """Where settings are looked for: ``start`` and its parents up to the top of its git
    work tree. Outside git only ``start``: above it lie folders of unknown owners (a shared
    ``/tmp``), and a project without git has no marked top to stop at."""
    folders = (start, *start.parents)
    for index, folder in enumerate(folders):
        if os.path.lexists(folder / ".git"):
            return folders[: index + 1]
    return (start,)


@record
class SettingsFile:
    """A settings file found, its tokenward table, and the key prefix its messages name."""

    path: Path
    section: object
    prefix: tuple[str, ...]


def find_config_file(start: Path) -> SettingsFile | None:
    """The nearest ``.tokenward.toml`` or ``pyproject.toml`` with ``[tool.tokenward]``,
    within :func:`search_folders` and among files only this user controls."""
    for folder in search_folders(start):
        dedicated = folder / ".tokenward.toml"
        if dedicated.is_file():
            data = _read_toml(dedicated, explicit=False)
            if data is not None:
                section, prefix = _section(data) or (data, ())
                return SettingsFile(dedicated, section, prefix)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject, explicit=False)
            found = None if data is None else _section(data)
            if found is not None:
                return SettingsFile(pyproject, *found)
    return None


def _explicit_file(path: Path) -> SettingsFile:
    data = _read_toml(path) or {}
    found = _section(data)
    if found is None and path.name == "pyproject.toml":
        raise ConfigError(f"{path}: no [tool.tokenward] table")
    section, prefix = found or (data, ())
    return SettingsFile(path, section, prefix)


def load_config(start: Path | None = None, explicit: Path | None = None, *,
                rules: Sequence[DeclaredRule]) -> Config:
    """Settings for a run started in ``start`` (default: the current directory), checked
    against ``rules`` (their ids, names and declared options)."""
    if explicit is not None:
        found, root = _explicit_file(explicit), explicit.resolve().parent
    else:
        start = (start or Path.cwd()).resolve()
        located = find_config_file(start)
        if located is None:
            return Config(root=str(start))
        found, root = located, located.path.parent
    if not isinstance(found.section, dict):
        raise ConfigError(f"{found.path}: {'.'.join(found.prefix) or 'the file'}: "
                          "expected a table")
    return from_mapping(found.section, root=root, source_file=str(found.path), rules=rules,
                        prefix=found.prefix)
