"""A rule's documentation as Markdown: for ``tokenward explain``, SARIF help and docs/."""

from __future__ import annotations

from tokenward.model import Category
from tokenward.rules.base import Example, Rule

_POLICY = (
    "## Where it reports\n\n"
    "Every finding carries the context of its file (`production`, `test`, `docs`, "
    "`example`, `fixture`, `i18n`, `generated`, `vendored`, `minified`; detected from the "
    "path, set with `[tool.tokenward.contexts]` globs) or of its region in a production "
    "file (a docstring is `docs`, an OpenAPI/JSON Schema `example` value `example`, a "
    "script of HTTP requests to local hosts `fixture`, a CI job's throwaway service "
    "settings `test`). In production code and "
    "configuration this rule reports everything it finds. In every other context (the "
    "`proven_only` setting) {scope}. Hidden findings are counted in the summary and listed "
    "in JSON and SARIF as suppressed (kind `context`); `--all-contexts`, or "
    "`proven_only = []`, reports them. (In those contexts only a secret can prove itself: "
    "a rule that cannot prove a value is not run there, nor a secret rule in a file that "
    "spells no start of a value that proves itself; the provider pass runs everywhere.)\n"
)
_PROVEN = ("it reports only values that prove themselves real: provider tokens whose "
           "checksum or structure validates (GitHub, npm, PyPI, tokenward ...), live-mode "
           "keys (`sk_live_`, `rk_live_` ...) and whole private keys whose body decodes "
           "to a key (a DER structure, an OpenSSH key) and whose path or name does not "
           "mark them as made up (test, fake, example, fixture ...). A key shown whole on "
           "a documentation page (`.md`, `.rst`, `.txt` in the docs context, a docstring) "
           "is an example: published for anyone to read, it is not a secret")
_QUIET = "it stays quiet by default: what it finds there is hidden"


def _fence(example: Example) -> str:
    language = "python" if example.path.endswith(".py") else ""
    name = f"`{example.path}`\n\n" if not example.path.startswith("example.") else ""
    return f"{name}```{language}\n{example.text.rstrip()}\n```\n"


def _options(rule: Rule) -> str:
    """The rule's options, by the settings table that holds them (a shared limit sits in
    the table of the rule that owns it)."""
    parts = ["## Options\n"]
    for table in dict.fromkeys(o.rule for o in rule.options):
        parts.append(f"`[tool.tokenward.rules.{table}]`\n\n"
                     "| Option | Type | Default | Meaning |\n| --- | --- | --- | --- |\n"
                     + "".join(f"| `{o.name}` | {o.type.name} | `{o.default_toml}` | "
                               f"{o.docs} |\n" for o in rule.options if o.rule == table))
    return "\n".join(parts)
def _reported(example: Example) -> str:
    """What tokenward says about a bad example: the findings its test pins."""
    found = "".join(f"- `{e.line}:{e.column}` {e.message}\n" for e in example.expect)
    return f"{_fence(example)}\ntokenward reports:\n\n{found}"


def render_markdown(rule: Rule) -> str:
    docs = rule.docs
    cwe = ", ".join(rule.cwe_tags)
    parts = [
        f"# {rule.id} {rule.name}: {rule.title}\n",
        f"Category: `{rule.category.value}` · Severity: {rule.severity.value} · {cwe} · "
        f"Fix: {'automatic' if rule.fixable else 'manual'}\n",
        f"## What it finds\n\n{docs.what.strip()}\n",
        f"## Why it is risky\n\n{docs.why.strip()}\n",
        f"## How to fix\n\n{docs.how.strip()}\n",
        f"## What it deliberately does not flag\n\n{docs.not_flagged.strip()}\n",
        f"## Fix safety\n\n{docs.fix_safety.strip()}\n",
        _POLICY.format(scope=_PROVEN if rule.category is Category.HARDCODED_SECRET
                       else _QUIET),
    ]
    if rule.options:
        parts.append(_options(rule))
    if rule.bad:
        parts.append("## Example\n\n" + "\n".join(_reported(e) for e in rule.bad))
    if rule.good:
        parts.append("## Use instead\n\n" + "\n".join(_fence(e) for e in rule.good))
    fixed = [e for e in rule.bad if e.fixed is not None]
    if fixed:
        parts.append("## What `tokenward fix` writes\n\n" + "\n".join(
            f"```python\n{(e.fixed_text or '').rstrip()}\n```\n" for e in fixed))
    if docs.references:
        parts.append("## References\n\n" + "\n".join(f"- {r}" for r in docs.references) + "\n")
    return "\n".join(parts)
