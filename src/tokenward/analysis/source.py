"""A file as the rules see it: its text, its kind, and (lazily) its libcst tree.

The tree is parsed at most once per file and only when a Python rule asks for it; node
positions are resolved only when a rule reports a node.
"""

from __future__ import annotations

import codecs
import dataclasses
import enum
import io
import re
import tokenize
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from tokenward.analysis.vocabulary import names_secret_file
from tokenward.model import Context, ScanError, Span
from tokenward.records import record

if TYPE_CHECKING:
    import ast
    from collections.abc import Callable

    import libcst as cst

    from tokenward.analysis.flow import Analysis
    from tokenward.analysis.issuers import ImportedIssuer
    from tokenward.analysis.positions import Range
    from tokenward.config import Config

N = TypeVar("N")
A = TypeVar("A", bound="ast.AST")
B = TypeVar("B", bound="ast.AST")
T = TypeVar("T")


class FileKind(enum.Enum):
    """What a file is, as far as the rules care: decides which rules run on it.

    An enum, not strings: a rule declaring a kind that does not exist is a type error
    (and a test), where a misspelt string would silently stop the rule.
    """

    PYTHON = "python"
    ENV = "env"
    YAML = "yaml"
    JSON = "json"
    TOML = "toml"
    INI = "ini"
    SHELL = "shell"
    DOCKERFILE = "dockerfile"
    # Terraform and Vault/Nomad policies: IAM documents and Vault policies live here.
    HCL = "hcl"
    NETRC = "netrc"
    # XML (Maven settings, Tomcat users, .NET app.config, seed data): elements and
    # attributes read as key/value pairs (analysis/config_pairs.py).
    XML = "xml"
    # Source code in other languages: read as text, its assignments by a small grammar
    # per family (analysis/assignments.py).
    JAVASCRIPT = "javascript"
    HTML = "html"
    GO = "go"
    JAVA = "java"
    RUBY = "ruby"
    PHP = "php"
    CSHARP = "csharp"
    # Any other text file (and, in a rule's kinds, "every text file").
    TEXT = "text"


# The kinds analysis/structured.py parses into documents.
STRUCTURED_KINDS = frozenset({FileKind.YAML, FileKind.JSON})

_KIND_BY_SUFFIX = {
    ".py": FileKind.PYTHON,
    ".pyi": FileKind.PYTHON,
    ".pyw": FileKind.PYTHON,
    ".env": FileKind.ENV,
    ".yaml": FileKind.YAML,
    ".yml": FileKind.YAML,
    ".json": FileKind.JSON,
    ".toml": FileKind.TOML,
    ".ini": FileKind.INI,
    ".cfg": FileKind.INI,
    ".conf": FileKind.INI,
    ".properties": FileKind.INI,
    ".sh": FileKind.SHELL,
    ".bash": FileKind.SHELL,
    ".zsh": FileKind.SHELL,
    ".tf": FileKind.HCL,
    ".hcl": FileKind.HCL,
    ".nomad": FileKind.HCL,
    ".js": FileKind.JAVASCRIPT,
    ".mjs": FileKind.JAVASCRIPT,
    ".cjs": FileKind.JAVASCRIPT,
    ".jsx": FileKind.JAVASCRIPT,
    ".ts": FileKind.JAVASCRIPT,
    ".mts": FileKind.JAVASCRIPT,
    ".cts": FileKind.JAVASCRIPT,
    ".tsx": FileKind.JAVASCRIPT,
    ".html": FileKind.HTML,
    ".htm": FileKind.HTML,
    ".vue": FileKind.HTML,
    ".svelte": FileKind.HTML,
    ".go": FileKind.GO,
    ".java": FileKind.JAVA,
    ".rb": FileKind.RUBY,
    ".php": FileKind.PHP,
    ".cs": FileKind.CSHARP,
    ".xml": FileKind.XML,
    ".config": FileKind.XML,
}


# Names whose content is text whatever bytes it holds: a NUL byte in one of these is a
# problem to report (the file is still scanned as text), not a binary file to skip.
_TEXT_SUFFIXES = frozenset({
    ".txt", ".md", ".rst", ".adoc", ".ipynb", ".csv", ".tsv", ".xml", ".html", ".htm",
    ".svg", ".css", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".vue", ".java", ".kt",
    ".kts", ".scala", ".groovy", ".gradle", ".go", ".rs", ".rb", ".php", ".pl", ".pm",
    ".cs", ".c", ".h", ".cc", ".cpp", ".hpp", ".m", ".swift", ".sql", ".r", ".lua",
    ".ps1", ".psm1", ".bat", ".cmd", ".fish", ".ksh", ".pem", ".key", ".pub",
    ".tpl", ".j2", ".jinja", ".tmpl", ".template", ".example", ".sample", ".jsonc",
    ".json5", ".lock", ".config", ".xaml", ".log",
})


# Names of files that are never text: images, archives, fonts, compiled code, media,
# documents. Skipped as binary whatever their first bytes (a PDF may start with 8 KiB of
# NUL-free bytes that are not UTF-8 either).
_BINARY_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".webp", ".tif", ".tiff",
    ".psd", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar", ".jar",
    ".war", ".whl", ".egg", ".ttf", ".otf", ".woff", ".woff2", ".eot", ".pyc", ".pyo",
    ".so", ".dll", ".dylib", ".exe", ".o", ".a", ".lib", ".class", ".wasm", ".bin", ".pdf",
    ".mp3", ".mp4", ".wav", ".ogg", ".flac", ".avi", ".mov", ".mkv", ".webm", ".doc",
    ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".sqlite", ".sqlite3",
})


def is_text_kind(path: str, kind: FileKind) -> bool:
    """True when the file's name says it holds text (a kind tokenward reads, or a known
    text extension)."""
    return kind is not FileKind.TEXT or suffix_of(path.lower()) in _TEXT_SUFFIXES


def is_binary_kind(path: str) -> bool:
    """True when the file's name says it is never text (an image, an archive, ...)."""
    return suffix_of(path.lower()) in _BINARY_SUFFIXES


def name_of(path: str) -> str:
    """``PurePosixPath(path).name`` of a ``/``-separated file path, with string methods:
    asked of every file (a history scan: of every blob), where building the path object
    cost more than the rest of the question."""
    return path.rstrip("/").rpartition("/")[2]


def suffix_of(path: str) -> str:
    """``PurePosixPath(path).suffix`` of a ``/``-separated file path (``.env``: none)."""
    name = name_of(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def kind_of(path: str, head: bytes = b"") -> FileKind:
    """The file kind, from the name (and a shebang for extension-less scripts)."""
    name = name_of(path)
    lower = name.lower()
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return FileKind.ENV
    if lower.startswith("dockerfile") or lower.endswith(".dockerfile") or lower == "containerfile":
        return FileKind.DOCKERFILE
    if lower in (".netrc", "_netrc"):
        return FileKind.NETRC
    if lower in (".pypirc", ".npmrc", ".gitconfig", ".boto"):
        return FileKind.INI
    suffix = suffix_of(lower)
    if suffix == ".txt" and names_secret_file(name[:len(name) - len(suffix)]) \
            and _starts_with_pair(head):
        # client_cred.txt, credentials.txt: `name: value` lines, read as INI reads them.
        return FileKind.INI
    if suffix in _KIND_BY_SUFFIX:
        return _KIND_BY_SUFFIX[suffix]
    if head.startswith(b"#!"):
        first = head.split(b"\n", 1)[0]
        if b"python" in first:
            return FileKind.PYTHON
        if any(sh in first for sh in (b"sh", b"bash", b"zsh")):
            return FileKind.SHELL
    return FileKind.TEXT


# A `name: value` or `name=value` line.
_PAIR_LINE = re.compile(rb"[A-Za-z_][\w.\-]*+[ \t]*[:=]")


def _starts_with_pair(head: bytes) -> bool:
    """Whether a file's first line (unknown: yes) binds a name: a word list of leaked
    passwords holds one value a line, and ``password=09=09$`` on one is a value."""
    first = next((line for line in head.splitlines() if line.strip()), b"")
    return not first or _PAIR_LINE.match(first.strip()) is not None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str, *, keepends: bool = False) -> list[str]:
    """The lines of a file as Python counts them (``\\n``, ``\\r\\n``, ``\\r``).

    Spans are line/column pairs: the lines they index must be these, or a form feed
    earlier in the file would make a redacted line the wrong one.
    """
    if keepends:
        return _LINE_WITH_END.findall(text)
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines



@record
class Decoded:
    """A file's text, the encoding it was read in, and why it did not decode cleanly."""

    text: str
    encoding: str
    error: str | None = None  # set when the bytes were not valid in the expected encoding


# UTF-32 first: its little-endian BOM begins with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces (UTF-8, UTF-16 or UTF-32), or None."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def decode(data: bytes, kind: FileKind) -> Decoded:
    """Decode by the byte-order mark (UTF-8, UTF-16, UTF-32), else as UTF-8 or a PEP 263
    declared encoding.

    Bytes that do not decode are mapped through Latin-1, so every byte is still scanned
    as text, and the problem is reported.
    """
    encoding = bom_encoding(data) or "utf-8"
    if encoding == "utf-8" and kind is FileKind.PYTHON and b"coding" in data[:400]:
        try:
            encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        except SyntaxError as exc:
            return Decoded(data.decode("latin-1"), "latin-1",
                           f"bad encoding declaration: {_declaration_problem(exc)}")
    try:
        return Decoded(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        return Decoded(
            data.decode("latin-1"),
            "latin-1",
            f"not valid {encoding}{where} ({reason}); scanned as Latin-1 text",
        )


def _declaration_problem(exc: SyntaxError) -> str:
    """tokenize's complaint, without a declared name that is no codec: the name is file
    content and can be anything (``# -*- coding: <a token pasted there> -*-``)."""
    head, sep, name = str(exc).rpartition(": ")
    if not sep:
        return "not readable"
    try:
        codecs.lookup(name)
    except LookupError:
        return f"{head} (the name is not shown: it is file content)"
    return f"{head}: {name}"


def breadth_first(tree: ast.AST, *, not_into: tuple[type[ast.AST], ...] = ()) -> list[ast.AST]:
    """``list(ast.walk(tree))`` without the singletons a node names its context or operator
    with (``Load``, ``Add``, ``Eq`` ...: a third of a tree's nodes, and no screen asks for
    them: it reads ``node.ctx``, ``node.op``), and without a generator per node and per
    field; a node of a type in ``not_into`` is listed, and what it holds is not."""
    import ast

    nodes = [tree]
    known, node_class = _SYNTAX_CHILDREN, ast.AST
    for node in nodes:  # the list grows as it is read: breadth first
        if not_into and isinstance(node, not_into):
            continue
        kind = type(node)
        fields = known.get(kind)
        if fields is None:
            fields = _syntax_child_fields(kind)
        for name, holds_others in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                nodes.extend(value if not holds_others
                             else [item for item in value if isinstance(item, node_class)])
            elif isinstance(value, node_class):
                nodes.append(value)
    return nodes


# Fields that never hold a node to list: names, numbers, flags, and the singletons.
_NOT_CHILDREN = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "name", "module", "level",
                           "kind", "type_comment", "is_async", "conversion", "simple", "tag"})
# The list fields that may hold something else than nodes (a ``None`` key of ``{**d}``, a
# ``None`` default of a keyword-only argument, the identifiers of ``global``), which are
# left out; every other list field of the grammar holds only nodes.
_MIXED_LISTS = frozenset({("Dict", "keys"), ("arguments", "kw_defaults"), ("Global", "names"),
                          ("Nonlocal", "names"), ("MatchClass", "kwd_attrs")})


_SYNTAX_CHILDREN: dict[type, tuple[tuple[str, bool], ...]] = {}


def _syntax_child_fields(kind: type) -> tuple[tuple[str, bool], ...]:
    """The fields of an ``ast`` node type that may hold nodes to list, each with whether
    it is a list that may also hold something else (remembered per type)."""
    fields = _SYNTAX_CHILDREN[kind] = tuple(
        (name, (kind.__name__, name) in _MIXED_LISTS)
        for name in getattr(kind, "_fields", ()) if name not in _NOT_CHILDREN)
    return fields


# Past this many top-level statements with a finding, a file's ranges come from its whole code.
_MOST_STATEMENTS = 32


def _parse(text: str) -> cst.Module:
    """libcst's tree, parsed with the cyclic garbage collector paused (see
    :func:`collector_paused`): a third of the parse time went to collections; and
    without checking each node the parser makes (:func:`_nodes_unchecked`)."""
    import libcst as cst

    with collector_paused(), _nodes_unchecked():
        return cst.parse_module(text)


@contextmanager
def _nodes_unchecked() -> Iterator[None]:
    """libcst checks every node it constructs (``CSTNode.__post_init__`` calls
    ``_validate``: parentheses balanced, required spaces present). For the nodes its own
    parser makes from text that parsed, the checks are true by construction, and they
    cost a tenth of the parse (libcst's own comment there calls them a cost to move out
    of parsing). Paused for the parse only: nodes built later (a fix's) are checked."""
    from libcst import CSTNode

    checked = CSTNode.__dict__.get("__post_init__")
    if checked is None:  # another libcst: nothing to pause
        yield
        return
    CSTNode.__post_init__ = _unchecked  # type: ignore[method-assign]
    try:
        yield
    finally:
        CSTNode.__post_init__ = checked  # type: ignore[method-assign]


def _unchecked(self: object) -> None:
    return None


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """The cyclic garbage collector paused while a tree or its index is built: they make
    many thousands of objects that all stay alive, and the collector, set off every few
    hundred allocations, walked them again and again for nothing (on a long module, more
    often the longer it is: a cost that grew faster than the file).

    ``keep``: what is made meanwhile lives as long as the run (a listing of every file):
    it is frozen (``gc.freeze``) before the collector resumes, so the collection the
    pause has made due walks none of it (a warm scan of Home Assistant's wheel: 0.99 ->
    0.93 s); the run unfreezes it at its end (``pipeline.run_pipeline``)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if keep:
                gc.freeze()
            gc.enable()


def _syntax_error(text: str) -> str:
    """Python's own description of a syntax error (clearer than the parser's)."""
    import ast

    try:
        ast.parse(text)
    except SyntaxError as exc:
        return f"syntax error at line {exc.lineno}, column {exc.offset}: {exc.msg}"
    except (RecursionError, MemoryError, ValueError):
        pass
    return "syntax error (libcst cannot parse this file)"


def _parses(text: str) -> bool:
    """Whether Python's parser surely accepts ``text``, asked where no screen built the
    ``ast`` tree (most files): its symbol table is built from the parser's C tree without
    the Python objects of an ``ast`` tree (1.5 s against 2.4 s of CPU over Django's 2,823
    files). False says only "ask ``ast``": the symbol table also refuses what the parser
    accepts (a duplicate argument, a misplaced ``nonlocal``)."""
    import symtable
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning: not the user's question here
            symtable.symtable(text, "<file>", "exec")
    except Exception:  # SyntaxError, or what ast.parse must judge (null bytes, depth)
        return False
    return True


# Node classes whose dataclass fields are not declared in source order: the fields that
# hold code before the others (decorators, ``async``, the ``x`` of ``x if c else y``).
_SOURCE_ORDER_FIRST: dict[str, tuple[str, ...]] = {
    "FunctionDef": ("decorators", "asynchronous", "name", "type_parameters", "params",
                    "returns"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords"),
    "IfExp": ("body", "test"),
    "TypeAlias": ("name", "type_parameters"),
    "With": ("asynchronous",),
    "For": ("asynchronous",),
    "Arg": ("star", "keyword"),
    "ExceptHandler": ("type", "name"),
    "ExceptStarHandler": ("type", "name"),
    "MatchCase": ("pattern", "guard"),
}
_CHILD_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _child_fields(node_type: type[Any]) -> tuple[str, ...]:
    names = _CHILD_FIELDS.get(node_type)
    if names is None:
        declared = [f.name for f in dataclasses.fields(node_type)]
        first = [n for n in _SOURCE_ORDER_FIRST.get(node_type.__name__, ()) if n in declared]
        names = _CHILD_FIELDS[node_type] = (*first, *(n for n in declared if n not in first))
    return names


@lru_cache(maxsize=1)
def _layout_types() -> frozenset[type[Any]]:
    import libcst as cst

    return frozenset({
        cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace,
        cst.Newline, cst.EmptyLine, cst.Comment, cst.Comma, cst.Dot, cst.Colon,
        cst.Semicolon, cst.AssignEqual, cst.LeftParen, cst.RightParen,
        cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
        cst.RightCurlyBrace,
    })


class _Indexed(dict[type[Any], bool]):
    """Type of a field's value -> whether NodeIndex indexes it (a libcst node that is not
    layout), decided the first time the type is met."""

    def __missing__(self, kind: type[Any]) -> bool:
        import libcst as cst

        wanted = self[kind] = issubclass(kind, cst.CSTNode) and kind not in _layout_types()
        return wanted


_INDEXED = _Indexed()


class NodeIndex:
    """Every node of a tree by type, with parents: one traversal shared by all rules."""

    def __init__(self, module: cst.Module) -> None:
        self._by_type: dict[type[Any], list[Any]] = defaultdict(list)
        self._parent: dict[int, Any] = {}
        # Pre-order position of every node: "comes before" without resolving positions
        # (PositionProvider regenerates the whole file's code: many times the parse).
        self._order: dict[int, int] = {}
        by_type = self._by_type
        parent = self._parent
        order = self._order
        # Layout nodes (whitespace, newlines, commas, dots, brackets) are over half of a
        # tree and no rule asks for them: not indexed, not descended into. Whether a
        # field's value is a node to index, by its type: ``isinstance(v, cst.CSTNode)``
        # goes through the ABC machinery, and it was asked of every field of every node.
        indexed = _INDEXED

        # An explicit stack instead of a visitor: this is the hot path, and deep
        # expressions must not hit the recursion limit. Children are read from the
        # dataclass fields directly: libcst's ``node.children`` runs a visitor per node
        # and made indexing cost three times the parse.
        stack: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(module, None)]
        while stack:
            node, up = stack.pop()
            order[id(node)] = len(order)
            by_type[type(node)].append(node)
            if up is not None:
                parent[id(node)] = up
            children: list[cst.CSTNode] = []
            for name in _child_fields(type(node)):
                value = getattr(node, name)
                if indexed[type(value)]:
                    children.append(value)
                elif isinstance(value, list | tuple):
                    for item in value:  # a loop: a generator here cost a fifth more
                        if indexed[type(item)]:
                            children.append(item)
            for child in reversed(children):
                stack.append((child, node))

    def of(self, node_type: type[N]) -> list[N]:
        """Nodes of exactly this type, in source order."""
        return self._by_type.get(node_type, [])

    def parent(self, node: Any) -> Any | None:
        return self._parent.get(id(node))

    def order(self, node: Any) -> int:
        """The node's place in source order (pre-order: a statement before its parts)."""
        return self._order[id(node)]

    def ancestors(self, node: Any) -> Iterator[Any]:
        up = self.parent(node)
        while up is not None:
            yield up
            up = self.parent(up)


@dataclass
class Source:
    """One file being scanned. ``path`` is the display path (relative, ``/``-separated)."""

    path: str
    text: str
    kind: FileKind
    config: Config
    encoding: str = "utf-8"
    # Where the file lives, decided once by the engine (settings' globs, else
    # analysis.context): the findings carry it, and the context policy reads it.
    context: Context = Context.PRODUCTION
    # Token issuers of other files this file calls, found by the project join
    # (scanner/project.py; analysis/issuers.py): empty in the first pass.
    imported: tuple[ImportedIssuer, ...] = ()
    _errors: list[ScanError] = field(default_factory=list)
    # Facts an analysis helper derived about this file, keyed by the helper: computed once
    # and freed with the source (never a module-level cache a later file could hit).
    _facts: dict[object, object] = field(default_factory=dict, repr=False)

    @classmethod
    def of_module(cls, module: cst.Module, config: Config, path: str = "<fixed>") -> Source:
        """A source over a tree already parsed (the fix's): its nodes are the tree's own, so
        an analysis answer names nodes the caller can edit."""
        source = cls(path, module.code, FileKind.PYTHON, config)
        source.__dict__["module"] = module  # what the cached property would have parsed
        return source

    @cached_property
    def lowered(self) -> str:
        return self.text.lower()

    @cached_property
    def lines(self) -> list[str]:
        # Python's line breaks, as libcst counts them: spans index these lines.
        return split_lines(self.text)

    def line(self, number: int) -> str:
        """The 1-based line ``number``, or "" past the end."""
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    @cached_property
    def _complexity(self) -> str | None:
        """Why libcst must not parse this file (analysis/nesting.py), or None."""
        from tokenward.analysis.nesting import too_complex

        return too_complex(self.text)

    @cached_property
    def _python_tree(self) -> tuple[ast.Module | None, bool]:
        """Python's own tree of the file, parsed once for every screen and for the syntax
        check (reading what libcst reads: ``python_syntax``), and whether ``ast``
        rejected the file as a syntax error."""
        from tokenward.analysis.python_syntax import parse_python

        try:
            return parse_python(self.text), False
        except SyntaxError:
            return None, True
        except (RecursionError, MemoryError, ValueError):
            return None, False

    @property
    def syntax(self) -> ast.Module | None:
        """Python's own tree (``ast``: several times cheaper than libcst's), for the rules'
        screens: whether a rule could fire at all, before it asks for :attr:`module`. None
        where a screen must let the file through: ``ast`` rejects it (libcst may accept a
        syntax this Python does not know). Whether libcst would refuse the file as too
        complex is asked only when a rule that passed its screen asks for the tree (and
        the refusal is reported then): a file every screen rejects needs no libcst tree,
        like a file no rule wants (the token-level measure cost 5% of a cold scan of Home
        Assistant's wheel)."""
        return self._python_tree[0]

    @cached_property
    def syntax_nodes(self) -> list[ast.AST]:
        """Every node of :attr:`syntax` in ``ast.walk``'s order (breadth first), listed once
        for every screen: each walked the whole tree itself, which cost more than the
        parse on Django's source. Empty when there is no tree (ask :attr:`syntax` first)."""
        tree = self.syntax
        return [] if tree is None else breadth_first(tree)

    @cached_property
    def _syntax_kinds(self) -> dict[type, list[int]]:
        """Node type -> where its nodes stand in :attr:`syntax_nodes`."""
        kinds: dict[type, list[int]] = defaultdict(list)
        for number, node in enumerate(self.syntax_nodes):
            kinds[type(node)].append(number)
        return kinds

    @overload
    def syntax_of(self, kind: type[A], /) -> list[A]: ...

    @overload
    def syntax_of(self, first: type[A], second: type[B], /) -> list[A | B]: ...

    @overload
    def syntax_of(self, *kinds: type[ast.AST]) -> list[ast.AST]: ...

    def syntax_of(self, *kinds: type[ast.AST]) -> list[Any]:
        """The nodes of :attr:`syntax_nodes` of the types ``kinds`` (exactly: ``ast`` makes
        no node of a subclass), in that list's order: what a screen asks instead of testing
        every node of the file (each screen did, over the whole list)."""
        nodes, where = self.syntax_nodes, self._syntax_kinds
        numbers = where.get(kinds[0], []) if len(kinds) == 1 else sorted(
            n for kind in kinds for n in where.get(kind, ()))
        return [nodes[n] for n in numbers]

    def syntax_segment(self, node: ast.expr) -> str:
        """The source text of ``node`` of :attr:`syntax` (``ast.get_source_segment``, whose
        line split, redone on every call, made screens quadratic; ``ast`` columns count
        UTF-8 bytes)."""
        lines = self._lines_with_ends
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        end = node.end_col_offset or 0
        if first == last:
            return lines[first].encode()[node.col_offset:end].decode()
        return "".join([lines[first].encode()[node.col_offset:].decode(), *lines[first + 1:last],
                        lines[last].encode()[:end].decode()])

    @cached_property
    def _lines_with_ends(self) -> list[str]:
        return split_lines(self.text, keepends=True)

    @cached_property
    def module(self) -> cst.Module | None:
        """The libcst tree, or None when the file does not parse (recorded as an error).

        Code too deep or too long for libcst's parser (it segfaults, or takes minutes) is
        refused before the parser sees it: see analysis/nesting.py.
        """
        if "_python_tree" in self.__dict__:
            # The screens' tree is not asked for once this one exists (a rule that has a
            # tree reads it): freed before the parse, so both are never held at once.
            self.__dict__["_python_tree"] = (None, self._python_tree[1])
            self.__dict__.pop("syntax_nodes", None)
            self.__dict__.pop("_syntax_kinds", None)
        problem = self._complexity
        if problem is not None:
            self._problem(f"too deeply nested to analyse ({problem}); text-level checks ran",
                          unscanned=True)
            return None
        import libcst as cst

        try:
            return _parse(self.text)
        except cst.ParserSyntaxError:
            self._problem(f"{_syntax_error(self.text)}; text-level checks still ran")
        except RecursionError:
            self._problem("too deeply nested to analyse (the parser ran out of stack); "
                          "text-level checks ran", unscanned=True)
        except Exception as exc:  # libcst raises a few other types on odd input
            self._problem(f"cannot parse: {type(exc).__name__}; text-level checks ran",
                          unscanned=True)
        return None

    def report_syntax_error(self) -> None:
        """Record a Python file's syntax error even when no rule needed its tree.

        The rules' prefilters skip the parse for most files; a syntax error must be reported
        whatever they say. Python's own parser (fast, in C) screens the file, and only a
        file it rejects goes to libcst, so the error reads as when a rule parsed it (and a
        newer syntax libcst accepts is no error).
        """
        if self.kind is not FileKind.PYTHON or "module" in self.__dict__:
            return
        if "_python_tree" not in self.__dict__ and _parses(self.text):
            return
        # Too deep for ast (not a syntax error): the rules that needed a tree said so.
        if self._python_tree[1]:
            _ = self.module

    def _problem(self, message: str, *, unscanned: bool = False) -> None:
        self._errors.append(ScanError(self.path, message, unscanned=unscanned))

    @cached_property
    def index(self) -> NodeIndex | None:
        module = self.module
        if module is None:
            return None
        with collector_paused():
            return NodeIndex(module)

    @cached_property
    def analysis(self) -> Analysis:
        """The file's semantic model (bindings, imports, data flow); for a file that parsed."""
        from tokenward.analysis.flow import Analysis

        index = self.index
        assert self.module is not None and index is not None, "the file did not parse"
        return Analysis(self.module, index)

    def screened(self, screen: Callable[[Source], bool]) -> bool:
        """Whether a rule's screen (``Rule.screens``) lets the file through to its libcst
        tree: yes when that tree is built already (the rule reads it: cheaper than the
        screen) or ``ast`` cannot read the file (libcst may); else ``screen(self)`` over
        the shared ``ast`` tree (:attr:`syntax`), computed once per file."""
        if "module" in self.__dict__ or self.syntax is None:
            return True
        return self.fact(screen)

    def fact(self, build: Callable[[Source], T]) -> T:
        """``build(self)``, computed once per file: for facts a helper derives from the
        whole file (the HTTP clients that carry credentials, the seeded generators)."""
        if build not in self._facts:
            self._facts[build] = build(self)
        return cast(T, self._facts[build])

    @cached_property
    def _positions(self) -> dict[cst.CSTNode, Range]:
        from tokenward.analysis.positions import node_ranges

        assert self.module is not None
        return node_ranges(self.module)

    def span(self, node: cst.CSTNode) -> Span:
        """The 1-based span of a node (columns 1-based, end exclusive)."""
        (line, column), (end_line, end_column) = self._range(node)
        return Span(line, column + 1, end_line, end_column + 1)

    def _range(self, node: cst.CSTNode) -> Range:
        """A node's range: from the code of its top-level statement alone where that can
        be placed in the file (a file with a finding has it in a few statements, and
        the whole file's code generation cost more than its parse), else from the whole
        file's (:attr:`_positions`)."""
        if "_positions" not in self.__dict__:
            found = self._statement_range(node)
            if found is not None:
                return found
        return self._positions[node]

    def _statement_range(self, node: cst.CSTNode) -> Range | None:
        statement = self._top_statement(node)
        if statement is None:
            return None
        known = self._statement_positions
        if statement not in known:
            if len(known) >= _MOST_STATEMENTS:
                return None  # findings all over the file: its whole code at once
            known[statement] = self._positions_in(statement)
        ranges = known[statement]
        return None if ranges is None else ranges.get(node)

    def _top_statement(self, node: cst.CSTNode) -> cst.BaseStatement | None:
        """The statement of the module's body that holds ``node`` (None for the module)."""
        index = self.index
        if index is None:
            return None
        while (up := index.parent(node)) is not None:
            if up is self.module:
                return cast("cst.BaseStatement", node)
            node = up
        return None

    def _positions_in(self, statement: cst.BaseStatement) -> dict[cst.CSTNode, Range] | None:
        """The ranges of one top-level statement's nodes, its first line read from
        Python's own tree; None when the file does not hold the statement's code there
        (the trees disagree, ``ast`` cannot read the file, the last line has no line
        break): the whole file's code is generated instead."""
        from tokenward.analysis.positions import lines_before_first_token, statement_ranges

        lines, numbers = self._statement_lines
        if lines is None or id(statement) not in numbers:
            return None
        first = lines[numbers[id(statement)]] - lines_before_first_token(statement)
        if not 0 < first <= len(self._line_offsets):
            return None
        assert self.module is not None
        ranges, code = statement_ranges(self.module, statement, first)
        return ranges if self.text.startswith(code, self._line_offsets[first - 1]) else None

    @cached_property
    def _statement_positions(self) -> dict[cst.CSTNode, dict[cst.CSTNode, Range] | None]:
        return {}

    @cached_property
    def _statement_lines(self) -> tuple[list[int] | None, dict[int, int]]:
        """The first token's line of each statement of the module's body, and each
        statement's place in it."""
        from tokenward.analysis.positions import first_token_lines

        assert self.module is not None
        numbers = {id(statement): n for n, statement in enumerate(self.module.body)}
        tree = self.whole_syntax
        return (None if tree is None else first_token_lines(self.module, tree)), numbers

    @cached_property
    def whole_syntax(self) -> ast.Module | None:
        """Python's own tree of the file for what is asked once the rules are done (a
        finding's place, its context's regions): the screens' tree when it is still held,
        else read again once (it is freed when libcst parses). None when ``ast`` cannot
        read the file."""
        if self.syntax is not None:
            return self.syntax
        from tokenward.analysis.python_syntax import parse_python

        try:
            return parse_python(self.text)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            return None

    @cached_property
    def _line_offsets(self) -> list[int]:
        """Where each line starts in :attr:`text` (lines as libcst counts them)."""
        offsets, total = [], 0
        for line in self._lines_with_ends:
            offsets.append(total)
            total += len(line)
        return offsets

    def code(self, node: cst.CSTNode) -> str:
        assert self.module is not None
        return self.module.code_for_node(node)

    @property
    def errors(self) -> list[ScanError]:
        return self._errors
