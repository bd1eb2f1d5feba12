"""Scan the real-world trees with this checkout's tokenward and score it against the labels.

    python3 benchmarks/realworld/run.py [--dest DIR] [--tree NAME ...] [--details] [--json]

Each present tree (see fetch.py) is scanned with the default policy:
`python -m tokenward scan . --format json --no-cache --fail-on critical`, the tree as the
working directory (paths are tree-relative) and this checkout's `src/` first on PYTHONPATH.
The report: findings per tree; precision by rule and by context on the labelled findings
(labels/*.json, keyed by tree, path, line and rule id); the share of findings in test code;
recall on the flaws of flaws.json; and every finding that has no label yet.

Exit code: 0 after a run (whatever the figures), 1 when a scan failed, 2 on a usage or
data error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    DEFAULT_DEST,
    FLAWS_FILE,
    HERE,
    LABELS_DIR,
    DataError,
    Tree,
    load_json,
    load_trees,
)

REPO_SRC = HERE.parents[1] / "src"
TARGET_PRECISION = 0.85
TARGET_RULE_PRECISION = 0.7
RULE_TARGET_MIN_FINDINGS = 10
TARGET_RECALL = 0.85
TARGET_TEST_SHARE = 0.05
# Findings in these contexts count as "in test code" for the test-share target.
TEST_CODE = frozenset({"test", "fixture"})


# --- where a line lives ------------------------------------------------------------------

_CONTEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (context, re.compile(pattern, re.IGNORECASE))
    for context, pattern in (
        ("i18n", r"(^|/)(locale|locales|i18n|lang|langs|translations)/"
                 r"|\.(po|pot|mo)$"),
        ("fixture", r"(^|/)(fixtures?|cassettes?|testdata|test_data|test-data|recordings?"
                    r"|replay_?data|snapshots)/|\.(har|yaml\.cassette)$"),
        ("minified", r"\.min\.(js|css)$|[.-]bundle\.js$"),
        ("vendored", r"(^|/)(vendor|vendored|third_party|thirdparty|node_modules|static/lib"
                     r"|static/vendor)/"),
        ("generated", r"(^|/)(generated|_generated|gen)/|_pb2(_grpc)?\.pyi?$"),
        ("test", r"(^|/)(tests?|testing|test_utils|e2e)/|(^|/)conftest\.py$"
                 r"|(^|/)test_[^/]*$|_tests?\.py$|(^|/)tests\.py$"),
        ("example", r"(^|/)(examples?|samples?|demos?|snippets|sandbox)/"
                    r"|\.(example|sample|dist|template)$|(^|/)\.env\.[^/]*example"),
        ("docs", r"(^|/)(docs?|documentation|site)/"
                 r"|\.(md|rst|txt|adoc)$|(^|/)(readme|changelog|changes|history)[^/]*$"),
    )
)


def context_of(path: str) -> str:
    """The context of a tree-relative path, from the path alone (first rule that matches).

    Used until findings carry their own ``context`` field; ``finding_context`` prefers it.
    """
    for context, pattern in _CONTEXT_RULES:
        if pattern.search(path):
            return context
    return "production"


# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    tree: str
    path: str
    line: int
    end_line: int
    rule: str
    category: str
    message: str
    context: str


@dataclass(frozen=True)
class Label:
    tree: str
    path: str
    line: int
    rule: str
    verdict: str
    reason: str


@dataclass(frozen=True)
class Flaw:
    tree: str
    path: str
    line: int
    category: str
    description: str


@dataclass(frozen=True)
class LabelFile:
    """One labels/<tree>.json: the labels, the sampling note and the findings not sampled."""

    tree: str
    sampling: str
    labels: tuple[Label, ...]
    unsampled: frozenset[tuple[str, int, str]]


@dataclass(frozen=True)
class Tally:
    findings: int = 0
    tp: int = 0
    fp: int = 0
    debatable: int = 0

    @property
    def labelled(self) -> int:
        return self.tp + self.fp + self.debatable

    @property
    def precision(self) -> float | None:
        judged = self.tp + self.fp
        return self.tp / judged if judged else None

    def add(self, verdict: str | None) -> Tally:
        return Tally(
            self.findings + 1,
            self.tp + (verdict == "TP"),
            self.fp + (verdict == "FP"),
            self.debatable + (verdict == "debatable"),
        )


def load_label_files(folder: Path = LABELS_DIR) -> list[LabelFile]:
    files = []
    for path in sorted(folder.glob("*.json")):
        data = load_json(path)
        try:
            tree = data["tree"]
            labels = tuple(
                Label(tree, e["path"], int(e["line"]), e["rule"], e["verdict"], e["reason"])
                for e in data["labels"]
            )
            unsampled = frozenset((p, int(n), r) for p, n, r in data.get("unsampled", []))
            sampling = data["sampling"]["method"]
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{path}: not a label file ({exc!r})") from exc
        files.append(LabelFile(tree, sampling, labels, unsampled))
    return files


def load_flaws(path: Path = FLAWS_FILE) -> list[Flaw]:
    if not path.exists():
        return []
    try:
        return [
            Flaw(e["tree"], e["path"], int(e["line"]), e["category"], e["description"])
            for e in load_json(path)["flaws"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{path}: not a flaws file ({exc!r})") from exc


# --- scanning ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeScan:
    tree: Tree
    findings: tuple[Finding, ...]
    files: int
    seconds: float
    error: str = ""


def scan(tree: Tree, dest: Path) -> TreeScan:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO_SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    command = [sys.executable, "-m", "tokenward", "scan", ".", "--format", "json",
               "--no-cache", "--no-progress", "--fail-on", "critical"]
    start = time.monotonic()
    done = subprocess.run(command, cwd=tree.folder(dest), env=env, capture_output=True,
                          text=True, check=False)
    seconds = time.monotonic() - start
    if done.returncode not in (0, 1):
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return TreeScan(tree, (), 0, seconds, last)
    try:
        report = json.loads(done.stdout)
        findings = tuple(
            _finding(tree.name, raw) for raw in report["findings"]
            if not raw.get("suppressed") and not raw.get("suppression")
        )
        files = int(report["summary"]["files_scanned"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        return TreeScan(tree, (), 0, seconds, f"unreadable report: {exc!r}")
    return TreeScan(tree, findings, files, seconds)


def _finding(tree: str, raw: dict[str, Any]) -> Finding:
    path = raw["path"]
    return Finding(
        tree, path, int(raw["line"]), int(raw.get("end_line") or raw["line"]),
        raw["rule_id"], raw["category"], raw.get("message", ""),
        raw.get("context") or context_of(path),
    )


# --- scoring -------------------------------------------------------------------------------


class LabelIndex:
    """Labels by (tree, path, rule); a label matches a finding whose span holds its line."""

    def __init__(self, files: Iterable[LabelFile]) -> None:
        self.files = {f.tree: f for f in files}
        self._by_key: dict[tuple[str, str, str], list[Label]] = defaultdict(list)
        for label_file in self.files.values():
            for label in label_file.labels:
                self._by_key[(label.tree, label.path, label.rule)].append(label)
        self.used: set[Label] = set()

    def match(self, finding: Finding) -> Label | None:
        candidates = self._by_key.get((finding.tree, finding.path, finding.rule), [])
        exact = [c for c in candidates if c.line == finding.line]
        within = [c for c in candidates if finding.line <= c.line <= finding.end_line]
        label = (exact or within or [None])[0]
        if label is not None:
            self.used.add(label)
        return label

    def not_sampled(self, finding: Finding) -> bool:
        label_file = self.files.get(finding.tree)
        return label_file is not None and (
            (finding.path, finding.line, finding.rule) in label_file.unsampled
        )

    def stale(self, trees: set[str]) -> list[Label]:
        """Labels of scanned trees that no finding matches any more."""
        return [label for f in self.files.values() if f.tree in trees
                for label in f.labels if label not in self.used]


@dataclass(frozen=True)
class Judged:
    finding: Finding
    label: Label | None
    not_sampled: bool


def judge(findings: Iterable[Finding], index: LabelIndex) -> list[Judged]:
    judged = []
    for finding in findings:
        label = index.match(finding)
        judged.append(Judged(finding, label, label is None and index.not_sampled(finding)))
    return judged


def tally(judged: Iterable[Judged], key: Any) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in judged:
        name = key(item.finding)
        tallies[name] = tallies[name].add(item.label.verdict if item.label else None)
    return dict(sorted(tallies.items()))


def flaw_found(flaw: Flaw, findings: Iterable[Finding]) -> bool:
    return any(
        f.tree == flaw.tree and f.path == flaw.path and f.category == flaw.category
        and f.line <= flaw.line <= f.end_line
        for f in findings
    )


# --- reporting -----------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def verdict_mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def summary(scans: list[TreeScan], judged: list[Judged], flaws: list[Flaw],
            index: LabelIndex) -> dict[str, Any]:
    findings = [j.finding for j in judged]
    overall = tally(judged, lambda f: "all").get("all", Tally())
    by_rule = tally(judged, lambda f: f.rule)
    by_context = tally(judged, lambda f: f.context)
    by_tree = tally(judged, lambda f: f.tree)
    in_test = sum(1 for f in findings if f.context in TEST_CODE)
    present = {s.tree.name for s in scans if not s.error}
    scored_flaws = [flaw for flaw in flaws if flaw.tree in present]
    found = [flaw for flaw in scored_flaws if flaw_found(flaw, findings)]
    recall = len(found) / len(scored_flaws) if scored_flaws else None
    rules_under = [rule for rule, t in by_rule.items()
                   if t.findings >= RULE_TARGET_MIN_FINDINGS
                   and (t.precision is None or t.precision < TARGET_RULE_PRECISION)]
    test_share = in_test / len(findings) if findings else 0.0
    return {
        "trees": {s.tree.name: {"kind": s.tree.kind, "files": s.files, "seconds": round(s.seconds, 1),
                                "error": s.error, **_tally_json(by_tree.get(s.tree.name, Tally())),
                                "sampling": _sampling(index, s.tree.name),
                                "new_unlabelled": sum(1 for j in judged if j.finding.tree == s.tree.name
                                                      and j.label is None and not j.not_sampled)}
                  for s in scans},
        "overall": _tally_json(overall),
        "weighted_precision": weighted_precision(by_tree),
        "by_rule": {rule: _tally_json(t) for rule, t in by_rule.items()},
        "by_context": {ctx: _tally_json(t) for ctx, t in by_context.items()},
        "test_code": {"findings": in_test, "share": round(test_share, 4)},
        "recall": {"flaws": len(scored_flaws), "found": len(found),
                   "recall": None if recall is None else round(recall, 4),
                   "by_category": _recall_by_category(scored_flaws, found)},
        "targets": {
            "precision_overall": overall.precision is not None
            and overall.precision >= TARGET_PRECISION,
            "precision_every_rule_with_10_findings": not rules_under,
            "recall_flaws": recall is not None and recall >= TARGET_RECALL,
            "test_code_share": test_share < TARGET_TEST_SHARE,
        },
        "rules_under_target": rules_under,
        "stale_labels": len(index.stale(present)),
    }


def _tally_json(t: Tally) -> dict[str, Any]:
    p = t.precision
    return {"findings": t.findings, "labelled": t.labelled, "tp": t.tp, "fp": t.fp,
            "debatable": t.debatable, "precision": None if p is None else round(p, 4)}


def _sampling(index: LabelIndex, tree: str) -> str:
    label_file = index.files.get(tree)
    return label_file.sampling if label_file else "no labels"


def weighted_precision(by_tree: dict[str, Tally]) -> float | None:
    """Each tree's sample precision weighted by its number of findings (sampled trees count
    for their whole population, not only for the 30 or so labelled)."""
    weighted = [(t.precision, t.findings) for t in by_tree.values() if t.precision is not None]
    total = sum(n for _, n in weighted)
    return round(sum(p * n for p, n in weighted) / total, 4) if total else None


def _recall_by_category(flaws: list[Flaw], found: list[Flaw]) -> dict[str, list[int]]:
    wanted = Counter(f.category for f in flaws)
    hit = Counter(f.category for f in found)
    return {cat: [hit[cat], wanted[cat]] for cat in sorted(wanted)}


def print_report(data: dict[str, Any], judged: list[Judged], flaws: list[Flaw],
                 index: LabelIndex, details: bool) -> None:
    out = print
    out("Findings per tree (default policy; precision = TP / (TP + FP) on the labelled findings)")
    out(f"  {'tree':30} {'kind':10} {'files':>6} {'finds':>6} {'label':>6} {'TP':>4} {'FP':>4}"
        f" {'deb':>4} {'prec':>5} {'new':>4}  sampling")
    for name, t in data["trees"].items():
        if t["error"]:
            out(f"  {name:30} {t['kind']:10} ERROR: {t['error']}")
            continue
        out(f"  {name:30} {t['kind']:10} {t['files']:6} {t['findings']:6} {t['labelled']:6}"
            f" {t['tp']:4} {t['fp']:4} {t['debatable']:4} {fmt(t['precision']):>5}"
            f" {t['new_unlabelled']:4}  {t['sampling']}")
    o = data["overall"]
    out("")
    out(f"Overall: {o['findings']} findings, {o['labelled']} labelled "
        f"({o['tp']} TP, {o['fp']} FP, {o['debatable']} debatable; debatable left out of precision)")
    out(f"  precision on the labelled findings  {fmt(o['precision'])}   target >= "
        f"{TARGET_PRECISION}  {verdict_mark(data['targets']['precision_overall'])}")
    out(f"  precision weighted by tree size     {fmt(data['weighted_precision'])}"
        "   (each tree's sample precision x its findings)")
    _print_tallies("By rule", data["by_rule"], rule_target=True)
    _print_tallies("By context (from the finding, else from the path)", data["by_context"])
    tc = data["test_code"]
    out("")
    out(f"Findings in test code (test + fixture): {tc['findings']} of {o['findings']} = "
        f"{tc['share']:.1%}   target < {TARGET_TEST_SHARE:.0%}  "
        f"{verdict_mark(data['targets']['test_code_share'])}")
    r = data["recall"]
    out(f"Recall on the flaws: {r['found']} of {r['flaws']} = {fmt(r['recall'])}   target >= "
        f"{TARGET_RECALL}  {verdict_mark(data['targets']['recall_flaws'])}")
    for cat, (hit, wanted) in r["by_category"].items():
        out(f"  {cat:22} {hit:3} of {wanted:3}")
    out(f"Every rule with {RULE_TARGET_MIN_FINDINGS}+ findings at precision >= "
        f"{TARGET_RULE_PRECISION}: {verdict_mark(data['targets']['precision_every_rule_with_10_findings'])}"
        + (f" (under: {', '.join(data['rules_under_target'])})" if data["rules_under_target"] else ""))
    if details:
        _print_details(judged, flaws, index)
    new = [j.finding for j in judged if j.label is None and not j.not_sampled]
    out("")
    out(f"New and unlabelled: {len(new)} finding(s)"
        + (" (label them in labels/<tree>.json; see README.md)" if new else ""))
    for f in new:
        out(f"  {f.tree}  {f.path}:{f.line}  {f.rule} [{f.context}]  {f.message}")


def _print_tallies(title: str, tallies: dict[str, dict[str, Any]], rule_target: bool = False) -> None:
    print("")
    print(title)
    print(f"  {'':28} {'finds':>6} {'label':>6} {'TP':>4} {'FP':>4} {'deb':>4} {'prec':>5}")
    for name, t in tallies.items():
        note = ""
        if rule_target and t["findings"] >= RULE_TARGET_MIN_FINDINGS:
            ok = t["precision"] is not None and t["precision"] >= TARGET_RULE_PRECISION
            note = f"  target >= {TARGET_RULE_PRECISION}  {verdict_mark(ok)}"
        print(f"  {name:28} {t['findings']:6} {t['labelled']:6} {t['tp']:4} {t['fp']:4}"
              f" {t['debatable']:4} {fmt(t['precision']):>5}{note}")


def _print_details(judged: list[Judged], flaws: list[Flaw], index: LabelIndex) -> None:
    print("")
    print("False positives (labelled FP):")
    for j in judged:
        if j.label and j.label.verdict == "FP":
            f = j.finding
            print(f"  {f.tree}  {f.path}:{f.line}  {f.rule} [{f.context}]  {j.label.reason}")
    print("")
    print("Debatable:")
    for j in judged:
        if j.label and j.label.verdict == "debatable":
            f = j.finding
            print(f"  {f.tree}  {f.path}:{f.line}  {f.rule} [{f.context}]  {j.label.reason}")
    findings = [j.finding for j in judged]
    present = {f.tree for f in findings} | set(index.files)
    print("")
    print("False negatives (flaws no finding matches):")
    for flaw in flaws:
        if flaw.tree in present and not flaw_found(flaw, findings):
            print(f"  {flaw.tree}  {flaw.path}:{flaw.line}  {flaw.category}  {flaw.description}")
    print("")
    print("Stale labels (no finding now; a TP here is a lost true positive):")
    for label in index.stale({j.finding.tree for j in judged}):
        print(f"  {label.tree}  {label.path}:{label.line}  {label.rule}  {label.verdict}  {label.reason}")


def write_findings(path: Path, judged: list[Judged]) -> None:
    rows = [{**vars(j.finding), "verdict": j.label.verdict if j.label else None,
             "not_sampled": j.not_sampled} for j in judged]
    path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


# --- main ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="where fetch.py put the trees")
    parser.add_argument("--tree", action="append", default=[], help="only this tree (repeatable)")
    parser.add_argument("--details", action="store_true", help="every FP, debatable, FN, stale label")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    parser.add_argument("--findings-out", type=Path, metavar="FILE",
                        help="also write every finding with its label (if any) as JSON, to label from")
    args = parser.parse_args(argv)
    try:
        trees = load_trees()
        unknown = sorted(set(args.tree) - {t.name for t in trees})
        if unknown:
            raise DataError(f"unknown tree(s): {', '.join(unknown)} (see trees.toml)")
        index = LabelIndex(load_label_files())
        flaws = load_flaws()
    except DataError as exc:
        print(f"run: error: {exc}", file=sys.stderr)
        return 2
    selected = [t for t in trees if not args.tree or t.name in args.tree]
    absent = [t.name for t in selected if not t.is_present(args.dest)]
    if absent:
        print(f"not present (run fetch.py): {', '.join(absent)}", file=sys.stderr)
    scans = []
    for tree in selected:
        if tree.name in absent:
            continue
        print(f"scanning {tree.name} ...", file=sys.stderr)
        scans.append(scan(tree, args.dest))
    judged = judge((f for s in scans for f in s.findings), index)
    data = summary(scans, judged, [f for f in flaws if f.tree in {s.tree.name for s in scans}], index)
    if args.findings_out:
        write_findings(args.findings_out, judged)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print_report(data, judged, flaws, index, args.details)
    return 1 if any(s.error for s in scans) else 0


if __name__ == "__main__":
    sys.exit(main())
