"""Write docs/rules/<ID>.md and docs/rules/README.md from the rules themselves.

    python tools/gen_rule_docs.py          # write
    python tools/gen_rule_docs.py --check  # exit 1 if docs/rules is out of date (tests use it)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tokenward.reporters.rule_docs import render_markdown  # noqa: E402
from tokenward.rules import RULES  # noqa: E402
from tokenward.safefs import atomic_write, remove_under  # noqa: E402


def expected() -> dict[str, str]:
    files = {f"{rule.id}.md": render_markdown(rule) for rule in RULES}
    index = ["# tokenward rules\n", "| Id | Name | Category | Severity | Fix | Title |",
             "| --- | --- | --- | --- | --- | --- |"]
    index += [f"| [{r.id}]({r.id}.md) | `{r.name}` | `{r.category.value}` | {r.severity.value} "
              f"| {'yes' if r.fixable else '-'} | {r.title} |" for r in RULES]
    files["README.md"] = "\n".join(index) + "\n"
    return files


def main(argv: list[str]) -> int:
    folder = ROOT / "docs" / "rules"
    files = expected()
    if "--check" in argv:
        stale = [name for name, text in files.items()
                 if not (folder / name).is_file() or (folder / name).read_text() != text]
        extra = [p.name for p in folder.glob("*.md") if p.name not in files] \
            if folder.is_dir() else []
        for name in stale + extra:
            print(f"docs/rules/{name} is out of date: run python tools/gen_rule_docs.py")
        return 1 if stale or extra else 0
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        if old.name not in files:
            remove_under(folder, old)
    for name, text in files.items():
        atomic_write(folder / name, text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
