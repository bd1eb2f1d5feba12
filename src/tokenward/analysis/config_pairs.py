"""Key/value pairs in configuration files, read line by line (no parser dependency).

Handles ``.env`` and shell (``export KEY=value``), Dockerfiles (``ENV``/``ARG``, both the
``KEY=value`` and the legacy ``ENV KEY value`` forms), YAML (``key: value``, ``- KEY=value``
list items as in docker-compose ``environment:``), JSON (``"key": "value"``, several per
line), TOML (``key = "value"``, inline tables) and INI/cfg/properties (``key = value``,
``key: value``). Quoting is respected (a ``#`` inside quotes is not a comment), comments
are skipped, and a double-quoted value may continue over lines with a trailing backslash
(.env and shell). A YAML block scalar (``key: >`` or ``key: |`` and the more-indented lines
below) is one value, its lines joined without a separator when none holds a space (a
token wrapped over lines is still one token); private-key blocks are left to TW103.
XML (Maven ``settings.xml``, Tomcat ``tomcat-users.xml``, .NET ``app.config``, seed data)
is read as pairs too: an element's text under its tag (``<password>v</password>``), an
attribute under its name (``<user password="v"/>``) and a ``key``/``name`` attribute's
value bound to its ``value`` attribute (``<add key="ApiKey" value="v"/>``), a
``<value>`` element bound to the ``<name>`` element before it; comments,
multi-line included, are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tokenward.analysis.config_text import indent_of
from tokenward.analysis.source import FileKind, split_lines
from tokenward.lazy import lazy_regex
from tokenward.model import Span
from tokenward.records import record


@record
class Pair:
    """``key`` bound to ``value``; the value starts at ``column`` (1-based) of ``line``."""

    key: str
    value: str
    line: int
    column: int
    end_column: int
    # Where the value's text ends when it continues over lines (a backslash-continued
    # double-quoted .env/shell value): (line, exclusive column). None: on ``line``.
    continued_to: tuple[int, int] | None = None

    @property
    def value_span(self) -> Span:
        """The whole source text of the value (what redaction masks when the text does
        not spell the value as is)."""
        end_line, end_column = self.continued_to or (self.line, self.end_column)
        return Span(self.line, self.column, end_line, end_column)


_ENV = lazy_regex(r"^\s*(?:export\s+|set\s+|setx?\s+)?(?P<key>[A-Za-z_][\w.\-]*)\s*=\s*")
# Keys are read possessively and never end in a blank (a lazy key before `\s*:` was
# quadratic on a long run of blanks); the blank before the colon goes to `\s*`.
_YAML_KEY = (r"""(?P<q>["']?)"""
             r"""(?P<key>[^\s"'#:{}\[\],&*!|>](?:[^"':#\s]|\s+(?=[^"':#\s]))*+)"""
             r"""(?P=q)\s*:(?:\s+|$)""")
_YAML = lazy_regex(r"^\s*(?:-\s+)?" + _YAML_KEY)
_YAML_KEY_AT_START = lazy_regex(_YAML_KEY)
_YAML_ITEM_ENV = lazy_regex(r"^\s*-\s+[\"']?(?P<key>[A-Za-z_][\w.\-]*)=")
# A block scalar header after ``key:``: ``|`` or ``>``, chomping and indentation marks.
_BLOCK_SCALAR = lazy_regex(r"^[|>][-+0-9]*\s*(?:#.*)?$")
_K8S_NAME = lazy_regex(r"^\s*-\s+name:\s*[\"']?(?P<name>[A-Za-z_][\w.\-]*)[\"']?\s*$")
_JSON = lazy_regex(r'"(?P<key>(?:[^"\\\n]|\\.){1,100})"\s*:\s*(?="|\')')
_TOML_INLINE = lazy_regex(r"""(?:^|[{,]\s*)(?P<key>[A-Za-z_][\w.\-]*|"[^"\n]+"|'[^'\n]+')\s*=\s*""")
# A colon that starts `://` is a URL's scheme, not the separator (`proxy_pass http://...`
# in an nginx .conf is a directive and its address, not a key "proxy_pass http").
_INI = lazy_regex(r"^\s*(?P<key>[^=:\s#;\[](?:[^=:#;\s]|\s+(?=[^=:#;\s]))*+)\s*"
                  r"(?:=|:(?!//))\s*")
_DOCKER = lazy_regex(r"^\s*(?P<cmd>ENV|ARG)\s+", re.IGNORECASE)
# Python read as text: ``NAME = "..."``, ``self.x: str = "..."``, ``keyword="..."``.
_PY_ASSIGN = lazy_regex(r"""(?<![\w.])(?P<key>[A-Za-z_][\w.]*)\s*(?::\s*[\w.\[\]]+\s*)?"""
                        r"""(?<![=!<>])=(?!=)\s*[rRbBuU]{0,2}(?=["'])""")
_DOCKER_PAIR = lazy_regex(r"(?<![\w.\-])(?P<key>[A-Za-z_][\w.\-]*+)=")


def pairs(text: str, kind: FileKind) -> Iterator[Pair]:
    """Every key/value pair of a config file of ``kind`` (env, shell, dockerfile, yaml,
    json, toml, ini, xml)."""
    lines = split_lines(text)  # the lines Source.line() and every span index
    if kind is FileKind.XML:
        yield from _xml(lines)
        return
    reader = _READERS.get(kind)
    if reader is None:
        return
    index = 0
    while index < len(lines):
        consumed = 1
        for pair, used in reader(lines, index):
            consumed = max(consumed, used)
            yield pair
        index += consumed


def _is_comment(line: str) -> bool:
    stripped = line.lstrip()
    return not stripped or stripped[0] in "#;" or stripped.startswith("//")


def read_value(line: str, start: int, *, comment_chars: str = "#",
               stop_at_space: bool = False) -> tuple[str, int, int]:
    """The value starting at ``start``: (value, start, end) offsets into ``line``.

    Quoted: up to the matching quote (backslash escapes in double quotes). Unquoted: up to
    an inline comment (a comment char after whitespace) or the end, trailing spaces cut.
    """
    rest = line[start:]
    if rest[:1] in ("'", '"', "`"):
        quote = rest[0]
        i = 1
        out: list[str] = []
        while i < len(rest):
            char = rest[i]
            if char == "\\" and quote == '"' and i + 1 < len(rest):
                out.append(rest[i + 1])
                i += 2
                continue
            if char == quote:
                return "".join(out), start + 1, start + i
            out.append(char)
            i += 1
        return "".join(out), start + 1, start + len(rest)
    end = len(line)
    stop = r"\s" if stop_at_space else rf"\s[{re.escape(comment_chars)}]"
    for match in re.finditer(stop, rest):
        end = start + match.start()
        break
    value = line[start:end].rstrip()
    return value, start, start + len(value)


def _pair(key: str, line: str, number: int, start: int, *, comment_chars: str = "#",
          stop_at_space: bool = False) -> Pair | None:
    value, begin, end = read_value(line, start, comment_chars=comment_chars,
                                   stop_at_space=stop_at_space)
    key = key.strip().strip("\"'")
    if not key or not value:
        return None
    return Pair(key, value, number, begin + 1, end + 1)


def _shell(lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    yield from _env(lines, index, shell=True)


def _env(lines: list[str], index: int, shell: bool = False) -> Iterator[tuple[Pair, int]]:
    line = lines[index]
    if _is_comment(line):
        return
    match = _ENV.match(line)
    if not match:
        return
    start = match.end()
    # A double-quoted value continued with a trailing backslash.
    used = 1
    if line[start:start + 1] == '"' and line.rstrip().endswith("\\") and line.count('"') == 1:
        joined = line.rstrip()[:-1]
        while index + used < len(lines):
            nxt = lines[index + used]
            used += 1
            joined += nxt.strip().rstrip("\\")
            if '"' in nxt:
                break
        pair = _pair(match.group("key"), joined, index + 1, start)
        if pair is not None:
            last = lines[index + used - 1]
            quote = last.find('"')
            yield Pair(pair.key, pair.value, pair.line, pair.column,
                       min(pair.end_column, len(line) + 1),
                       (index + used, quote + 1 if quote >= 0 else len(last) + 1)), used
        return
    pair = _pair(match.group("key"), line, index + 1, start, stop_at_space=shell)
    if pair is not None:
        yield pair, used


def _dockerfile(lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    line = lines[index]
    if _is_comment(line):
        return
    match = _DOCKER.match(line)
    if not match:
        return
    used = 1
    # ENV A=1 \
    #     B=2      (continuation lines hold more pairs)
    while line.rstrip().endswith("\\") and index + used < len(lines):
        for pair in _docker_pairs(lines[index + used], index + used, 0):
            yield pair, used + 1
        if not lines[index + used].rstrip().endswith("\\"):
            used += 1
            break
        used += 1
    for pair in _docker_pairs(line, index, match.end()):
        yield pair, used


def _docker_pairs(line: str, index: int, rest_start: int) -> Iterator[Pair]:
    while rest_start < len(line) and line[rest_start] in " \t":
        rest_start += 1
    rest = line[rest_start:]
    if "=" not in rest.split(" ", 1)[0]:
        # Legacy form: ENV KEY value with spaces
        parts = rest.split(None, 1)
        if len(parts) == 2:
            key = parts[0]
            value_start = line.index(parts[1], rest_start + len(key))
            pair = _pair(key, line, index + 1, value_start)
            if pair is not None:
                yield pair
        return
    position = rest_start
    while position < len(line):
        pm = _DOCKER_PAIR.match(line, position)
        if not pm:
            break
        value, begin, end = read_value(line, pm.end(), stop_at_space=True)
        if value:
            yield Pair(pm.group("key"), value, index + 1, begin + 1, end + 1)
        position = end + (1 if line[end:end + 1] in "\"'" else 0)
        while position < len(line) and line[position] in " \t\\":
            position += 1


def _yaml(lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    line = lines[index]
    if _is_comment(line):
        return
    item = _YAML_ITEM_ENV.match(line)
    if item:
        pair = _pair(item.group("key"), line, index + 1, item.end())
        if pair is not None:
            if pair.value.endswith(('"', "'")):
                pair = Pair(pair.key, pair.value[:-1], pair.line, pair.column,
                            pair.end_column - 1)
            yield pair, 1
        return
    match = _YAML.match(line)
    if not match:
        return
    # Kubernetes env lists:  - name: API_KEY
    #                          value: "..."
    if match.group("key") == "value" and index > 0:
        named = _K8S_NAME.match(lines[index - 1])
        if named:
            pair = _pair(named.group("name"), line, index + 1, match.end())
            if pair is not None:
                yield pair, 1
            return
    start = match.end()
    value = line[start:].strip()
    if _BLOCK_SCALAR.match(value):
        yield from _block_scalar(match.group("key"), lines, index)
        return
    if not value or value[0] in "|>&*{[" or value.startswith("!"):
        return
    pair = _pair(match.group("key"), line, index + 1, start)
    if pair is not None:
        yield pair, 1


def _block_scalar(key: str, lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    """``key: >`` and the lines indented below it, as one pair on its first line."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    body: list[tuple[int, str]] = []
    end = index + 1
    while end < len(lines):
        text = lines[end]
        if text.strip():
            if len(text) - len(text.lstrip()) <= indent:
                break
            body.append((end, text))
        end += 1
    if not body:
        return
    pieces = [text.strip() for _, text in body]
    value = ("" if not any(" " in p or "\t" in p for p in pieces) else " ").join(pieces)
    if value.startswith("-----BEGIN"):
        return  # a PEM block: TW103 reports private keys with their body
    first, text = body[0]
    column = len(text) - len(text.lstrip()) + 1
    yield (Pair(key.strip().strip("\"'"), value, first + 1, column, len(text.rstrip()) + 1),
           body[-1][0] - index + 1)
def yaml_key(content: str) -> tuple[str, int, int, int] | None:
    """A ``key:`` at the start of ``content`` (a YAML line from its first non-blank):
    (key, its start and end, where the value starts), offsets into ``content``. The line
    reader's grammar, shared with the fallback of :mod:`tokenward.analysis.structured`."""
    match = _YAML_KEY_AT_START.match(content)
    if match is None or content == "-" or content.startswith(("- ", "-\t")):  # an item
        return None
    return match.group("key"), match.start("key"), match.end("key"), match.end()


def _json(lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    line = lines[index]
    for match in _JSON.finditer(line):
        pair = _pair(match.group("key"), line, index + 1, match.end())
        if pair is not None:
            yield pair, 1


def _toml(lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    line = lines[index]
    if _is_comment(line) or line.lstrip().startswith("["):
        return
    for match in _TOML_INLINE.finditer(line):
        if line[match.end():match.end() + 1] not in ("'", '"'):
            continue
        pair = _pair(match.group("key"), line, index + 1, match.end())
        if pair is not None:
            yield pair, 1


def _python(lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    """Python that does not parse, read as text: assignments, keyword arguments and
    dictionary entries bound to a string literal on one line."""
    line = lines[index]
    if _is_comment(line):
        return
    for match in _PY_ASSIGN.finditer(line):
        pair = _pair(match.group("key"), line, index + 1, match.end())
        if pair is not None:
            yield pair, 1
    yield from _json(lines, index)


def _ini(lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    line = lines[index]
    if _is_comment(line) or line.lstrip().startswith("["):
        return
    match = _INI.match(line)
    if not match:
        return
    pair = _pair(match.group("key"), line, index + 1, match.end(), comment_chars="#;")
    if pair is not None:
        yield pair, 1
    elif line.rstrip().endswith("="):
        # ``per-file-ignores =`` and the more-indented lines below it are one multi-line
        # value, as configparser reads it (flake8's ``path:E501`` entries, a list of
        # paths): its lines are not pairs of their own.
        yield from _ini_continuation(match.group("key"), lines, index)


def _ini_continuation(key: str, lines: list[str], index: int) -> Iterator[tuple[Pair, int]]:
    """The lines indented below ``key =`` (an empty value): one value, its lines joined
    by a space (``password =`` then the password alone below it is that password)."""
    indent = indent_of(lines[index])
    end = index + 1
    while end < len(lines) and (not lines[end].strip() or indent_of(lines[end]) > indent):
        end += 1
    body = [number for number in range(index + 1, end) if lines[number].strip()]
    if not body:
        return
    first, last = body[0], body[-1]
    column = indent_of(lines[first]) + 1
    value = " ".join(lines[number].strip() for number in body)
    end_column = len(lines[last].rstrip()) + 1
    yield (Pair(key.strip(), value, first + 1, column,
                end_column if first == last else len(lines[first].rstrip()) + 1,
                None if first == last else (last + 1, end_column)), end - index)


# An opening (or self-closing) tag: its name and its attributes, on one line.
_XML_TAG = lazy_regex(r"<(?P<tag>[A-Za-z_][\w.\-]*+(?::[A-Za-z_][\w.\-]*+)?)"
                      r"(?P<attrs>[^<>]*+)>")
_XML_ATTR = lazy_regex(r"(?<![\w.\-:])(?P<key>[A-Za-z_][\w.\-:]*+)\s*=\s*(?=[\"'])")
# The attributes that name the setting an element's ``value`` attribute holds
# (.NET ``<add key=...>``, Spring and Ant ``<property name=...>``).
_XML_NAMING = frozenset({"key", "name"})


def _xml(lines: list[str]) -> Iterator[Pair]:
    """The pairs of an XML document, skipping comments. A ``<value>`` right after a
    ``<name>`` (or ``<key>``) element is bound to that name, as Hadoop's and Java's
    ``<property><name>fs.s3a.secret.key</name><value>...</value></property>`` mean it."""
    setting: str | None = None
    for pair in _xml_elements(lines):
        if pair.key == "value" and setting is not None:
            pair = Pair(setting, pair.value, pair.line, pair.column, pair.end_column)
        setting = pair.value if pair.key.lower() in _XML_NAMING else None
        yield pair


def _xml_elements(lines: list[str]) -> Iterator[Pair]:
    """The pairs of an XML document's elements and attributes, line by line."""
    in_comment = False
    for number, line in enumerate(lines, 1):
        position = 0
        while position < len(line):
            if in_comment:
                close = line.find("-->", position)
                if close < 0:
                    break
                in_comment, position = False, close + 3
                continue
            opening = line.find("<!--", position)
            end = len(line) if opening < 0 else opening
            yield from _xml_pairs(line[:end], number, position)
            if opening < 0:
                break
            in_comment, position = True, opening + 4


def _xml_pairs(line: str, number: int, start: int) -> Iterator[Pair]:
    """The pairs of the tags from ``start`` of ``line`` (cut before any comment)."""
    for tag in _XML_TAG.finditer(line, start):
        yield from _xml_attributes(line, number, tag)
        if tag.group("attrs").endswith("/"):
            continue
        name = tag.group("tag")
        close = line.find("<", tag.end())
        if close < 0 or not line.startswith(f"</{name}", close):
            continue
        text = line[tag.end():close]
        value = text.strip()
        if value:
            column = tag.end() + len(text) - len(text.lstrip()) + 1
            yield Pair(name.rpartition(":")[2], value, number, column, column + len(value))


def _xml_attributes(line: str, number: int, tag: re.Match[str]) -> Iterator[Pair]:
    found = {match.group("key"): match
             for match in _XML_ATTR.finditer(line, tag.start("attrs"), tag.end("attrs"))}
    named = next((found[key] for key in found if key.lower() in _XML_NAMING), None)
    value = found.get("value")
    if named is not None and value is not None:
        setting = read_value(line, named.end())[0]
        pair = _pair(setting, line, number, value.end())
        if pair is not None:
            yield pair
        return
    for key, match in found.items():
        pair = _pair(key.rpartition(":")[2], line, number, match.end())
        if pair is not None:
            yield pair


_READERS = {
    FileKind.ENV: _env,
    FileKind.SHELL: _shell,
    FileKind.DOCKERFILE: _dockerfile,
    FileKind.YAML: _yaml,
    FileKind.JSON: _json,
    FileKind.TOML: _toml,
    FileKind.INI: _ini,
    FileKind.PYTHON: _python,
}
