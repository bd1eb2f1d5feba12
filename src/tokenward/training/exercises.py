"""Hands-on exercises: a small file with the lesson's mistake, graded by the scanner.

Each exercise is the rule's own bad example (the team's code is redacted, so it would no
longer show a hard-coded secret; the rule's example shows the same mistake with a value
published in tokenward's own docs). The reference fix is the example's exact ``fixed``
text; for a hard-coded secret without one, the example with the value looked up by name;
else the rule's first good example for the same kind of file. Both are checked: the
exercise must fire the rule and the reference fix must scan clean. ``exercises.json``
lists the files and the rule each one teaches; ``check`` scans them: an exercise passes
when its file scans clean.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

from tokenward.analysis.source import FileKind, kind_of
from tokenward.config import Config
from tokenward.model import Category, Finding
from tokenward.records import record
from tokenward.rules.base import Example, Rule
from tokenward.scanner.engine import FileTask, scan_file
from tokenward.training.excerpts import example_secrets, scan_text
from tokenward.training.model import Exercise

MANIFEST = "exercises.json"
MANIFEST_FORMAT = "tokenward-exercises-1"


class ExerciseError(Exception):
    """The folder is not a set of exercises (no or broken manifest)."""


_ASSIGNED = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[:=]")


def _env_name(line: str) -> str:
    match = _ASSIGNED.match(line)
    return match.group(1).upper() if match else "API_TOKEN"


def secret_by_name(example: Example, rules: Sequence[Rule]) -> str | None:
    """The example with each secret replaced by a lookup by name (what a fix looks like).

    Python gets ``os.environ["NAME"]`` in place of the literal; other files get the
    ``${NAME}`` placeholder that deployment tools substitute.
    """
    secrets = sorted(example_secrets(example, rules), key=len, reverse=True)
    if not secrets:
        return None
    python = kind_of(example.path) is FileKind.PYTHON
    lines = []
    for line in example.text.splitlines():
        for value in secrets:
            if value not in line:
                continue
            name = _env_name(line)
            quoted = next((q + value + q for q in ('"', "'") if q + value + q in line), None)
            if python and quoted is not None:
                line = line.replace(quoted, f'os.environ["{name}"]')
            else:
                line = line.replace(value, "${" + name + "}")
        lines.append(line)
    text = "\n".join(lines) + "\n"
    return _import_os(text) if python and "os.environ" in text else text


def _import_os(text: str) -> str:
    """``text`` with ``import os`` added through libcst's import visitor, which leaves a
    file that already imports it alone (an example that reads other settings from the
    environment already does)."""
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, "os")
    return AddImportsVisitor(context).transform_module(cst.parse_module(text)).code


def _candidates(rule: Rule, rules: Sequence[Rule]) -> Iterator[tuple[Example, str]]:
    """(bad example, reference fix) pairs, best first: exact fixes, then by-name lookups,
    then a good example for the same kind of file."""
    for example in rule.bad:
        if example.fixed_text is not None:
            yield example, example.fixed_text
    if rule.category is Category.HARDCODED_SECRET:
        for example in sorted(rule.bad, key=lambda e: kind_of(e.path) is not FileKind.PYTHON):
            solution = secret_by_name(example, rules)
            if solution is not None:
                yield example, solution
    for example in rule.bad:
        kind = kind_of(example.path)
        for good in rule.good:
            if kind_of(good.path) is kind:
                yield example, good.text


def _visible(name: str) -> str:
    """``.env`` -> ``example.env``: hidden files are missed by learners and often ignored
    by git (the kind of file stays the same)."""
    return f"example{name}" if name.startswith(".") else name


def make_exercise(rule: Rule, slug: str, rules: Sequence[Rule]) -> Exercise | None:
    """The first candidate whose file fires the rule and whose fix scans clean."""
    for example, solution in _candidates(rule, rules):
        name = _visible(PurePosixPath(example.path).name)
        fires = any(f.rule_id == rule.id for f in scan_text(name, example.text, rules))
        if fires and not scan_text(name, solution, rules):
            return Exercise(slug, rule.id, name, example.text, solution, "rule example")
    return None


def manifest(exercises: Sequence[Exercise]) -> str:
    entries = [{"slug": e.slug, "rule": e.rule_id, "file": f"{e.slug}/{e.filename}"}
               for e in exercises]
    return json.dumps({"format": MANIFEST_FORMAT, "exercises": entries}, indent=2) + "\n"


@record
class Grade:
    slug: str
    file: str
    rule_id: str
    passed: bool
    findings: tuple[Finding, ...] = ()
    missing: bool = False


def _folder(directory: Path) -> Path:
    if (directory / MANIFEST).is_file():
        return directory
    if (directory / "exercises" / MANIFEST).is_file():
        return directory / "exercises"
    raise ExerciseError(f"{directory}: no {MANIFEST} here or in {directory}/exercises "
                        "(run `tokenward train --out DIR` first)")


def _entries(folder: Path) -> list[dict[str, str]]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExerciseError(f"{folder / MANIFEST}: cannot read: {exc}") from None
    entries = data.get("exercises") if isinstance(data, dict) else None
    if (not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT
            or not isinstance(entries, list)
            or not all(isinstance(e, dict) and all(isinstance(e.get(k), str)
                                                   for k in ("slug", "rule", "file"))
                       for e in entries)):
        raise ExerciseError(f"{folder / MANIFEST}: not a tokenward exercise list")
    for entry in entries:
        relative = PurePosixPath(entry["file"])
        if relative.is_absolute() or ".." in relative.parts:
            raise ExerciseError(f"{folder / MANIFEST}: bad path {entry['file']!r}")
    return entries


def check(directory: Path, rules: Sequence[Rule]) -> list[Grade]:
    """Grade every exercise in ``directory`` (the exercises folder or the session folder)."""
    folder = _folder(directory)
    grades: list[Grade] = []
    for entry in _entries(folder):
        path = folder / entry["file"]
        try:
            data = path.read_bytes()
        except OSError:
            grades.append(Grade(entry["slug"], entry["file"], entry["rule"], False,
                                missing=True))
            continue
        result = scan_file(FileTask(entry["file"], data), Config(), rules)
        # A suppression comment is not a fix: suppressed findings fail the exercise too.
        found = tuple(result.findings)
        grades.append(Grade(entry["slug"], entry["file"], entry["rule"], not found, found))
    return grades
