"""``parse_python``: Python's ``ast`` reading exception tuples without parentheses as libcst
does (``except HTTPError, e:``: Python 2 code in a history scan, Python 3.14's PEP 758)."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from tokenward.analysis.python_syntax import parse_python
from tokenward.config import Config
from tokenward.rules import RULES
from tokenward.scanner.engine import FileTask, active_rules, scan_file

PYTHON2_MODULE = '''\
import urllib2

def fetch(url):
    try:
        return urllib2.urlopen(url)
    except urllib2.HTTPError, why:
        return why
    except (SocketTimeout,
            Empty), e: raise Retry(e)
'''


def segments(text: str, tree: ast.AST) -> list[tuple[str, str | None]]:
    return [(type(node).__name__, ast.get_source_segment(text, node))
            for node in ast.walk(tree) if isinstance(node, ast.expr)
            and not isinstance(node, ast.Name | ast.Attribute)]


def test_a_bare_exception_tuple_reads_as_the_tuple_libcst_reads() -> None:
    tree = parse_python(PYTHON2_MODULE)
    handlers = [h for node in ast.walk(tree) if isinstance(node, ast.Try)
                for h in node.handlers]
    assert [ast.unparse(h.type) for h in handlers if h.type is not None] == [
        "(urllib2.HTTPError, why)", "((SocketTimeout, Empty), e)"]
    assert all(h.name is None for h in handlers)
    libcst_handlers = cst.parse_module(PYTHON2_MODULE).body[1].body.body[0].handlers
    assert [type(h.type).__name__ for h in libcst_handlers] == ["Tuple", "Tuple"]


def test_every_position_is_the_files_own() -> None:
    assert segments(PYTHON2_MODULE, parse_python(PYTHON2_MODULE)) == [
        ("Call", "urllib2.urlopen(url)"),
        ("Tuple", "urllib2.HTTPError, why"),
        ("Tuple", "(SocketTimeout,\n            Empty), e"),
        ("Tuple", "(SocketTimeout,\n            Empty)"),
        ("Call", "Retry(e)"),
    ]


def test_a_line_after_the_colon_and_non_ascii_text_keep_their_columns() -> None:
    text = 'try: pass\nexcept "é", KeyError  ,  e: x = get("a:b")[1:2]\n'
    assert segments(text, parse_python(text)) == [
        ("Tuple", '"é", KeyError  ,  e'),
        ("Constant", '"é"'),
        ("Subscript", 'get("a:b")[1:2]'),
        ("Call", 'get("a:b")'),
        ("Slice", "1:2"),
        ("Constant", '"a:b"'),
        ("Constant", "1"),
        ("Constant", "2"),
    ]


def test_a_file_that_is_not_python_3_raises_its_first_error() -> None:
    with pytest.raises(SyntaxError, match="multiple exception types must be parenthesized"):
        parse_python("try: pass\nexcept KeyError, e:\n    print e\n")
    with pytest.raises(SyntaxError, match="invalid syntax"):
        parse_python("def broken(:\n")


def test_a_python_2_module_no_rule_wants_is_not_handed_to_libcst() -> None:
    rules = active_rules(Config(), RULES)
    result = scan_file(FileTask("legacy/fetch.py", PYTHON2_MODULE.encode()), Config(), rules)
    assert (result.findings, result.errors, result.parsed) == ((), (), False)


def test_a_python_2_module_s_secret_is_still_found() -> None:
    text = PYTHON2_MODULE + 'API_TOKEN = "f3e1b0c2d4a6987bb1c2d3e4f5a6b7c8"\n'
    rules = active_rules(Config(), RULES)
    result = scan_file(FileTask("legacy/fetch.py", text.encode()), Config(), rules)
    assert [(f.rule_id, f.line) for f in result.findings] == [("TW101", 10)]
