"""Names bound to string literals in other languages' sources, read as text.

JavaScript/TypeScript, HTML templates, Go, Java, Ruby, PHP and C# are not parsed: a small
table of forms per language family says where a name is bound to a quoted literal
(``const apiKey = "..."``, ``password: '...'``, ``"token": "..."``, Go ``key := "..."``,
``String API_TOKEN = "..."``, PHP ``$db_password = '...'`` and ``'key' => '...'``, Ruby
``:key => '...'``, HTML ``data-api-key="..."`` and ``<input name="client_secret"
value="...">``). Each form is a linear regex that ends just before the opening quote; the
literal itself is read by :func:`config_pairs.read_value`. A literal that is only part of
an expression (``"Bearer " + token``, a template with ``${...}``, ``"#{x}"``) is not a
value; literals joined with ``+`` (PHP ``.``) are one. Comment lines and ``/* ... */``
blocks are skipped. What a name means and whether a value is a secret is judged by the
vocabulary and the value judgements, as for Python and configuration files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, split_lines
from tokenward.analysis.vocabulary import secret_kind
from tokenward.lazy import lazy_regex

if TYPE_CHECKING:
    from tokenward.analysis import config_pairs, config_text
else:  # imported on first use (rules declare CODE_KINDS at import): see tokenward.lazy
    from tokenward.lazy import lazy_module

    config_pairs = lazy_module("tokenward.analysis.config_pairs")
    config_text = lazy_module("tokenward.analysis.config_text")

_IDENT = r"[A-Za-z_$][\w$]*+"
# A name, possibly dotted (``this.apiKey``, ``config.db.password``), not a word's tail.
_NAME = rf"(?<![\w$.])(?P<key>(?:{_IDENT}\.)*+{_IDENT})"
_QUOTED_KEY = r"(?P<q>[\"'])(?P<key>[A-Za-z_$][\w$.\-]{0,99}+)(?P=q)"
_OPEN = r"\s*(?=[\"'`])"

# name = "v", name := "v" (Go); not ==, =>, =~.
_ASSIGN = lazy_regex(_NAME + r"\s*(?::=|=(?![=>~]))" + _OPEN)
# TypeScript: name: string = "v".
_TYPED = lazy_regex(_NAME + r"\s*:\s*[\w$.\[\]<>]++\s*=(?![=>])" + _OPEN)
# Go: var name string = "v".
_GO_TYPED = lazy_regex(_NAME + r"[ \t]++\*?[\w.\[\]]++\s*=(?!=)" + _OPEN)
# Not the branches of a conditional: in `cond ? 'password' : 'text'` the colon parts two
# values, it binds nothing.
_NOT_BRANCH = r"(?<!\?\s)"
# name: "v" (an object literal, a struct literal, a keyword argument); not name:: or :=.
_PROPERTY = lazy_regex(rf"(?<![\w$.?:]){_NOT_BRANCH}(?P<key>{_IDENT})\s*:(?![:=])" + _OPEN)
# "name": "v", 'name' => 'v'.
_KEYED = lazy_regex(rf"(?<!\?){_NOT_BRANCH}" + _QUOTED_KEY + r"\s*(?::|=>)" + _OPEN)
# Ruby :name => 'v'.
_SYMBOL = lazy_regex(r"(?<![\w:]):(?P<key>[A-Za-z_]\w*+)\s*=>" + _OPEN)
# name == "v" (a credential checked against a literal).
_COMPARE = lazy_regex(_NAME + r"\s*(?:===?|!==?)" + _OPEN)
# Java name.equals("v").
_EQUALS = lazy_regex(rf"(?<![\w$.])(?P<key>{_IDENT})\.equals(?:IgnoreCase)?\(" + _OPEN)
# define('NAME', 'v'), props.put("name", "v"), os.Setenv("NAME", "v").
_CALL = lazy_regex(r"(?<![\w$])(?:define|put|setProperty|[Ss]etenv|putenv)\(\s*"
                   + _QUOTED_KEY + r"\s*," + _OPEN)
# HTML data-api-key="v".
_DATA = lazy_regex(r"(?<![\w\-])(?P<key>data-[\w\-]{1,100}+)\s*=" + _OPEN)

_C_LIKE = (_ASSIGN, _PROPERTY, _KEYED, _COMPARE, _CALL)
# When two forms bind one literal, the earlier names it unless only the later names a
# secret: the longer forms come first (`var token string = "..."` binds `token`).
_FORMS: dict[FileKind, tuple[re.Pattern[str], ...]] = {
    FileKind.JAVASCRIPT: (_TYPED, *_C_LIKE),
    # Inline scripts and template code, and the attributes of tags.
    FileKind.HTML: (_DATA, *_C_LIKE),
    FileKind.GO: (_GO_TYPED, *_C_LIKE),
    FileKind.JAVA: (_ASSIGN, _COMPARE, _EQUALS, _CALL),
    FileKind.CSHARP: (_ASSIGN, _PROPERTY, _COMPARE, _CALL),
    FileKind.RUBY: (_ASSIGN, _PROPERTY, _KEYED, _SYMBOL, _COMPARE),
    FileKind.PHP: (_ASSIGN, _KEYED, _COMPARE, _CALL),
}
CODE_KINDS = frozenset(_FORMS)

# Line comments by family; block comments are /* */ (HTML also <!-- -->), Ruby has none.
_LINE_COMMENTS: dict[FileKind, tuple[str, ...]] = {
    FileKind.RUBY: ("#",),
    FileKind.PHP: ("//", "#", "*", "/*"),
    FileKind.HTML: ("//", "*", "/*", "<!--"),
}
_BLOCKS: dict[FileKind, tuple[tuple[str, str], ...]] = {
    FileKind.RUBY: (("=begin", "=end"),),
    FileKind.HTML: (("/*", "*/"), ("<!--", "-->")),
}
# How a literal joins the next one: "ab" + "cd" (PHP: 'ab' . 'cd').
_JOIN = lazy_regex(r"\s*\+\s*(?=[\"'`])")
_PHP_JOIN = lazy_regex(r"\s*\.\s*(?=[\"'])")
# After a literal, the operators that make it part of a larger expression.
# (Ruby's ``'...'.freeze`` is still the literal.)
_OPERAND = lazy_regex(r"\s*(?:\+|\.(?!freeze\b)(?=\s*[$\w(]))")
# HTML tags whose attributes bind a name to a value: <input name=... value=...>.
_TAG = lazy_regex(r"<(?:input|meta|param)\b[^<>]*+>", re.IGNORECASE)
_ATTRIBUTE = lazy_regex(r"(?<![\w\-])(?P<name>[\w\-:]{1,100}+)\s*=\s*"
                        r"(?:\"(?P<dq>[^\"]*+)\"|'(?P<sq>[^']*+)')")
_NAMING = ("name", "id", "property")
_VALUES = ("value", "content")
# Inputs whose value is one of the choices a form offers or a button's caption, not what
# the field holds: a radio answer named "hardcoded-secret-q1" is no secret.
_CHOICE_TYPES = frozenset({"radio", "checkbox", "submit", "button", "reset", "image"})


def is_comment(line: str, kind: FileKind) -> bool:
    """Whether ``line`` is a comment line of a source of ``kind``."""
    return line.lstrip().startswith(_LINE_COMMENTS.get(kind, ("//", "*", "/*")))


def assignments(text: str, kind: FileKind) -> Iterator[config_pairs.Pair]:
    """Every name bound to a string literal in ``text``, a source of ``kind`` (one of
    :data:`CODE_KINDS`); the pair's value is the literal's text, where it is written."""
    forms = _FORMS.get(kind, ())
    blocks = _BLOCKS.get(kind, (("/*", "*/"),))
    closing: str | None = None
    for number, line in enumerate(split_lines(text), 1):
        if closing is not None:
            if closing not in line:
                continue
            closing = None
            continue
        if is_comment(line, kind):
            # A block opens on a comment line (a `/*` inside a string is not one).
            closing = _opened_block(line, blocks)
            continue
        # A long line (minified) is read in overlapping windows: reading a literal never
        # costs more than a window, and one cut at a window's end is whole in the next.
        found: dict[int, config_pairs.Pair] = {}
        for offset, text in config_text.windows(line):
            for pair in _line_pairs(text, number, kind, forms):
                column = pair.column + offset
                if column not in found or _names_better(pair, found[column]):
                    found[column] = replace(pair, column=column,
                                            end_column=pair.end_column + offset)
        yield from sorted(found.values(), key=lambda p: p.column)


def _names_better(pair: config_pairs.Pair, other: config_pairs.Pair) -> bool:
    """Two forms bind one literal (`var token string = "..."`: `var` or `token`?): the
    name that holds a secret is the binding; else the first form's."""
    return secret_kind(pair.key) is not None and secret_kind(other.key) is None


def _line_pairs(line: str, number: int, kind: FileKind,
                forms: tuple[re.Pattern[str], ...]) -> Iterator[config_pairs.Pair]:
    for form in forms:
        for match in form.finditer(line):
            pair = _literal(match.group("key"), line, number, match.end(), kind)
            if pair is not None:
                yield pair
    if kind in (FileKind.HTML, FileKind.JAVASCRIPT) and "<" in line:
        yield from _tag_pairs(line, number)


def _opened_block(line: str, blocks: tuple[tuple[str, str], ...]) -> str | None:
    """The end marker of a block comment ``line`` opens and does not close."""
    for opener, closer in blocks:
        start = line.rfind(opener)
        if start >= 0 and line.find(closer, start + len(opener)) < 0:
            return closer
    return None


def _literal(key: str, line: str, number: int, start: int, kind: FileKind
             ) -> config_pairs.Pair | None:
    """The literal at ``line[start]`` bound to ``key``: joined with the literals added to
    it; None when it is only part of an expression or an interpolating template."""
    parts: list[str] = []
    join = _PHP_JOIN if kind is FileKind.PHP else _JOIN
    position = start
    while True:
        value, _, end = config_pairs.read_value(line, position)
        if line[end : end + 1] != line[position] or not _static(line[position], value, kind):
            return None
        parts.append(value)
        after = end + 1
        more = join.match(line, after)
        if more is None:
            break
        position = more.end()
    if _OPERAND.match(line, after) or not "".join(parts):
        return None
    return config_pairs.Pair(key, "".join(parts), number, start + 2, end + 1)


def _static(quote: str, value: str, kind: FileKind) -> bool:
    """Whether a literal written with ``quote`` is constant text (no interpolation)."""
    if quote == "`":
        return "${" not in value
    if quote == '"' and kind is FileKind.RUBY:
        return "#{" not in value
    if quote == '"' and kind is FileKind.PHP:
        return "$" not in value
    return True


def _tag_pairs(line: str, number: int) -> Iterator[config_pairs.Pair]:
    """``<input name="client_secret" value="...">``: the value bound to the tag's name
    (``type="password"`` names a password too)."""
    for tag in _TAG.finditer(line):
        attributes = {m.group("name").lower(): m for m in _ATTRIBUTE.finditer(tag.group())}
        value = next((attributes[a] for a in _VALUES if a in attributes), None)
        kind = _text(attributes["type"]).lower() if "type" in attributes else ""
        if value is None or kind in _CHOICE_TYPES:
            continue
        names = [_text(attributes[a]) for a in _NAMING if a in attributes]
        if kind == "password":
            names.append("password")
        group = "dq" if value.group("dq") is not None else "sq"
        column = tag.start() + value.start(group) + 1
        text = _text(value)
        if names and text:
            name = next((n for n in names if secret_kind(n)), names[0])
            yield config_pairs.Pair(name, text, number, column, column + len(text))


def _text(match: re.Match[str]) -> str:
    dq = match.group("dq")
    return dq if dq is not None else match.group("sq")
