"""Scan the real-world trees with this checkout's tokenward and score it against the labels.

    python3 benchmarks/realworld/run.py [--dest DIR] [--tree NAME ...] [--jobs N]
                                        [--details] [--json] [--findings-out FILE]

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
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
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
    select,
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

# First match wins: a fixture under tests/ is a fixture, an example under docs/ an example.
_CONTEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (context, re.compile(pattern, re.IGNORECASE))
    for context, pattern in (
        ("i18n", r"(^|/)(locale|locales|i18n|lang|langs|translations)/|\.(po|pot|mo)$"),
        ("fixture", r"(^|/)(fixtures?|cassettes?|testdata|test_data|test-data|recordings?"
                    r"|replay_?data)/|(^|/)tests?/(.*/)?(data|resources)/|\.har$"),
        ("minified", r"\.min\.(js|css)$|[.-]bundle\.js$"),
        ("vendored", r"(^|/)(vendor|vendored|third_party|thirdparty|node_modules)/"),
        ("generated", r"(^|/)(generated|_generated)/|_pb2(_grpc)?\.pyi?$"),
        ("test", r"(^|/)(tests?|testing|e2e)/|(^|/)conftest\.py$|(^|/)test_[^/]*$"
                 r"|_tests?\.py$|(^|/)tests\.py$"),
        ("example", r"(^|/)(examples?|samples?|demos?|snippets)/"
                    r"|\.(example|sample|dist|template)$|(^|/)\.env\.[^/]*example"),
        ("docs", r"(^|/)(docs?|documentation)/|\.(md|rst|txt|adoc)$"
                 r"|(^|/)(readme|changelog|changes|history)[^/]*$"),
    )
)


def context_of(path: str) -> str:
    """The context of a tree-relative path, judged from the path alone.

    Used until findings carry their own ``context`` field (``_finding`` prefers that).
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
    """labels/<tree>.json: its labels, how they were chosen, and the findings left out."""

    tree: str
    sampling: str
    labels: tuple[Label, ...]
    unsampled: frozenset[tuple[str, int, str]] = frozenset()


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
    """One tree through tokenward's CLI, as a user would run it (suppressed findings out)."""
    path = os.pathsep.join(filter(None, [str(REPO_SRC), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "tokenward", "scan", ".", "--format", "json",
               "--no-cache", "--no-progress", "--fail-on", "critical"]
    start = time.monotonic()
    done = subprocess.run(command, cwd=tree.folder(dest), env={**os.environ, "PYTHONPATH": path},
                          capture_output=True, text=True, check=False)
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


def scan_all(trees: Sequence[Tree], dest: Path, jobs: int) -> list[TreeScan]:
    """Scan several trees at once (each scan is mostly one process), results in tree order."""
    def one(tree: Tree) -> TreeScan:
        print(f"scanning {tree.name} ...", file=sys.stderr)
        return scan(tree, dest)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, trees))


# --- scoring -------------------------------------------------------------------------------


class LabelIndex:
    """Labels by (tree, path, rule): a label matches the finding that starts on its line, or
    failing that one whose [line, end_line] holds it (so a span change keeps its label)."""

    def __init__(self, files: Iterable[LabelFile]) -> None:
        self.files = {f.tree: f for f in files}
        self._by_key: dict[tuple[str, str, str], list[Label]] = defaultdict(list)
        for label_file in self.files.values():
            for label in label_file.labels:
                self._by_key[(label.tree, label.path, label.rule)].append(label)

    def match(self, finding: Finding) -> Label | None:
        candidates = self._by_key.get((finding.tree, finding.path, finding.rule), [])
        exact = [c for c in candidates if c.line == finding.line]
        within = [c for c in candidates if finding.line <= c.line <= finding.end_line]
        return next(iter(exact or within), None)

    def not_sampled(self, finding: Finding) -> bool:
        """A finding that existed when its tree was sampled and was left out on purpose."""
        label_file = self.files.get(finding.tree)
        return label_file is not None and (
            (finding.path, finding.line, finding.rule) in label_file.unsampled
        )

    def sampling(self, tree: str) -> str:
        label_file = self.files.get(tree)
        return label_file.sampling if label_file else "no labels"

    def labels_of(self, trees: Iterable[str]) -> list[Label]:
        return [label for tree in trees if tree in self.files
                for label in self.files[tree].labels]


@dataclass(frozen=True)
class Judged:
    finding: Finding
    label: Label | None
    not_sampled: bool = False

    @property
    def verdict(self) -> str | None:
        return self.label.verdict if self.label else None

    @property
    def is_new(self) -> bool:
        return self.label is None and not self.not_sampled


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
        return Tally(self.findings + 1, self.tp + (verdict == "TP"),
                     self.fp + (verdict == "FP"), self.debatable + (verdict == "debatable"))

    def as_json(self) -> dict[str, Any]:
        p = self.precision
        return {"findings": self.findings, "labelled": self.labelled, "tp": self.tp,
                "fp": self.fp, "debatable": self.debatable,
                "precision": None if p is None else round(p, 4)}


def tally(judged: Iterable[Judged], key: Callable[[Finding], str]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in judged:
        name = key(item.finding)
        tallies[name] = tallies[name].add(item.verdict)
    return dict(sorted(tallies.items()))


def flaw_found(flaw: Flaw, findings: Iterable[Finding]) -> bool:
    """Same tree, path and category, and the flaw's line within the finding's span."""
    return any(
        f.tree == flaw.tree and f.path == flaw.path and f.category == flaw.category
        and f.line <= flaw.line <= f.end_line
        for f in findings
    )


@dataclass(frozen=True)
class Evaluation:
    """Everything the report shows, computed once from the scans, labels and flaws."""

    scans: tuple[TreeScan, ...]
    judged: tuple[Judged, ...]
    flaws: tuple[Flaw, ...]  # the flaws of the trees that were scanned
    found: frozenset[Flaw]
    stale: tuple[Label, ...]  # labels that no finding matches any more
    sampling: dict[str, str] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return [j.finding for j in self.judged]

    @property
    def recall(self) -> float | None:
        return len(self.found) / len(self.flaws) if self.flaws else None

    @property
    def test_share(self) -> float:
        findings = self.findings
        in_test = sum(1 for f in findings if f.context in TEST_CODE)
        return in_test / len(findings) if findings else 0.0


def evaluate(scans: Sequence[TreeScan], index: LabelIndex, flaws: Sequence[Flaw]) -> Evaluation:
    judged = []
    for finding in (f for s in scans for f in s.findings):
        label = index.match(finding)
        judged.append(Judged(finding, label, label is None and index.not_sampled(finding)))
    scanned = {s.tree.name for s in scans if not s.error}
    findings = [j.finding for j in judged]
    relevant = tuple(flaw for flaw in flaws if flaw.tree in scanned)
    used = {j.label for j in judged if j.label}
    return Evaluation(
        scans=tuple(scans),
        judged=tuple(judged),
        flaws=relevant,
        found=frozenset(flaw for flaw in relevant if flaw_found(flaw, findings)),
        stale=tuple(label for label in index.labels_of(sorted(scanned)) if label not in used),
        sampling={s.tree.name: index.sampling(s.tree.name) if s.findings or s.tree.name
                  in index.files else "nothing to label" for s in scans},
    )


def weighted_precision(by_tree: dict[str, Tally]) -> float | None:
    """Each tree's precision weighted by its number of findings, so that a sampled tree counts
    for its whole population and not only for the findings labelled."""
    weighted = [(t.precision, t.findings) for t in by_tree.values() if t.precision is not None]
    total = sum(n for _, n in weighted)
    return sum(p * n for p, n in weighted) / total if total else None


def summary(ev: Evaluation) -> dict[str, Any]:
    """The machine-readable figures (what --json prints)."""
    overall = tally(ev.judged, lambda f: "all").get("all", Tally())
    by_rule = tally(ev.judged, lambda f: f.rule)
    by_tree = tally(ev.judged, lambda f: f.tree)
    rules_under = [rule for rule, t in by_rule.items()
                   if t.findings >= RULE_TARGET_MIN_FINDINGS
                   and (t.precision is None or t.precision < TARGET_RULE_PRECISION)]
    wanted = Counter(f.category for f in ev.flaws)
    hit = Counter(f.category for f in ev.found)
    weighted = weighted_precision(by_tree)
    return {
        "trees": {
            s.tree.name: {
                "kind": s.tree.kind, "files": s.files, "seconds": round(s.seconds, 1),
                "error": s.error, "sampling": ev.sampling[s.tree.name],
                "new_unlabelled": sum(1 for j in ev.judged
                                      if j.finding.tree == s.tree.name and j.is_new),
                **by_tree.get(s.tree.name, Tally()).as_json(),
            }
            for s in ev.scans
        },
        "overall": overall.as_json(),
        "weighted_precision": None if weighted is None else round(weighted, 4),
        "by_rule": {rule: t.as_json() for rule, t in by_rule.items()},
        "by_context": {c: t.as_json() for c, t in tally(ev.judged, lambda f: f.context).items()},
        "test_code": {"contexts": sorted(TEST_CODE),
                      "findings": sum(1 for f in ev.findings if f.context in TEST_CODE),
                      "share": round(ev.test_share, 4)},
        "recall": {"flaws": len(ev.flaws), "found": len(ev.found),
                   "recall": None if ev.recall is None else round(ev.recall, 4),
                   "by_category": {c: {"found": hit[c], "flaws": wanted[c]}
                                   for c in sorted(wanted)}},
        "new_unlabelled": sum(1 for j in ev.judged if j.is_new),
        "stale_labels": len(ev.stale),
        "rules_under_target": rules_under,
        "targets": {
            "precision_overall": overall.precision is not None
            and overall.precision >= TARGET_PRECISION,
            "precision_every_rule_with_10_findings": not rules_under,
            "recall_flaws": ev.recall is not None and ev.recall >= TARGET_RECALL,
            "test_code_share": ev.test_share < TARGET_TEST_SHARE,
        },
    }


# --- the text report -----------------------------------------------------------------------


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_report(ev: Evaluation, data: dict[str, Any], details: bool) -> None:
    targets = data["targets"]
    print("Findings per tree (default policy; precision = TP / (TP + FP) on labelled findings)")
    print(f"  {'tree':28} {'kind':10} {'files':>5} {'finds':>5} {'label':>5} {'TP':>4} {'FP':>4}"
          f" {'deb':>4} {'prec':>5} {'new':>4}  sampling")
    for name, t in data["trees"].items():
        if t["error"]:
            print(f"  {name:28} {t['kind']:10} ERROR: {t['error']}")
            continue
        print(f"  {name:28} {t['kind']:10} {t['files']:5} {t['findings']:5} {t['labelled']:5}"
              f" {t['tp']:4} {t['fp']:4} {t['debatable']:4} {fmt(t['precision']):>5}"
              f" {t['new_unlabelled']:4}  {t['sampling']}")
    o = data["overall"]
    print(f"\nOverall: {o['findings']} findings, {o['labelled']} labelled ({o['tp']} TP, "
          f"{o['fp']} FP, {o['debatable']} debatable; debatable ones are left out of precision)")
    print(f"  precision on the labelled findings  {fmt(o['precision']):>5}   target >= "
          f"{TARGET_PRECISION}  {mark(targets['precision_overall'])}")
    print(f"  precision weighted by tree          {fmt(data['weighted_precision']):>5}"
          "   (each tree's precision x its number of findings)")
    _print_tallies("By rule", data["by_rule"], rule_target=True)
    _print_tallies("By context (the finding's own, else judged from its path)", data["by_context"])
    tc = data["test_code"]
    print(f"\nFindings in test code ({' + '.join(tc['contexts'])}): {tc['findings']} of "
          f"{o['findings']} = {tc['share']:.1%}   target < {TARGET_TEST_SHARE:.0%}  "
          f"{mark(targets['test_code_share'])}")
    r = data["recall"]
    print(f"Recall on the flaws: {r['found']} of {r['flaws']} = {fmt(r['recall'])}   "
          f"target >= {TARGET_RECALL}  {mark(targets['recall_flaws'])}")
    for category, c in r["by_category"].items():
        print(f"  {category:22} {c['found']:3} of {c['flaws']:3}")
    under = data["rules_under_target"]
    print(f"Every rule with {RULE_TARGET_MIN_FINDINGS}+ findings at precision >= "
          f"{TARGET_RULE_PRECISION}: {mark(not under)}"
          + (f" (under: {', '.join(under)})" if under else ""))
    if details:
        _print_details(ev)
    new = [j.finding for j in ev.judged if j.is_new]
    print(f"\nNew and unlabelled: {len(new)} finding(s)"
          + (" (label them in labels/<tree>.json: see README.md)" if new else ""))
    for f in new:
        print(f"  {f.tree}  {f.path}:{f.line}  {f.rule} [{f.context}]  {f.message}")


def _print_tallies(
    title: str, tallies: dict[str, dict[str, Any]], rule_target: bool = False
) -> None:
    print(f"\n{title}")
    print(f"  {'':22} {'finds':>5} {'label':>5} {'TP':>4} {'FP':>4} {'deb':>4} {'prec':>5}")
    for name, t in tallies.items():
        note = ""
        if rule_target and t["findings"] >= RULE_TARGET_MIN_FINDINGS:
            ok = t["precision"] is not None and t["precision"] >= TARGET_RULE_PRECISION
            note = f"   target >= {TARGET_RULE_PRECISION}  {mark(ok)}"
        print(f"  {name:22} {t['findings']:5} {t['labelled']:5} {t['tp']:4} {t['fp']:4}"
              f" {t['debatable']:4} {fmt(t['precision']):>5}{note}")


def _print_details(ev: Evaluation) -> None:
    for title, verdict in (("False positives (labelled FP)", "FP"), ("Debatable", "debatable")):
        print(f"\n{title}:")
        for j in ev.judged:
            if j.verdict == verdict and j.label:
                f = j.finding
                print(f"  {f.tree}  {f.path}:{f.line}  {f.rule} [{f.context}]  {j.label.reason}")
    print("\nFalse negatives (flaws that no finding matches):")
    for flaw in ev.flaws:
        if flaw not in ev.found:
            print(f"  {flaw.tree}  {flaw.path}:{flaw.line}  {flaw.category}  {flaw.description}")
    print("\nStale labels (no finding now: a TP here is a true positive lost):")
    for label in ev.stale:
        print(f"  {label.tree}  {label.path}:{label.line}  {label.rule}  {label.verdict}"
              f"  {label.reason}")


def write_findings(path: Path, ev: Evaluation) -> None:
    """Every finding with its verdict, as JSON: the starting point for labelling."""
    rows = [{**asdict(j.finding), "verdict": j.verdict, "not_sampled": j.not_sampled}
            for j in ev.judged]
    path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


# --- main ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST,
                        help="where fetch.py put the trees (default: %(default)s)")
    parser.add_argument("--tree", action="append", default=[], help="only this tree (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="trees scanned at once (default: 2)")
    parser.add_argument("--details", action="store_true",
                        help="also list every FP, debatable finding, missed flaw and stale label")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead")
    parser.add_argument("--findings-out", type=Path, metavar="FILE",
                        help="also write every finding with its verdict as JSON (to label from)")
    args = parser.parse_args(argv)
    try:
        selected = select(load_trees(), args.tree)
        index = LabelIndex(load_label_files())
        flaws = load_flaws()
    except DataError as exc:
        print(f"run: error: {exc}", file=sys.stderr)
        return 2
    absent = [t.name for t in selected if not t.is_present(args.dest)]
    if absent:
        print(f"not present, left out (run fetch.py): {', '.join(absent)}", file=sys.stderr)
    present = [t for t in selected if t.name not in absent]
    ev = evaluate(scan_all(present, args.dest, args.jobs), index, flaws)
    data = summary(ev)
    if args.findings_out:
        write_findings(args.findings_out, ev)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print_report(ev, data, args.details)
    return 1 if any(s.error for s in ev.scans) else 0


if __name__ == "__main__":
    sys.exit(main())
