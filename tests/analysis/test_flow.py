"""The per-file analysis: exact answers of the binding index, the import resolution, the
constant folding and the data-flow walker on small snippets."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from tokenward.analysis.flow import MAX_DEPTH, Analysis, Duration, Kind
from tokenward.analysis.source import Source
from tokenward.config import Config


def _source(code: str) -> Source:
    return Source("example.py", textwrap.dedent(code).lstrip("\n"), "python", Config())


def _calls(source: Source, callee: str) -> list[cst.Call]:
    return source.analysis.calls_named(callee)


def _argument(source: Source, callee: str, number: int = 0) -> cst.BaseExpression:
    """The first argument of the ``number``-th call of ``callee``."""
    return _calls(source, callee)[number].args[0].value


def _code(source: Source, node: cst.CSTNode | None) -> str | None:
    return None if node is None else source.code(node).strip()


# --- the binding index ---------------------------------------------------------------------

BINDINGS = """
import os
from jwt import encode as sign

API = "https://api"
a = b = 1
x: int = 2
x += 3
p, (q, r) = 4, (5, 6)
u, v = pair()
headers["X-Api-Key"] = key
(w := 7)

def helper(token, retries=3, *args, scope="read", **kw):
    for item in items:
        pass
    with open(path) as handle:
        pass
    try:
        pass
    except Error as exc:
        pass
    return {"sub": token}

class Client:
    base = API

    def __init__(self):
        self.session = make()
"""


def test_every_kind_of_binding_in_source_order() -> None:
    source = _source(BINDINGS)
    found = [(b.kind, b.name, b.key, _code(source, b.value))
             for b in source.analysis.bindings]
    assert found == [
        (Kind.IMPORT, "os", None, None),
        (Kind.IMPORT, "sign", None, None),
        (Kind.ASSIGN, "API", None, '"https://api"'),
        (Kind.ASSIGN, "a", None, "1"),
        (Kind.ASSIGN, "b", None, "1"),
        (Kind.ANNOTATED, "x", None, "2"),
        (Kind.AUGMENTED, "x", None, "3"),
        (Kind.UNPACKED, "p", None, "4"),
        (Kind.UNPACKED, "q", None, "5"),
        (Kind.UNPACKED, "r", None, "6"),
        (Kind.UNPACKED, "u", None, None),
        (Kind.UNPACKED, "v", None, None),
        (Kind.ASSIGN, "headers", "X-Api-Key", "key"),
        (Kind.ASSIGN, "w", None, "7"),
        (Kind.DEFINITION, "helper", None, None),
        (Kind.PARAMETER, "token", None, None),
        (Kind.PARAMETER, "retries", None, "3"),
        (Kind.PARAMETER, "args", None, None),
        (Kind.PARAMETER, "scope", None, '"read"'),
        (Kind.PARAMETER, "kw", None, None),
        (Kind.LOOP, "item", None, None),
        (Kind.WITH, "handle", None, "open(path)"),
        (Kind.EXCEPT, "exc", None, None),
        (Kind.RETURN, "helper", None, '{"sub": token}'),
        (Kind.DICT_KEY, "sub", None, "token"),
        (Kind.DEFINITION, "Client", None, None),
        (Kind.ASSIGN, "base", None, "API"),
        (Kind.DEFINITION, "__init__", None, None),
        (Kind.PARAMETER, "self", None, None),
        (Kind.ASSIGN, "self.session", None, "make()"),
    ]


def test_bindings_know_their_scope_and_last_name() -> None:
    source = _source(BINDINGS)
    analysis = source.analysis
    by_name = {b.name: b for b in analysis.bindings if b.kind is not Kind.RETURN}
    helper = by_name["helper"].target
    client = by_name["Client"].target
    assert by_name["API"].scope is analysis.module
    assert by_name["token"].scope is helper
    assert by_name["item"].scope is helper
    assert by_name["base"].scope is client
    assert by_name["self.session"].scope is by_name["__init__"].target
    assert by_name["self.session"].last == "session"
    assert by_name["headers"].last == "X-Api-Key"
    assert [b.name for b in analysis.bound_by_call("open")] == ["handle"]
    assert isinstance(helper, cst.FunctionDef)
    assert [_code(source, b.value) for b in analysis.returns(helper)] == ['{"sub": token}']


# --- imports -------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "callee", "qualified"), [
    ("import random as r\nr.randint(1, 6)", "randint", "random.randint"),
    ("from random import choice\nchoice(xs)", "choice", "random.choice"),
    ("from random import choice as pick\npick(xs)", "pick", "random.choice"),
    ("from numpy import random\nrandom.rand()", "rand", "numpy.random.rand"),
    ("import numpy as np\nnp.random.choice(xs)", "choice", "numpy.random.choice"),
    ("import numpy.random as npr\nnpr.randint(9)", "randint", "numpy.random.randint"),
    ("import os.path\nos.path.join(a, b)", "join", "os.path.join"),
    ("from . import helpers\nhelpers.token()", "token", ".helpers.token"),
    ("from .utils import random\nrandom.choice(xs)", "choice", ".utils.random.choice"),
    ("from ..pkg.mod import f\nf()", "f", "..pkg.mod.f"),
    ("random.choice(xs)", "choice", "random.choice"),
])
def test_qualified_names_through_every_import_form(code: str, callee: str,
                                                   qualified: str) -> None:
    source = _source(code)
    call = _calls(source, callee)[0]
    assert source.analysis.qualified(call.func) == qualified


# --- constants -----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "value"), [
    ("use(10 * 365 * 24 * 3600)", 315360000),
    ("use(60 * 60 // 7)", 514),
    ("use(2 ** 10)", 1024),
    ("use(-15 + 0.5)", -14.5),
    ("use('7' + 'd')", "7d"),
    ("DAY = 86400\nTTL = 7 * DAY\nuse(TTL)", 604800),
    ("TTL = 60\nTTL *= 60\nuse(TTL)", 3600),
    ("from datetime import timedelta\nuse(timedelta(days=1, hours=2))", Duration(93600.0)),
    ("import datetime\nuse(datetime.timedelta(2))", Duration(172800.0)),
    ("from dateutil.relativedelta import relativedelta\nuse(relativedelta(years=1))",
     Duration(365 * 86400.0)),
    ("from datetime import timedelta\nDAYS = 30\nuse(timedelta(days=DAYS) * 2)",
     Duration(60 * 86400.0)),
    ("class C:\n    def __init__(self):\n        self.size = 8\n"
     "    def go(self):\n        use(self.size * 2)", 16),
])
def test_constants_are_folded(code: str, value: object) -> None:
    source = _source(code)
    assert source.analysis.constant(_argument(source, "use")) == value


@pytest.mark.parametrize("code", [
    "use(2 ** 70)",  # not a number anyone means
    "use(1 / 0)",
    "use(n * 60)",  # unknown name
    "def f(n=8):\n    use(n)",  # a parameter: its default is not its value
    "for n in range(3):\n    use(n)",
    "from datetime import timedelta\nuse(timedelta(days=d))",
    "use('a' * 3)",
    "use(True)",
])
def test_what_is_not_a_constant(code: str) -> None:
    source = _source(code)
    assert source.analysis.constant(_argument(source, "use")) is None


def test_integer_is_only_an_int() -> None:
    source = _source("use(16)\nuse(16.0)\nuse('16')")
    assert [source.analysis.integer(_argument(source, "use", n)) for n in range(3)] == [
        16, None, None]


# --- the walker ------------------------------------------------------------------------------

WALKER = """
BASE = "http://module"

def local():
    url = "http://local"
    get(url)

def constant():
    get(BASE)

class Client:
    def __init__(self):
        self.base = "http://attribute"

    def go(self):
        get(self.base)

def helper():
    return "http://helper"

def through_helper():
    get(helper())
"""


@pytest.mark.parametrize(("number", "value"), [
    (0, '"http://local"'),
    (1, '"http://module"'),
    (2, '"http://attribute"'),
])
def test_a_value_is_followed_to_its_literal(number: int, value: str) -> None:
    source = _source(WALKER)
    resolved = source.analysis.resolve(_argument(source, "get", number))
    assert _code(source, resolved) == value


def test_a_helper_return_is_followed_when_asked() -> None:
    source = _source(WALKER)
    call = _argument(source, "get", 3)
    assert _code(source, source.analysis.resolve(call)) == "helper()"
    assert _code(source, source.analysis.resolve(call, calls=True)) == '"http://helper"'


@pytest.mark.parametrize("code", [
    'url = "http://a"\nfor url in urls:\n    get(url)',
    'url = "http://a"\nurl, other = pair()\nget(url)',
    'url = "http://a"\ntry:\n    pass\nexcept E as url:\n    get(url)',
    'def f(url="http://a"):\n    get(url)',
    'url = "http://a"\ndef f():\n    get(url)\n    url = "http://b"',
])
def test_a_rebinding_ends_the_flow(code: str) -> None:
    source = _source(code)
    argument = _argument(source, "get")
    assert source.analysis.resolve(argument) is argument


def test_an_attribute_only_ever_augmented_is_unknown() -> None:
    source = _source("""
        class Counter:
            def bump(self):
                self.n += 1
                get(self.n)
        """)
    argument = _argument(source, "get")
    assert source.analysis.resolve(argument) is argument
    assert source.analysis.constant(argument) is None


def test_a_value_bound_from_itself_reads_the_earlier_binding() -> None:
    source = _source('url = "http://a"\nurl = fix(url)\nget(url)')
    analysis = source.analysis
    assert _code(source, analysis.resolve(_argument(source, "fix"))) == '"http://a"'
    assert _code(source, analysis.resolve(_argument(source, "get"))) == "fix(url)"


def test_an_augmented_assignment_keeps_its_origin() -> None:
    source = _source('url = "http://a"\nurl += "/v1"\nget(url)')
    assert _code(source, source.analysis.resolve(_argument(source, "get"))) == '"http://a"'


@pytest.mark.parametrize(("code", "value"), [
    # a function reads the module's last binding; the module reads the one before it
    ('T = "one"\ndef f():\n    get(T)\nget(T)\nT = "two"', ['"two"', '"one"']),
    ('T = "m"\ndef f():\n    T = "l"\n    get(T)\ndef g():\n    get(T)', ['"l"', '"m"']),
    ('T = "m"\nclass C:\n    T = "c"\n    get(T)\n    def f(self):\n        get(T)',
     ['"c"', '"m"']),
    ('def outer():\n    T = "o"\n    def inner():\n        get(T)', ['"o"']),
    ('T = "m"\ndef f():\n    global T\n    T = "g"\ndef g():\n    get(T)', ['"g"']),
])
def test_which_binding_a_name_reads(code: str, value: list[str]) -> None:
    source = _source(code)
    calls = _calls(source, "get")
    assert [_code(source, source.analysis.resolve(c.args[0].value)) for c in calls] == value


def test_the_walk_is_bounded() -> None:
    hops = MAX_DEPTH  # N3 -> N2 -> N1 -> N0 -> "end": four hops
    chain = ['N0 = "end"'] + [f"N{i + 1} = N{i}" for i in range(hops)]
    source = _source("\n".join([*chain, f"get(N{hops - 1})", f"get(N{hops})"]))
    analysis = source.analysis
    assert _code(source, analysis.resolve(_argument(source, "get", 0))) == '"end"'
    assert _code(source, analysis.resolve(_argument(source, "get", 1))) == "N0"


def test_a_self_attribute_prefers_its_own_method() -> None:
    source = _source("""
        class C:
            timeout = "class"

            def __init__(self):
                self.url = "init"

            def later(self):
                self.url = "later"
                get(self.url)

            def other(self):
                get(self.url)
                get(self.timeout)
        """)
    values = [_code(source, source.analysis.resolve(c.args[0].value))
              for c in _calls(source, "get")]
    assert values == ['"later"', '"init"', '"class"']


# --- forward: uses ---------------------------------------------------------------------------

def test_uses_stop_where_the_name_is_bound_again() -> None:
    source = _source("""
        def f():
            token = make()
            send(token)
            if cond:
                token = other()
            log(token)
            token = token.hex()
            store(token)
        """)
    analysis = source.analysis
    first = analysis.bindings_in(analysis.function(_calls(source, "send")[0]) or
                                 analysis.module, "token")[0]
    lines = [source.span(n).line for n in analysis.uses(first)]
    # send and log (the branch may not run), the rebinding's own value; not store
    assert lines == [3, 6, 7]


def test_loads_leave_out_stores_keywords_and_attributes() -> None:
    source = _source("""
        import token
        token = 1
        f(token=token)
        obj.token = token.value
        [x for token in xs]
        """)
    analysis = source.analysis
    loads = analysis.loads(analysis.module, "token")
    assert [(source.span(n).line, source.span(n).column) for n in loads] == [(3, 9), (4, 13)]


def test_scope_and_function() -> None:
    source = _source("""
        class C:
            def m(self):
                f = lambda: use(1)
        """)
    analysis = source.analysis
    call = _calls(source, "use")[0]
    assert isinstance(analysis.scope(call), cst.Lambda)
    function = analysis.function(call)
    assert function is not None and function.name.value == "m"
    assert isinstance(analysis.scope(function), cst.ClassDef)


def test_the_analysis_is_built_once_per_source() -> None:
    source = _source("x = 1")
    assert source.analysis is source.analysis
    assert isinstance(source.analysis, Analysis)
    calls: list[int] = []

    def fact(s: Source) -> int:
        calls.append(1)
        return len(s.text)

    assert source.fact(fact) == source.fact(fact) == 5
    assert calls == [1]


def test_a_cell_of_a_table_a_loop_walks_is_bound_to_the_variable_at_its_place() -> None:
    source = _source("""
        users = [("admin", "pw-one"), ("tim", "pw-two")]
        pairs = [("a", "b")]
        for name, password in users:
            print(name)
        for (left, right) in [("x", "y")]:
            pass
        for name, *rest in users:
            pass
        for item in users:
            pass
    """)
    cells = [n for n in source.index.of(cst.SimpleString)]

    def taken(text: str) -> list[str]:
        cell = next(c for c in cells if c.value == text)
        return [b.name for b in source.analysis.row_bindings(cell)]

    # Through the name the table is bound to; a starred or plain target takes no cell.
    assert taken('"pw-one"') == ["password"] and taken('"admin"') == ["name"]
    assert taken('"y"') == ["right"]           # a table written in the loop's head
    assert taken('"b"') == []                  # a table no loop walks
    assert all(b.kind is Kind.LOOP for c in cells
               for b in source.analysis.row_bindings(c))


def test_a_secret_named_argument_is_no_literal_the_call_search_could_follow() -> None:
    from tokenward.analysis.bound_names import literal_arguments

    source = _source("""
        from django.contrib.auth.hashers import make_password
        def set_password(self, raw_password):
            self.password = make_password(raw_password)
        def seed(pw_plain):
            return make_password(seed_value), make_password("literal")
    """)
    hasher = "django.contrib.auth.hashers.make_password"
    # ``raw_password`` is reported where it is bound, if ever; ``seed_value`` may be
    # followed to a literal; ``"literal"`` is one.
    assert literal_arguments(source, {hasher}) == {(hasher, 0)}
    only_secret_named = _source("""
        from django.contrib.auth.hashers import make_password
        def set_password(self, raw_password):
            self.password = make_password(raw_password)
    """)
    assert literal_arguments(only_secret_named, {hasher}) == frozenset()
