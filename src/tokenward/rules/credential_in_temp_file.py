"""TW604: a credential written to, or named in, a file under a shared temp directory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tokenward.analysis.source import FileKind, Source
from tokenward.analysis.vocabulary import (
    carries_credential,
    described_as_credential,
    is_credential_key,
    mentions_credentials,
)
from tokenward.lazy import lazy_regex
from tokenward.model import Category, Hit, Severity
from tokenward.rules import examples
from tokenward.rules.base import PYTHON, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import python
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    python = lazy_module("tokenward.analysis.python")

# Directories every local user can list and, with the default umask, read files in.
_SHARED_DIRS = ("/tmp/", "/var/tmp/", "/dev/shm/")
_WRITES = frozenset({"write", "write_text", "write_bytes", "writelines"})
_PATH_TYPES = frozenset({"Path", "PosixPath", "PurePath", "PurePosixPath"})
_PLACEHOLDER = lazy_regex(r"\{[^{}]*\}")


def _detect(source: Source) -> Iterator[Hit]:
    if source.kind is not FileKind.PYTHON or source.index is None:
        return
    for call in source.index.of(cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _WRITES and call.args:
            path = _shared_path(source, func.value)
            name = _credential_name(call.args[0].value)
            if path is not None and name is not None:
                yield Hit(span=source.span(call), target=name, detail=path,
                          code=source.code(call))
        named = _credential_in_template(source, call)
        if named is not None:
            yield Hit(span=source.span(call), target=named[0], detail=named[1],
                      code=source.code(call))
    for fstring in source.index.of(cst.FormattedString):
        named = _credential_in_fstring(fstring)
        if named is not None:
            yield Hit(span=source.span(fstring), target=named[0], detail=named[1],
                      code=source.code(fstring))


def _shared_path(source: Source, node: cst.BaseExpression, depth: int = 0) -> str | None:
    """The shared-temp path a file object or path was opened on: ``open("/tmp/k", "w")``,
    ``Path("/tmp") / "k"``, ``os.path.join(tempfile.gettempdir(), "k")``, ``path.open("w")``,
    a ``with ... as f`` target, names bound to them."""
    if depth > 6:
        return None
    value = source.analysis.resolve(node)
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Divide):
        return _shared_path(source, value.left, depth + 1)
    if not isinstance(value, cst.Call):
        text = _leading_text(value)
        return text if text is not None and _in_shared_dir(text) else None
    name = source.analysis.qualified(value.func) or python.dotted_name(value.func) or ""
    if name.endswith("gettempdir"):
        return "/tmp"
    if name in ("open", "os.path.join") or name.rpartition(".")[2] in _PATH_TYPES:
        return _shared_path(source, value.args[0].value, depth + 1) if value.args else None
    if isinstance(value.func, cst.Attribute) and value.func.attr.value == "open":
        return _shared_path(source, value.func.value, depth + 1)
    return None


def _in_shared_dir(text: str) -> bool:
    return text.startswith(_SHARED_DIRS) or text in (d.rstrip("/") for d in _SHARED_DIRS)


def _leading_text(node: cst.BaseExpression) -> str | None:
    """The literal text a path starts with (a string, or an f-string's first part)."""
    if isinstance(node, cst.FormattedString) and node.parts \
            and isinstance(node.parts[0], cst.FormattedStringText):
        return node.parts[0].value
    return python.string_value(node)


def _credential_name(node: cst.BaseExpression) -> str | None:
    """The credential a written value is, by its name (``api_key``, ``creds["token"]``)."""
    if isinstance(node, cst.Name | cst.Attribute):
        name = python.last_name(node)
        return name if carries_credential(name) else None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 \
            and isinstance(node.slice[0].slice, cst.Index):
        key = python.string_value(node.slice[0].slice.value)
        return key if is_credential_key(key) else None
    return None


def _interpolated(name: str | None, before: str) -> bool:
    """A value put into a file name: a credential by its own name, or by the words just
    before it (``"/tmp/app.apikey.{}".format(key)``)."""
    return name is not None and (carries_credential(name)
                                 or described_as_credential(name, before))


def _credential_in_template(source: Source, call: cst.Call) -> tuple[str, str] | None:
    """``"/tmp/app.apikey.{}.{}".format(user, key)``: positional placeholders in order."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "format"):
        return None
    template = python.string_value(func.value)
    if template is None or not template.startswith(_SHARED_DIRS):
        return None
    positional = [a.value for a in call.args if a.keyword is None]
    holes = list(_PLACEHOLDER.finditer(template))
    for hole, value in zip(holes, positional, strict=False):
        name = python.last_name(value)
        if _interpolated(name, template[: hole.start()]):
            return name or "", template[: holes[0].start()]
    return None


def _credential_in_fstring(fstring: cst.FormattedString) -> tuple[str, str] | None:
    text = _leading_text(fstring)
    if text is None or not text.startswith(_SHARED_DIRS):
        return None
    before = ""
    for part in fstring.parts:
        if isinstance(part, cst.FormattedStringText):
            before += part.value
        elif isinstance(part, cst.FormattedStringExpression):
            name = python.last_name(part.expression)
            if _interpolated(name, before):
                return name or "", text
    return None


def _may_touch_temp(text: str) -> bool:
    """File prefilter (lower-cased text): a shared temp directory and a credential's name."""
    return ("gettempdir" in text or any(d.rstrip("/") in text for d in _SHARED_DIRS)) \
        and mentions_credentials(text)


_BAD, _GOOD = examples.load("credential_in_temp_file")

RULE = Rule(
    id="TW604",
    name="credential-in-temp-file",
    title="Credential written to a shared temp directory",
    category=Category.TOKEN_EXPOSURE,
    severity=Severity.MEDIUM,
    cwe=(377, 538),
    message="{target} goes into a file under {detail}: every local user can list that "
            "directory, and with the default umask read the file",
    hint="Keep credentials in the OS keyring, the token store or a file in the user's own "
         "directory created with mode 0600 (os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)); "
         "never put a secret in a file name.",
    docs=RuleDocs(
        what="A credential (judged by its name: `api_key`, `token`, `password`, "
             "`creds['token']`) written with `.write()`/`.write_text()`/`.write_bytes()` to "
             "a file opened on a path under `/tmp/`, `/var/tmp/` or `/dev/shm/` (`open(...)`, "
             "`Path(...)`, `Path('/tmp') / name`, `os.path.join(tempfile.gettempdir(), ...)`, "
             "`path.open('w')`, followed through names and `with ... as`), or "
             "put into the name of such a file (`'/tmp/app.apikey.{}'.format(key)`, "
             "`f'/tmp/{token}.json'`; a bare `key` counts when the text before it names a "
             "credential).",
        why="Shared temp directories are readable by every local user and process: file "
            "names are listable by all, and files created with the default umask (0644) "
            "are readable by all; other users can also pre-create or replace a predictable "
            "path (CWE-377, CWE-538).",
        how="Keep credentials in the OS keyring or a secret store; if a file is needed, put "
            "it in the user's own directory (`~/.config/app/`), create it with mode 0600, "
            "and never put a secret in a file name. For scratch files, `tempfile."
            "mkstemp()` creates them private.",
        not_flagged="Temp files whose content or name is not a credential, files in "
                    "`tempfile.mkstemp()`/`TemporaryDirectory()` paths (private by "
                    "default), and paths outside the shared temp directories.",
        references=("https://cwe.mitre.org/data/definitions/377.html",
                    "https://cwe.mitre.org/data/definitions/538.html"),
    ),
    detect=_detect,
    kinds=PYTHON,
    keywords=("/tmp", "/var/tmp", "/dev/shm", "gettempdir"),
    prefilter=_may_touch_temp,
    bad=_BAD,
    good=_GOOD,
)
