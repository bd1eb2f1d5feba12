"""TW402: a GitHub Actions workflow that gives the job token write access to everything."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.model import Category, Hit, Severity, Span
from tokenward.rules.base import Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    from tokenward.analysis import structured
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import lazy_module

    structured = lazy_module("tokenward.analysis.structured")


def _detect(source: Source) -> Iterator[Hit]:
    for workflow in structured.documents(source) or ():
        if isinstance(workflow, structured.Mapping) and _is_workflow(source.path, workflow):
            yield from _in_workflow(source, workflow)


def _is_workflow(path: str, document: structured.Mapping) -> bool:
    if "/.github/workflows/" in "/" + path or ".gitea/workflows/" in path:
        return True
    # YAML 1.1 reads a bare `on` key as true: some writers spell it that way.
    return document.get("jobs") is not None and document.get("on", "true") is not None


def _in_workflow(source: Source, workflow: structured.Mapping) -> Iterator[Hit]:
    yield from _write_all(source, workflow.get("permissions"), "workflow")
    jobs = workflow.get("jobs")
    if not isinstance(jobs, structured.Mapping):
        return
    for _, job in jobs.entries:
        if isinstance(job, structured.Mapping):
            yield from _write_all(source, job.get("permissions"), "job")
    granted = workflow.get("permissions")
    if len(jobs.entries) < 2 or not isinstance(granted, structured.Mapping):
        return  # one job: workflow-level permissions are that job's permissions
    for scope, level in granted.entries:
        if isinstance(level, structured.Scalar) and level.value == "write":
            yield Hit(span=Span(scope.span.line, scope.span.column, level.span.end_line,
                                level.span.end_column),
                      target=f"{scope.value}: write", detail="every job of the workflow",
                      code=source.line(scope.span.line).strip())


def _write_all(source: Source, permissions: structured.Node | None, level: str
               ) -> Iterator[Hit]:
    if isinstance(permissions, structured.Scalar) and permissions.value == "write-all":
        yield Hit(span=permissions.span, target="write-all",
                  detail=f"every scope, for the whole {level}",
                  code=source.line(permissions.span.line).strip())


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
            expect=(
                Expected(5, 14, "GitHub Actions token granted write-all (every scope, for the "
                                "whole workflow): any step, action or dependency that runs can "
                                "push code, publish packages and change the repository"),
            ),
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
            expect=(
                Expected(3, 3, "GitHub Actions token granted contents: write (every job of the "
                               "workflow): any step, action or dependency that runs can push "
                               "code, publish packages and change the repository"),
                Expected(11, 18, "GitHub Actions token granted write-all (every scope, for the "
                                 "whole job): any step, action or dependency that runs can push "
                                 "code, publish packages and change the repository"),
            ),
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
