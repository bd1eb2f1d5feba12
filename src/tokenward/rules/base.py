"""The rule object: one per module, carrying everything the rest of tokenward needs.

A rule's examples are its tests (every bad example must report exactly the findings it
states, by line, column and message; every good one must stay silent; every fix must
match), its documentation (``tokenward explain``, SARIF help) and the raw material of
lessons: one source of truth, three uses (Fixit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from tokenward.analysis.literals import spelled
from tokenward.analysis.source import FileKind
from tokenward.config import Option
from tokenward.model import Category, Hit, Severity
from tokenward.records import record

if TYPE_CHECKING:
    from tokenward.analysis.source import Source


@record
class Expected:
    """One finding a bad example must produce: where it starts (1-based) and its message."""

    line: int
    column: int
    message: str


@record
class Example:
    """A snippet of code for a rule. ``path`` decides the file kind (``.py``, ``.env`` ...).

    For a bad example, ``expect`` is every finding the rule must report on it, and no other;
    ``fixed`` is the exact output of the rule's fix, where the rule can fix.
    """

    code: str
    path: str = "example.py"
    expect: tuple[Expected, ...] = ()
    fixed: str | None = None

    @property
    def lines(self) -> tuple[int, ...]:
        """The lines that fire."""
        return tuple(e.line for e in self.expect)

    @property
    def text(self) -> str:
        return _dedented(self.code)

    @property
    def fixed_text(self) -> str | None:
        return None if self.fixed is None else _dedented(self.fixed)


def _dedented(code: str) -> str:
    # textwrap is imported here: only the docs, tests and lessons read examples, and a
    # scan (the pre-commit hook's start-up above all) should not pay for it.
    import textwrap

    return textwrap.dedent(code).lstrip("\n")


@record
class RuleDocs:
    """Documentation under fixed headings (ruff's style), shared by CLI, SARIF and lessons."""

    what: str
    why: str
    how: str
    not_flagged: str
    references: tuple[str, ...] = ()
    fix_safety: str = "This rule has no automatic fix."


Detector = Callable[["Source"], Iterable[Hit]]
Prefilter = Callable[[str], bool]

# File kinds a rule can apply to. ``FileKind.TEXT`` means every text file.
PYTHON = frozenset({FileKind.PYTHON})
CONFIG = frozenset({FileKind.ENV, FileKind.YAML, FileKind.JSON, FileKind.TOML, FileKind.INI,
                    FileKind.SHELL, FileKind.DOCKERFILE})
# Files TW102 reads as key/value pairs: configuration, and XML's elements and attributes
# (not in CONFIG: the other rules' grammars of settings do not apply to XML).
PAIRED = CONFIG | {FileKind.XML}
ALL_TEXT = frozenset({FileKind.TEXT})


@record
class Rule:
    """One rule. ``message`` is a template over ``{target}`` and ``{detail}``; never a value."""

    id: str
    name: str
    title: str
    category: Category
    severity: Severity
    cwe: tuple[int, ...]
    message: str
    hint: str
    docs: RuleDocs
    detect: Detector
    kinds: frozenset[FileKind]
    bad: Sequence[Example] = ()
    good: Sequence[Example] = ()
    # Lower-cased substrings: a file that contains none of them cannot fire this rule, so
    # it is neither parsed nor visited for it. Empty means "always run".
    keywords: tuple[str, ...] = ()
    # Optional finer prefilter over the lower-cased text, consulted after the keywords.
    prefilter: Prefilter | None = None
    # The name of the fix this rule's hits get (a kind in tokenward.fix.kinds), or None.
    fix: str | None = None
    # The options it reads: checked in the settings, shown by `tokenward explain`.
    options: tuple[Option[Any], ...] = ()
    # Whether it reads ``Source.imported`` (other files' token issuers, from the project
    # join): it then runs on a file the join hands issuers to, whatever its keywords say.
    reads_imported: bool = False
    # Whether its detector screens a file (on ``Source.syntax``, the shared ``ast`` tree)
    # before asking for its libcst tree: it then runs after the other rules, so a tree
    # they built is used instead of screened for.
    screens: bool = False
    # Whether it runs where the context policy reports only values that prove themselves
    # (a test, docs ...) even in a text that spells no start of one (TW103: its one pass
    # over the text is the evidence that decides for the other secret rules, and it lists
    # the rest there as hidden, for ``--all-contexts`` and reviews).
    runs_where_hidden: bool = False

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def applies_to(self, kind: FileKind) -> bool:
        return FileKind.TEXT in self.kinds or kind in self.kinds

    def wants(self, lowered: str, spelled: AbstractSet[str] | None = None) -> bool:
        """Cheap test on the lower-cased file text: could this rule fire here at all?
        ``spelled``: the keywords (of this rule and others) the text holds, when a
        :class:`KeywordScreen` found them all in one pass."""
        if self.keywords and (spelled.isdisjoint(self.keywords) if spelled is not None
                              else not any(k in lowered for k in self.keywords)):
            return False
        return self.prefilter is None or self.prefilter(lowered)

    def format_message(self, hit: Hit) -> str:
        target = hit.target or "a value"
        text = self.message.format(target=target, detail=hit.detail or "")
        return " ".join(text.split())

    @property
    def cwe_tags(self) -> tuple[str, ...]:
        return tuple(f"CWE-{n}" for n in self.cwe)

    @property
    def help_uri(self) -> str:
        return f"https://github.com/tokenward/tokenward/blob/main/docs/rules/{self.id}.md"


class KeywordScreen:
    """Every rule's keywords looked for in one pass over a file (Aho-Corasick in C), not
    one ``in`` per keyword: over Django's source the keyword tests took 1.7 s of CPU that
    way, most of it spent by keywords a file does not hold (each is a full pass)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = tuple(rules)
        self._words = tuple(sorted({k for rule in self._rules for k in rule.keywords}))
        self._by_kind: dict[tuple[FileKind, bool], tuple[Rule, ...]] = {}

    def spelled(self, lowered: str) -> frozenset[str]:
        """The keywords ``lowered`` holds (:func:`tokenward.analysis.literals.spelled`)."""
        words = self._words
        return frozenset(words[n] for n in spelled(lowered, words))

    def for_kind(self, kind: FileKind, *, proven_only: bool = False) -> tuple[Rule, ...]:
        """The rules that apply to a file of ``kind``, in the order a file runs them: the
        ones that screen (``Rule.screens``) last. With ``proven_only`` (where the context
        policy reports only secrets that prove themselves real), only the rules that may
        report there: the secret rules (if the file spells a proof: the engine asks) and
        those that run where their findings are hidden. Chosen once per kind, not per
        file (asked of every rule for every file, the question cost Home Assistant's
        wheel more than a tenth of a second)."""
        chosen = self._by_kind.get((kind, proven_only))
        if chosen is None:
            chosen = self._by_kind[kind, proven_only] = tuple(sorted(
                (rule for rule in self._rules if rule.applies_to(kind) and (
                    not proven_only or rule.runs_where_hidden
                    or rule.category is Category.HARDCODED_SECRET)),
                key=lambda rule: rule.screens))  # stable: the declared order otherwise
        return chosen


# The screen of the rules a worker was last handed (the same tuple for a batch of files).
_SCREENS: dict[int, tuple[Sequence[Rule], KeywordScreen]] = {}


def keyword_screen(rules: Sequence[Rule]) -> KeywordScreen:
    """The :class:`KeywordScreen` of ``rules``, built once per sequence object (held, so
    its ``id`` is not reused while cached)."""
    held = _SCREENS.get(id(rules))
    if held is None or held[0] is not rules:
        if len(_SCREENS) > 8:
            _SCREENS.clear()
        held = _SCREENS[id(rules)] = (rules, KeywordScreen(rules))
    return held[1]


def check_rule_shape(rule: Rule) -> Iterable[str]:
    """Problems with a rule's declaration (used by the registry test)."""
    if not (rule.id.startswith("TW") and rule.id[2:].isdigit() and len(rule.id) == 5):
        yield f"{rule.id}: id must look like TW123"
    if rule.name != rule.name.lower() or " " in rule.name:
        yield f"{rule.id}: name must be kebab-case"
    if not rule.bad:
        yield f"{rule.id}: needs at least one bad example"
    if not rule.good:
        yield f"{rule.id}: needs at least one good example"
    if not rule.kinds:
        yield f"{rule.id}: declares no file kind"
    for kind in rule.kinds:
        if not isinstance(kind, FileKind):
            yield f"{rule.id}: file kind {kind!r} is not a FileKind"
    for ex in rule.bad:
        if not ex.expect:
            yield f"{rule.id}: bad example without expected findings"
        for expected in ex.expect:
            if expected.line < 1 or expected.column < 1 or not expected.message:
                yield f"{rule.id}: bad example expects a finding without position or message"
    for option in rule.options:
        if not option.docs.strip():
            yield f"{rule.id}: option {option.name} needs docs"
