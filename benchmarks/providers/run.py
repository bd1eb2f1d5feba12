"""Measure tokenward on other scanners' own labelled samples (issue 13's peer benchmark).

The samples are read from local mirrors of three public repositories, for measuring only:
nothing of them is committed, and the catalogue is never tuned to them (a miss is fixed
only when the provider's own documentation supports the change).

- gitleaks: ``cmd/generate/config/rules/*.go``, the literal true positives (``tps``) and
  false positives (``fps``) of each rule (samples that gitleaks builds at run time from a
  regex are skipped and counted);
- Semgrep: the test files of ``generic/secrets/`` (``ruleid:`` marks a positive starting
  on the next line and running to the next mark or blank line, ``ok:`` a negative);
- detect-secrets: ``tests/plugins/*_test.py``, the ``(payload, should_flag)`` pairs of
  each plugin's parametrised tests.

Each sample becomes one small file; this checkout's tokenward scans them all
(``python -m tokenward scan DIR --format json --no-cache``), and a sample counts as found
when a ``hardcoded-secret`` finding lands on it. Prints recall and precision overall and
by provider family, and the misses. Standard library only.

    python3 benchmarks/providers/run.py [--mirrors DIR] [--details] [--json FILE] [--src DIR]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIRRORS = Path(os.environ.get("TOKENWARD_MIRRORS", "/work/.mirror"))
PEERS = {
    "gitleaks": ("gitleaks+gitleaks", "github:gitleaks/gitleaks"),
    "semgrep": ("semgrep+semgrep-rules", "github:semgrep/semgrep-rules"),
    "detect-secrets": ("Yelp+detect-secrets", "github:Yelp/detect-secrets"),
}
TARGET = 0.95


@dataclass(frozen=True)
class Sample:
    peer: str
    rule: str  # the peer's rule or plugin name
    text: str  # the file's content
    positive: bool
    suffix: str = ".txt"

    @property
    def family(self) -> str:
        return re.split(r"[-_]", self.rule.removeprefix("detected-"))[0].lower()


def git_files(repo: Path, folder: str) -> list[str]:
    out = subprocess.run(["git", "--git-dir", str(repo), "ls-tree", "-r", "--name-only",
                          "HEAD", folder], capture_output=True, text=True, check=True)
    return out.stdout.split()


def git_show(repo: Path, path: str) -> str:
    out = subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:{path}"],
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8", "replace")


# --- gitleaks -------------------------------------------------------------------------

_GO_STRING = re.compile(r'`([^`]*)`|"((?:\\.|[^"\\])*)"')
_FUNC = re.compile(r"^func \w+\(\) \*config\.Rule \{", re.MULTILINE)


def _go_literal(item: str) -> str | None:
    """The value of ``item`` when it is exactly one Go string literal (a comment may
    follow), else None: samples built at run time are skipped."""
    item = re.sub(r"//[^\n`\"]*$", "", item.strip()).strip().rstrip(",").strip()
    match = _GO_STRING.fullmatch(item)
    if match is None:
        return None
    if match.group(1) is not None:
        return match.group(1)
    return bytes(match.group(2), "utf-8").decode("unicode_escape")


def _items(block: str) -> list[str]:
    """The comma-separated items of a Go composite literal body, one per line."""
    return [line for line in block.splitlines() if line.strip() and
            not line.strip().startswith("//")]


def gitleaks_samples(repo: Path) -> tuple[list[Sample], int]:
    samples: list[Sample] = []
    skipped = 0
    for path in git_files(repo, "cmd/generate/config/rules"):
        if not path.endswith(".go") or path.endswith("_test.go"):
            continue
        source = git_show(repo, path)
        for body in _FUNC.split(source)[1:]:
            rule = re.search(r'RuleID:\s*"([^"]+)"', body)
            if rule is None:
                continue
            name = rule.group(1)
            for ident, secret in re.findall(
                    r'GenerateSampleSecrets\("([^"]*)",\s*("(?:\\.|[^"\\])*"|`[^`]*`)\)', body):
                value = _go_literal(secret)
                if value is None:
                    skipped += 1
                    continue
                samples.append(Sample("gitleaks", name, f'{ident}_token = "{value}"\n', True))
            skipped += len(re.findall(r"GenerateSampleSecrets\([^)]*NewSecret", body))
            for kind, block in re.findall(
                    r"(tps|fps)\s*(?::=\s*\[\]string\{|=\s*append\((?:tps|fps),)[ \t]*\n"
                    r"(.*?)\n\t[})]",
                    body, re.DOTALL):
                for item in _items(block):
                    value = _go_literal(item)
                    if value is None:
                        skipped += 1
                        continue
                    samples.append(Sample("gitleaks", name, value + "\n", kind == "tps"))
    return samples, skipped


# --- Semgrep --------------------------------------------------------------------------

_MARK = re.compile(r"(?:#|//|<!--|--|;)\s*(ruleid|ok|todoruleid|todook):\s*([\w.-]+)")


def semgrep_samples(repo: Path) -> list[Sample]:
    samples: list[Sample] = []
    for path in git_files(repo, "generic/secrets"):
        if path.endswith((".yaml", ".yml", ".md")) or "/" not in path:
            continue
        lines = git_show(repo, path).splitlines()
        suffix = Path(path).suffix or ".txt"
        for number, line in enumerate(lines[:-1]):
            mark = _MARK.search(line)
            if mark is None or mark.group(1).startswith("todo"):
                continue
            rule = mark.group(2).split(".")[-1]
            # The marked match starts on the next line and may run on (a PEM block): up
            # to the next mark or blank line.
            block = [lines[number + 1]]
            for following in lines[number + 2 : number + 60]:
                if not following.strip() or _MARK.search(following):
                    break
                block.append(following)
            samples.append(Sample("semgrep", rule, "\n".join(block) + "\n",
                                  mark.group(1) == "ruleid", suffix))
    return samples


# --- detect-secrets -------------------------------------------------------------------


def detect_secrets_samples(repo: Path) -> list[Sample]:
    samples: list[Sample] = []
    for path in git_files(repo, "tests/plugins"):
        if not path.endswith("_test.py") or path.endswith("base_test.py"):
            continue
        plugin = Path(path).name.removesuffix("_test.py")
        if plugin in ("high_entropy_strings", "keyword", "ip_public", "basic_auth"):
            continue  # not provider formats: entropy, keywords, IP addresses
        tree = ast.parse(git_show(repo, path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Tuple) or len(node.elts) != 2:
                continue
            payload, flag = node.elts
            if (isinstance(payload, ast.Constant) and isinstance(payload.value, str)
                    and isinstance(flag, ast.Constant) and isinstance(flag.value, bool)):
                samples.append(Sample("detect-secrets", plugin, payload.value + "\n",
                                      flag.value))
    return samples


# --- scanning and scoring -------------------------------------------------------------


def scan(samples: list[Sample], src: Path) -> set[int]:
    """The numbers of the samples on which tokenward reports a hard-coded secret."""
    with tempfile.TemporaryDirectory(prefix="tokenward-peers-") as folder:
        for number, sample in enumerate(samples):
            Path(folder, f"s{number:05d}{sample.suffix}").write_text(sample.text,
                                                                     encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(src)}
        done = subprocess.run([sys.executable, "-m", "tokenward", "scan", ".", "--format",
                               "json", "--no-cache", "--no-progress"], cwd=folder, env=env,
                              capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            sys.exit(f"tokenward failed ({done.returncode}): {done.stderr.strip()[-400:]}")
        report = json.loads(done.stdout)
    found = set()
    for finding in report["findings"]:
        if finding["category"] == "hardcoded-secret":
            found.add(int(Path(finding["path"]).stem[1:]))
    return found


def score(samples: list[Sample], found: set[int]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fn": 0, "fp": 0, "tn": 0})
    for number, sample in enumerate(samples):
        hit = number in found
        cell = "tp" if sample.positive and hit else "fn" if sample.positive else \
            "fp" if hit else "tn"
        for key in ("all", f"peer:{sample.peer}", sample.family):
            table[key][cell] += 1
    return table


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def report(table: dict[str, dict[str, int]], samples: list[Sample], found: set[int],
           details: bool) -> list[str]:
    lines = [f"{'':24} {'pos':>5} {'TP':>5} {'FN':>5} {'neg':>5} {'FP':>5} "
             f"{'recall':>7} {'precision':>9}"]

    def row(name: str) -> str:
        c = table[name]
        recall = _ratio(c["tp"], c["tp"] + c["fn"])
        precision = _ratio(c["tp"], c["tp"] + c["fp"])
        return (f"{name:24} {c['tp'] + c['fn']:5} {c['tp']:5} {c['fn']:5} "
                f"{c['fp'] + c['tn']:5} {c['fp']:5} {recall:7.3f} {precision:9.3f}")

    lines.append(row("all"))
    lines.extend(row(k) for k in sorted(table) if k.startswith("peer:"))
    lines.append("")
    lines.append("by provider family (the peer's rule name, up to its first dash):")
    lines.extend(row(k) for k in sorted(table) if k != "all" and not k.startswith("peer:"))
    missed = [s for n, s in enumerate(samples) if s.positive and n not in found]
    wrong = [s for n, s in enumerate(samples) if not s.positive and n in found]
    lines.append("")
    lines.append(f"misses: {len(missed)}; false positives: {len(wrong)}")
    if details:
        for label, group in (("MISS", missed), ("FP", wrong)):
            for sample in group:
                shown = sample.text.strip().replace("\t", " ")
                lines.append(f"  {label} {sample.peer}/{sample.rule}: {shown[:110]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=MIRRORS,
                        help="folder holding the fetched mirrors (default: %(default)s)")
    parser.add_argument("--details", action="store_true", help="list every miss and FP")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="the tokenward sources to measure (default: this checkout's)")
    args = parser.parse_args(argv)
    samples: list[Sample] = []
    skipped = 0
    for peer, (folder, source) in PEERS.items():
        repo = args.mirrors / folder / "repo"
        if not repo.is_dir():
            print(f"missing mirror of {peer}: fetch {source} (the search tool's fetch) so "
                  f"that {repo} exists", file=sys.stderr)
            return 2
        if peer == "gitleaks":
            found_samples, skipped = gitleaks_samples(repo)
        elif peer == "semgrep":
            found_samples = semgrep_samples(repo)
        else:
            found_samples = detect_secrets_samples(repo)
        samples.extend(found_samples)
    found = scan(samples, args.src)
    table = score(samples, found)
    print(f"{len(samples)} samples ({skipped} gitleaks samples built at run time skipped)")
    print("\n".join(report(table, samples, found, args.details)))
    overall = table["all"]
    recall = _ratio(overall["tp"], overall["tp"] + overall["fn"])
    precision = _ratio(overall["tp"], overall["tp"] + overall["fp"])
    print(f"\ntarget recall >= {TARGET} and precision >= {TARGET}: "
          f"{'met' if recall >= TARGET and precision >= TARGET else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({k: dict(v) for k, v in table.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
