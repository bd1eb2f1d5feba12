"""Accuracy benchmark: precision, recall and F1 per category, tokenward beside other scanners.

Run from anywhere:

    python3 benchmarks/accuracy/run.py [--details] [--tools tokenward,detect-secrets]
    python3 benchmarks/accuracy/run.py --set lifecycle_independent

Every ``labels/*.json`` file is loaded, except the independent sets (``SEPARATE_SETS``),
which are scored alone with ``--set NAME``; each file holds ``positives`` and ``negatives``
lists of ``{"path", "line", "category", "kind"|"why"}`` with paths relative to ``corpus/``.
A finding matches a positive with the same path and category whose line lies within the
finding's ``[line, end_line]``. Findings that match no positive are false positives
(suppressed findings are left out: the tool itself says they do not count).

Scope: a category is scored only in the top-level corpus directories that carry at least
one label (positive or negative) of that category, so that the secrets corpus is not
scored for lifecycle categories nobody labeled there, and the other way round. Findings
outside the scope are counted and shown, never silently dropped. A set labels only
``corpus/<set name>/``: findings in a directory of a set this run does not score are that
set's, and are left to its own run. Only stdlib is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "corpus"
DEFAULT_LABELS = HERE / "labels"
REPO_SRC = HERE.parents[1] / "src"
# Labels files left out of the default run and scored alone with --set: an independent
# corpus for categories the default corpora already cover must not blend into their figures.
SEPARATE_SETS = frozenset({"lifecycle_independent"})

HARDCODED = "hardcoded-secret"
WEAK = "weak-generation"
CATEGORY_ORDER = (
    HARDCODED,
    WEAK,
    "missing-expiry",
    "broad-scope",
    "insecure-transport",
    "token-exposure",
)
# bandit and ruff (flake8-bandit) test ids -> our categories.
LINTER_CATEGORIES = {
    "B105": HARDCODED, "B106": HARDCODED, "B107": HARDCODED, "B311": WEAK,
    "S105": HARDCODED, "S106": HARDCODED, "S107": HARDCODED, "S311": WEAK,
}


@dataclass(frozen=True)
class Label:
    """One labeled line of the corpus."""

    path: str
    line: int
    category: str
    note: str  # "kind" for positives, "why" for negatives
    source: str  # the labels file it came from


@dataclass(frozen=True)
class Labels:
    positives: tuple[Label, ...]
    negatives: tuple[Label, ...]

    def scope(self, category: str) -> frozenset[str]:
        """Top-level corpus directories labeled for ``category``."""
        return frozenset(
            top_level(label.path) for label in (*self.positives, *self.negatives)
            if label.category == category
        )

    def categories(self) -> list[str]:
        found = {label.category for label in (*self.positives, *self.negatives)}
        ordered = [c for c in CATEGORY_ORDER if c in found]
        return ordered + sorted(found - set(CATEGORY_ORDER))


@dataclass(frozen=True)
class ToolFinding:
    """A finding as reported by any tool, reduced to what matching needs."""

    path: str
    line: int
    end_line: int
    category: str
    rule: str
    suppressed: bool = False


@dataclass(frozen=True)
class Score:
    category: str
    true_positives: int
    false_positives: int
    false_negatives: int
    missed: tuple[Label, ...] = ()
    spurious: tuple[ToolFinding, ...] = ()
    out_of_scope: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        if flagged == 0:
            return 1.0 if self.false_negatives == 0 else 0.0
        return self.true_positives / flagged

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return 1.0 if wanted == 0 else self.true_positives / wanted

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True)
class ToolRun:
    """What running one tool gave: findings, or why there are none."""

    tool: str
    status: str  # "ok" | "not installed" | "error"
    categories: frozenset[str]
    findings: tuple[ToolFinding, ...] = ()
    message: str = ""
    seconds: float = 0.0


class LabelError(ValueError):
    """A labels file that cannot be used; the message says which and why."""


# --------------------------------------------------------------------------- labels


def top_level(path: str) -> str:
    return path.split("/", 1)[0]


def _label(entry: object, source: str, note_key: str) -> Label:
    if not isinstance(entry, dict):
        raise LabelError(f"{source}: every label must be an object, got {entry!r}")
    try:
        path, line, category = entry["path"], entry["line"], entry["category"]
    except KeyError as missing:
        raise LabelError(f"{source}: label {entry!r} lacks {missing}") from None
    if not isinstance(path, str) or not isinstance(line, int) or not isinstance(category, str):
        raise LabelError(f"{source}: label {entry!r} has a field of the wrong type")
    return Label(path, line, category, str(entry.get(note_key, "")), source)


def labels_files(labels_dir: Path, only: str | None = None) -> list[Path]:
    """``only``'s labels file, or every ``*.json`` but the separately scored sets."""
    if only is not None:
        chosen = labels_dir / f"{only}.json"
        if not chosen.is_file():
            raise LabelError(f"no labels file {chosen.name} in {labels_dir}")
        return [chosen]
    files = [f for f in sorted(labels_dir.glob("*.json")) if f.stem not in SEPARATE_SETS]
    if not files:
        raise LabelError(f"no labels/*.json file in {labels_dir}")
    return files


def load_labels(labels_dir: Path, only: str | None = None) -> Labels:
    """The labels files of one run (see ``labels_files``), merged."""
    positives: list[Label] = []
    negatives: list[Label] = []
    for labels_file in labels_files(labels_dir, only):
        try:
            data = json.loads(labels_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise LabelError(f"{labels_file.name}: cannot read labels: {exc}") from None
        if not isinstance(data, dict):
            raise LabelError(f"{labels_file.name}: expected an object with positives/negatives")
        positives += (_label(e, labels_file.name, "kind") for e in data.get("positives", []))
        negatives += (_label(e, labels_file.name, "why") for e in data.get("negatives", []))
    return Labels(tuple(positives), tuple(negatives))


# --------------------------------------------------------------------------- matching


def in_this_run(path: str, only: str | None) -> bool:
    """Whether a finding is scored by this run: a set's directory belongs to that set."""
    if only is not None:
        return top_level(path) == only
    return top_level(path) not in SEPARATE_SETS


def for_this_run(run: ToolRun, only: str | None) -> ToolRun:
    return replace(run, findings=tuple(f for f in run.findings if in_this_run(f.path, only)))


def score(findings: Iterable[ToolFinding], labels: Labels, category: str) -> Score:
    """Match one tool's findings against the labels of one category."""
    wanted = [p for p in labels.positives if p.category == category]
    by_path: dict[str, list[Label]] = {}
    for positive in wanted:
        by_path.setdefault(positive.path, []).append(positive)
    scope = labels.scope(category)
    found: set[Label] = set()
    spurious: list[ToolFinding] = []
    out_of_scope = 0
    for finding in findings:
        if finding.category != category or finding.suppressed:
            continue
        if top_level(finding.path) not in scope:
            out_of_scope += 1
            continue
        hits = [
            p for p in by_path.get(finding.path, [])
            if finding.line <= p.line <= max(finding.line, finding.end_line)
        ]
        if hits:
            found.update(hits)
        else:
            spurious.append(finding)
    missed = tuple(p for p in wanted if p not in found)
    return Score(category, len(found), len(spurious), len(missed), missed, tuple(spurious),
                 out_of_scope)


def negative_for(finding: ToolFinding, labels: Labels, category: str) -> Label | None:
    """The labeled negative a false positive landed on, if any (within its line range)."""
    last = max(finding.line, finding.end_line)
    for negative in labels.negatives:
        if (negative.category == category and negative.path == finding.path
                and finding.line <= negative.line <= last):
            return negative
    return None


# --------------------------------------------------------------------------- parsers


def normalise_path(raw: str, corpus: Path) -> str:
    """Tools print ``./x``, ``x`` or ``/abs/corpus/x``; labels use ``x`` with ``/``."""
    text = raw.replace("\\", "/")
    candidate = Path(text)
    if candidate.is_absolute():
        try:
            text = candidate.resolve().relative_to(corpus.resolve()).as_posix()
        except ValueError:
            return text
    while text.startswith("./"):
        text = text[2:]
    return text


def parse_tokenward(report: str, corpus: Path) -> tuple[ToolFinding, ...]:
    data = json.loads(report)
    findings = []
    for item in data["findings"]:
        line = int(item["line"])
        suppressed = bool(item.get("suppressed")) or bool(item.get("suppression"))
        findings.append(ToolFinding(
            path=normalise_path(str(item["path"]), corpus),
            line=line,
            end_line=int(item.get("end_line") or line),
            category=str(item["category"]),
            rule=str(item.get("rule_id", "?")),
            suppressed=suppressed,
        ))
    return tuple(findings)


def parse_detect_secrets(report: str, corpus: Path) -> tuple[ToolFinding, ...]:
    data = json.loads(report)
    findings = []
    for filename, results in data.get("results", {}).items():
        for result in results:
            line = int(result["line_number"])
            findings.append(ToolFinding(
                path=normalise_path(str(result.get("filename", filename)), corpus),
                line=line, end_line=line, category=HARDCODED, rule=str(result["type"]),
            ))
    return tuple(findings)


def parse_bandit(report: str, corpus: Path) -> tuple[ToolFinding, ...]:
    data = json.loads(report)
    findings = []
    for result in data.get("results", []):
        category = LINTER_CATEGORIES.get(str(result["test_id"]))
        if category is None:
            continue
        line = int(result["line_number"])
        line_range = [int(n) for n in result.get("line_range") or [line]]
        findings.append(ToolFinding(
            path=normalise_path(str(result["filename"]), corpus),
            line=min([*line_range, line]), end_line=max([*line_range, line]),
            category=category, rule=str(result["test_id"]),
        ))
    return tuple(findings)


def parse_ruff(report: str, corpus: Path) -> tuple[ToolFinding, ...]:
    findings = []
    for result in json.loads(report or "[]"):
        category = LINTER_CATEGORIES.get(str(result.get("code")))
        if category is None:
            continue
        line = int(result["location"]["row"])
        end = int((result.get("end_location") or {}).get("row", line))
        findings.append(ToolFinding(
            path=normalise_path(str(result["filename"]), corpus),
            line=line, end_line=max(line, end), category=category, rule=str(result["code"]),
        ))
    return tuple(findings)


# --------------------------------------------------------------------------- running tools


@dataclass(frozen=True)
class ToolSpec:
    name: str
    categories: frozenset[str]
    command: Callable[[], list[str] | None]  # None: the tool is not installed
    parse: Callable[[str, Path], tuple[ToolFinding, ...]]
    ok_codes: frozenset[int] = field(default_factory=lambda: frozenset({0, 1}))
    env: Callable[[], dict[str, str]] = field(default=lambda: dict(os.environ))


def _which(*argv: str) -> list[str] | None:
    found = shutil.which(argv[0])
    return [found, *argv[1:]] if found else None


def _tokenward_env() -> dict[str, str]:
    env = dict(os.environ)
    if REPO_SRC.is_dir():
        # The checkout's own package wins, so the benchmark measures the code beside it.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_SRC), env.get("PYTHONPATH")]))
    return env


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "tokenward", frozenset(CATEGORY_ORDER),
        lambda: [sys.executable, "-m", "tokenward", "scan", ".", "--format", "json",
                 "--no-cache", "--fail-on", "critical"],
        parse_tokenward, env=_tokenward_env,
    ),
    ToolSpec(
        "detect-secrets", frozenset({HARDCODED}),
        lambda: _which("detect-secrets", "scan", "--all-files"),
        parse_detect_secrets, ok_codes=frozenset({0}),
    ),
    ToolSpec(
        "bandit", frozenset({HARDCODED, WEAK}),
        lambda: _which("bandit", "-r", "-q", "-f", "json", "-t", "B105,B106,B107,B311", "."),
        parse_bandit,
    ),
    ToolSpec(
        "ruff", frozenset({HARDCODED, WEAK}),
        lambda: _which("ruff", "check", "--select", "S105,S106,S107,S311",
                       "--output-format", "json", "--no-cache", "--isolated", "--exit-zero", "."),
        parse_ruff,
    ),
)


def _missing_module(stderr: str) -> bool:
    return "No module named tokenward" in stderr or "No module named 'tokenward'" in stderr


def run_tool(spec: ToolSpec, corpus: Path) -> ToolRun:
    argv = spec.command()
    if argv is None:
        return ToolRun(spec.name, "not installed", spec.categories)
    started = time.perf_counter()
    try:
        proc = subprocess.run(argv, cwd=corpus, env=spec.env(), capture_output=True,
                              text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ToolRun(spec.name, "error", spec.categories, message=str(exc))
    seconds = time.perf_counter() - started
    if spec.name == "tokenward" and _missing_module(proc.stderr):
        return ToolRun(spec.name, "not installed", spec.categories, seconds=seconds)
    if proc.returncode not in spec.ok_codes:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return ToolRun(spec.name, "error", spec.categories, seconds=seconds,
                       message=f"exit code {proc.returncode}: {tail}")
    try:
        findings = spec.parse(proc.stdout, corpus)
    except (ValueError, KeyError, TypeError) as exc:
        return ToolRun(spec.name, "error", spec.categories, seconds=seconds,
                       message=f"unreadable report: {exc}")
    return ToolRun(spec.name, "ok", spec.categories, findings, seconds=seconds)


# --------------------------------------------------------------------------- report


def render_table(runs: Sequence[ToolRun], labels: Labels) -> str:
    lines: list[str] = []
    for run in runs:
        if run.status != "ok":
            detail = f" ({run.message})" if run.message else ""
            lines.append(f"{run.tool}: {run.status}{detail}")
        else:
            lines.append(f"{run.tool}: {len(run.findings)} findings in {run.seconds:.1f} s")
    for category in labels.categories():
        n_pos = sum(1 for p in labels.positives if p.category == category)
        n_neg = sum(1 for n in labels.negatives if n.category == category)
        lines += ["", f"{category}  ({n_pos} positives, {n_neg} labeled negatives)",
                  f"  {'tool':<16}{'TP':>5}{'FP':>5}{'FN':>5}"
                  f"{'precision':>11}{'recall':>8}{'F1':>7}"]
        for run in runs:
            if run.status != "ok":
                lines.append(f"  {run.tool:<16}{run.status:>41}")
            elif category not in run.categories:
                lines.append(f"  {run.tool:<16}{'(category not covered)':>41}")
            else:
                s = score(run.findings, labels, category)
                lines.append(
                    f"  {run.tool:<16}{s.true_positives:>5}{s.false_positives:>5}"
                    f"{s.false_negatives:>5}{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>7.3f}"
                    + (f"  ({s.out_of_scope} out of scope)" if s.out_of_scope else "")
                )
    return "\n".join(lines)


def render_details(run: ToolRun, labels: Labels) -> str:
    if run.status != "ok":
        return ""
    lines = [f"== {run.tool}"]
    for category in labels.categories():
        if category not in run.categories:
            continue
        s = score(run.findings, labels, category)
        lines.append(f"-- {category}: false negatives ({len(s.missed)})")
        lines += (f"   {p.path}:{p.line}  {p.note}" for p in s.missed)
        lines.append(f"-- {category}: false positives ({len(s.spurious)}), "
                     f"out of scope: {s.out_of_scope}")
        for f in s.spurious:
            negative = negative_for(f, labels, category)
            why = f"labeled negative: {negative.note}" if negative else "unlabeled line"
            lines.append(f"   {f.path}:{f.line}  [{f.rule}]  {why}")
    return "\n".join(lines)


def metrics_json(runs: Sequence[ToolRun], labels: Labels) -> dict[str, object]:
    out: dict[str, object] = {}
    for run in runs:
        entry: dict[str, object] = {"status": run.status, "message": run.message}
        if run.status == "ok":
            entry["categories"] = {
                c: {"tp": s.true_positives, "fp": s.false_positives, "fn": s.false_negatives,
                    "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4), "out_of_scope": s.out_of_scope}
                for c in labels.categories() if c in run.categories
                for s in [score(run.findings, labels, c)]
            }
        out[run.tool] = entry
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS,
                        help="directory of labels/*.json files")
    parser.add_argument("--set", dest="label_set", metavar="NAME",
                        help="score only labels/NAME.json and corpus/NAME/ "
                             f"(the independent sets: {', '.join(sorted(SEPARATE_SETS))})")
    parser.add_argument("--tools", default=",".join(t.name for t in TOOLS),
                        help="comma-separated tools to run (default: all)")
    parser.add_argument("--details", action="store_true",
                        help="list every false negative and false positive per tool")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write the figures as JSON to FILE")
    args = parser.parse_args(argv)

    wanted = [name.strip() for name in args.tools.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {t.name for t in TOOLS})
    if unknown:
        print(f"error: unknown tool(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"error: corpus directory not found: {args.corpus}", file=sys.stderr)
        return 2
    try:
        labels = load_labels(args.labels, args.label_set)
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    runs = [for_this_run(run_tool(spec, args.corpus), args.label_set)
            for spec in TOOLS if spec.name in wanted]
    print(render_table(runs, labels))
    if args.details:
        for run in runs:
            text = render_details(run, labels)
            if text:
                print("\n" + text)
    if args.json:
        args.json.write_text(json.dumps(metrics_json(runs, labels), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
