"""TW402: a GitHub Actions workflow that gives the job token write access to everything."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tokenward.analysis.config_text import indent_of, is_comment
from tokenward.analysis.source import FileKind
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules.base import Example, Rule, RuleDocs

_WRITE_ALL = re.compile(r"""^(\s*)["']?permissions["']?\s*:\s*["']?(write-all)["']?\s*(?:#.*)?$""")
_TOP_PERMISSIONS = re.compile(r"""^["']?permissions["']?\s*:\s*(?:#.*)?$""")
_WRITE_ENTRY = re.compile(r"""^\s+["']?([a-z-]+)["']?\s*:\s*["']?(write)["']?\s*(?:#.*)?$""")
_TOP_KEY = re.compile(r"""^["']?([A-Za-z_-]+)["']?\s*:""")


def _is_workflow(source_path: str, lines: list[str]) -> bool:
    if "/.github/workflows/" in "/" + source_path or ".gitea/workflows/" in source_path:
        return True
    keys = {m.group(1) for line in lines if (m := _TOP_KEY.match(line))}
    return "jobs" in keys and ("on" in keys or "true" in keys)


def _job_count(lines: list[str]) -> int:
    inside, child_indent, count = False, None, 0
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if indent_of(line) == 0:
            inside = line.startswith("jobs:")
            continue
        if inside:
            if child_indent is None:
                child_indent = indent_of(line)
            if indent_of(line) == child_indent and line.rstrip().endswith(":"):
                count += 1
    return count


def _detect(source) -> Iterator[Hit]:  # type: ignore[no-untyped-def]
    lines: list[str] = source.lines
    if not _is_workflow(source.path, lines):
        return
    for number, line in enumerate(lines, start=1):
        match = _WRITE_ALL.match(line)
        if match is not None:
            level = "workflow" if not match.group(1) else "job"
            yield Hit(span=Span(number, match.start(2) + 1, number, match.end(2) + 1),
                      target="write-all", detail=f"every scope, for the whole {level}",
                      code=line.strip())
    if _job_count(lines) < 2:
        return  # one job: workflow-level permissions are that job's permissions
    for number, line in enumerate(lines, start=1):
        if not _TOP_PERMISSIONS.match(line):
            continue
        for offset in range(number, len(lines)):
            entry = lines[offset]
            if not entry.strip() or is_comment(entry, source.kind):
                continue
            if indent_of(entry) == 0:
                break
            write = _WRITE_ENTRY.match(entry)
            if write is not None:
                yield Hit(span=Span(offset + 1, indent_of(entry) + 1, offset + 1,
                                    write.end(2) + 1),
                          target=f"{write.group(1)}: write",
                          detail="every job of the workflow", code=entry.strip())


def _may_grant_write(text: str) -> bool:
    return "write" in text


RULE = Rule(
    id="TW402",
    name="ci-write-all-permissions",
    title="CI job token with write access to everything",
    category=Category.BROAD_SCOPE,
    severity=Severity.MEDIUM,
    cwe=(250, 272),
    message="GitHub Actions token granted {target} ({detail}): any step, action or "
            "dependency that runs can push code, publish packages and change the repository",
    hint="Set `permissions: contents: read` at the top of the workflow and grant each job "
         "only the write permissions it needs (e.g. `pull-requests: write`).",
    docs=RuleDocs(
        what="In a GitHub Actions (or Gitea/Forgejo) workflow: `permissions: write-all` at "
             "workflow or job level, and write permissions granted at workflow level in a "
             "workflow with two or more jobs (they then apply to every job, including the "
             "ones that only build or test). A file is a workflow when it lives under "
             "`.github/workflows/` or has top-level `on:` and `jobs:` keys.",
        why="`GITHUB_TOKEN` is handed to every step and every third-party action of the "
            "job. With write-all a compromised action or dependency can push to protected "
            "branches' sources, tamper with releases and packages, and change settings "
            "(CWE-250, CWE-272).",
        how="Default to `permissions: contents: read` (or `read-all`) at the top and add "
            "the specific write permission to the one job that needs it, e.g. "
            "`permissions: { contents: write }` on the release job only.",
        not_flagged="`read-all`, read permissions, and write permissions granted at job "
                    "level (the least-privilege pattern); workflow-level write permissions "
                    "in a single-job workflow (equivalent to job level: e.g. `pages: write` "
                    "+ `id-token: write` for a Pages deployment); workflows without a "
                    "`permissions` key (the repository default applies; set it to read-only "
                    "in the repository settings).",
        references=("https://docs.github.com/en/actions/security-for-github-actions/"
                    "security-guides/automatic-token-authentication",
                    "https://cwe.mitre.org/data/definitions/250.html"),
    ),
    detect=_detect,
    kinds=frozenset({FileKind.YAML}),
    keywords=("permissions",),
    prefilter=_may_grant_write,
    bad=(
        Example(
            """
            name: release
            on:
              push:
                tags: ["v*"]
            permissions: write-all
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: make
            """,
            path=".github/workflows/release.yml",
            lines=(5,),
        ),
        Example(
            """
            on: [push]
            permissions:
              contents: write
              packages: read
            jobs:
              test:
                runs-on: ubuntu-latest
                steps: [{run: make test}]
              publish:
                runs-on: ubuntu-latest
                permissions: write-all
                steps: [{run: make publish}]
            """,
            path="workflow.yml",
            lines=(3, 11),
        ),
    ),
    good=(
        Example(
            """
            on: [push]
            permissions:
              contents: read
            jobs:
              test:
                runs-on: ubuntu-latest
                steps: [{run: make test}]
              comment:
                runs-on: ubuntu-latest
                permissions:
                  pull-requests: write
                steps: [{run: make comment}]
            """,
            path=".github/workflows/ci.yml",
        ),
        Example(
            """
            on: [push]
            permissions:
              pages: write
              id-token: write
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps: [{uses: actions/deploy-pages@v4}]
            """,
            path=".github/workflows/docs.yml",
        ),
        Example(
            """
            # not a workflow: an app's own config with a permissions key
            permissions: write-all
            users: [alice]
            """,
            path="config.yaml",
        ),
    ),
)
