"""The exact ``secrets`` rewrite of a weak or short token source, or why there is none.

One answer for two askers: the TW2xx rules mark a finding fixable when there is a rewrite,
and the use-secrets fix applies the same rewrite. Every rewrite gives at least 32 bytes
(256 bits) where it sets a length, and keeps what the code relies on:

- the alphabet: a hex-formatted value (``"%032x" % getrandbits(128)``, ``uuid1().hex``)
  becomes ``secrets.token_hex(32)``; a string of picked characters becomes
  ``secrets.token_urlsafe(32)``; bytes stay bytes (``secrets.token_bytes(32)``);
- the range of a number: ``randint(a, b)`` -> ``secrets.randbelow(b - a + 1) + a``;
- the type: a value that stays a number or a UUID object is not turned into text.

No rewrite where it would change what the value means: a seeded generator (the same seed
gives the same token, which code may rely on to make it again), ``uuid3``/``uuid5`` and
hashes or encodings of input (such a token is usually recomputed to verify it), a time or
a count that is only one part of the value (the rest may be read back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenward.analysis.python import (
    call_name,
    dotted_name,
    int_value,
    last_name,
    string_value,
)
from tokenward.analysis.randomness import (
    LENGTH_ARGUMENT,
    PICKS,
    RNG_FAMILIES,
    custom_alphabet,
    predictable_encoding,
    predictable_hash,
    weak_source,
)
from tokenward.analysis.source import Source
from tokenward.lazy import lazy_regex
from tokenward.records import record

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

SAFE_BYTES = 32
SAFE_BITS = SAFE_BYTES * 8
# get_random_string's default alphabet has 62 symbols: 43 characters carry 256 bits.
SAFE_CHARS = 43
_SAFE_LENGTH = {"django.utils.crypto.get_random_string": SAFE_CHARS}

_URLSAFE = f"secrets.token_urlsafe({SAFE_BYTES})"
_HEX = f"secrets.token_hex({SAFE_BYTES})"

# Conversions a time or a count goes through on its way to a token of text.
_TO_TEXT = frozenset({"str", "repr", "hex", "format"})
_TO_NUMBER = frozenset({"int", "float", "round", "abs"})
# Methods of a time or a number: all but ``timestamp()`` give text.
_TIME_METHODS = frozenset({"timestamp", "isoformat", "strftime", "hex"})
_HEX_SPEC = lazy_regex(r"0?\d*[xX]")
_NUMBER_SPEC = lazy_regex(r"[-+ 0#]*\d*(\.\d+)?[dixXfFgGs]")


@record
class Rewrite:
    """Put ``code`` in place of ``node``; ``weak_callee`` is the weak call it removes (its
    import may go when nothing else uses it)."""

    node: cst.BaseExpression
    code: str
    weak_callee: str | None = None


def secrets_rewrite(source: Source, call: cst.Call) -> Rewrite | str:
    """The rewrite of the weak or too short ``call`` (a finding's call), or the reason
    there is none (a sentence shown to the user)."""
    callee = call_name(source, call)
    if callee in LENGTH_ARGUMENT:
        return _lengthen(source, call, callee)
    family = _generator(source, call, callee)
    if isinstance(family, str):
        return family
    if family is not None:
        return _from_generator(source, call, *family)
    weak = weak_source(source, call)
    if callee == "uuid.uuid1":
        return _from_uuid(source, call)
    if weak in ("a timestamp", "a counter"):
        return _from_time_or_count(source, call, weak)
    if callee in ("uuid.uuid3", "uuid.uuid5") or predictable_hash(source, call) \
            or predictable_encoding(source, call):
        return (f"{callee}() derives the token from its input, and such a token is usually "
                "recomputed from that input to verify it: a random value would break the "
                "check; store a random token instead")
    return f"no exact secrets equivalent for {callee or source.code(call.func)}()"


# -- lengths ---------------------------------------------------------------------------------


def _lengthen(source: Source, call: cst.Call, callee: str) -> Rewrite | str:
    if custom_alphabet(callee, call):
        return "a custom alphabet makes the length a product decision"
    keyword = LENGTH_ARGUMENT[callee]
    for i, arg in enumerate(call.args):
        if (arg.keyword is None and not arg.star and i == 0) or \
                (arg.keyword is not None and arg.keyword.value == keyword):
            return Rewrite(arg.value, str(_SAFE_LENGTH.get(callee, SAFE_BYTES)))
    return "the length is not an argument of this call"


# -- random generators -----------------------------------------------------------------------


def _generator(source: Source, call: cst.Call, callee: str | None
               ) -> tuple[str, str, str | None] | str | None:
    """(family, function, weak callee) for a call of a generator's function: the ``random``
    or ``numpy.random`` module, or an instance made without a seed. A reason when the
    generator is seeded; None for other calls."""
    if callee is not None:
        module, _, attr = callee.rpartition(".")
        if module in ("random", "numpy.random") and weak_source(source, call) is not None:
            seed = _module_seed(source, module)
            if seed is not None:
                return _seeded(seed)
            return ("random" if module == "random" else "numpy"), attr, callee
    func = call.func
    if not isinstance(func, cst.Attribute) or weak_source(source, call) is None:
        return None
    maker = func.value if isinstance(func.value, cst.Call) else source.analysis.resolve(func.value)
    if not isinstance(maker, cst.Call):
        return None
    family = RNG_FAMILIES.get(call_name(source, maker) or "")
    if family is None:
        return None
    if maker.args:
        return _seeded(source.code(maker.args[0].value))
    return family, func.attr.value, None


def _seeded(seed: str) -> str:
    return (f"a generator seeded with {seed}: the same seed gives the same token, which "
            "code may rely on to make it again")


def _module_seed(source: Source, module: str) -> str | None:
    """What ``random.seed(x)`` (or ``numpy.random.seed(x)``) in the file seeds with."""
    return source.fact(_module_seeds).get(f"{module}.seed")


def _module_seeds(source: Source) -> dict[str, str]:
    """The first seed of each seeding call of the file (``random.seed`` -> its argument's
    code): one walk of the file's calls, not one per weak call (a quadratic cost on long
    modules)."""
    assert source.index is not None
    seeds: dict[str, str] = {}
    for call in source.index.of(cst.Call):
        if call.args:
            name = call_name(source, call)
            if name is not None and name.endswith(".seed") and name not in seeds:
                seeds[name] = source.code(call.args[0].value)
    return seeds


def _from_generator(source: Source, call: cst.Call, family: str, attr: str,
                    weak_callee: str | None) -> Rewrite | str:
    def done(node: cst.BaseExpression, code: str) -> Rewrite:
        return Rewrite(node, code, weak_callee)

    join = _enclosing_join(source, call) if attr in PICKS else None
    if join is not None:
        return done(join, _URLSAFE)
    if family == "random" and attr == "choice":
        return done(call, source.code(call.with_changes(
            func=cst.parse_expression("secrets.choice"))))
    if family == "random" and attr in ("randint", "randrange"):
        code, reason = _randbelow(source, call, inclusive=attr == "randint")
        return done(call, code) if code is not None else reason or "no equivalent"
    if attr == "getrandbits":
        hexed = _hex_format(source, call)
        if hexed is not None:
            return done(hexed, _HEX)
        bits = _sole_int(source, call)
        if bits is None:
            return "the number of bits is not a literal"
        return done(call, f"secrets.randbits({max(bits, SAFE_BITS)})")
    if attr in ("randbytes", "bytes"):
        size = _sole_int(source, call)
        if size is None:
            return "the size is not a literal"
        return done(call, f"secrets.token_bytes({max(size, SAFE_BYTES)})")
    shown = weak_callee or f"{family} generator's {attr}"
    return f"no exact secrets equivalent for {shown}()"


def _sole_int(source: Source, call: cst.Call) -> int | None:
    if len(call.args) != 1 or call.args[0].star:
        return None
    return source.analysis.integer(call.args[0].value)


def _randbelow(source: Source, call: cst.Call, *, inclusive: bool
               ) -> tuple[str, None] | tuple[None, str]:
    """``secrets.randbelow(...)`` code for the same range, or the reason there is none."""
    plain = [a for a in call.args if a.keyword is None and not a.star]
    if len(plain) != len(call.args) or not 1 <= len(plain) <= 2:
        return None, "a call shape with no exact secrets equivalent"
    if len(plain) == 1:
        if inclusive:
            return None, "randint needs two arguments"
        return f"secrets.randbelow({source.code(plain[0].value)})", None
    low, high = plain[0].value, plain[1].value
    low_value, high_value = int_value(low), int_value(high)
    extra = 1 if inclusive else 0
    if low_value is not None and high_value is not None:
        span = high_value - low_value + extra
        if span <= 0:
            return None, "an empty range"
        return (f"secrets.randbelow({span})" if low_value == 0
                else f"secrets.randbelow({span}) + {low_value}"), None
    low_code = _parenthesize(source.code(low), low)
    high_code = _parenthesize(source.code(high), high)
    size = f"{high_code} - {low_code}" + (" + 1" if inclusive else "")
    return f"secrets.randbelow({size}) + {low_code}", None


def _parenthesize(code: str, node: cst.BaseExpression) -> str:
    simple = isinstance(node, cst.Name | cst.Integer | cst.Attribute | cst.Call | cst.Subscript)
    return code if simple else f"({code})"


def _enclosing_join(source: Source, call: cst.Call) -> cst.Call | None:
    """The ``"".join(...)`` this call feeds a string made of random characters to."""
    assert source.index is not None
    child: cst.CSTNode = call
    for up in source.index.ancestors(call):
        if isinstance(up, cst.GeneratorExp | cst.ListComp):
            if up.elt is not child:
                return None
        elif isinstance(up, cst.Call):
            func = up.func
            if (isinstance(func, cst.Attribute) and func.attr.value == "join"
                    and isinstance(func.value, cst.SimpleString | cst.ConcatenatedString)
                    and len(up.args) == 1):
                return up
            return None
        elif not isinstance(up, cst.Arg):
            return None
        child = up
    return None


def _hex_format(source: Source, value: cst.BaseExpression) -> cst.BaseExpression | None:
    """The expression that writes ``value`` (a number) as hex text and nothing else:
    ``"%032x" % v``, ``f"{v:032x}"``, ``format(v, "032x")``, ``"{:032x}".format(v)``."""
    assert source.index is not None
    up = source.index.parent(value)
    if isinstance(up, cst.BinaryOperation) and isinstance(up.operator, cst.Modulo) \
            and up.right is value:
        spec = string_value(up.left)
        return up if spec is not None and _HEX_SPEC.fullmatch(spec[1:]) \
            and spec.startswith("%") else None
    if isinstance(up, cst.FormattedStringExpression) and up.expression is value:
        text = "".join(p.value for p in up.format_spec or ()
                       if isinstance(p, cst.FormattedStringText))
        whole = source.index.parent(up)
        if isinstance(whole, cst.FormattedString) and len(whole.parts) == 1 \
                and _HEX_SPEC.fullmatch(text) and up.conversion is None:
            return whole
        return None
    if isinstance(up, cst.Arg):
        outer = source.index.parent(up)
        if not isinstance(outer, cst.Call) or len(outer.args) != 2 - _is_method(outer):
            return None
        if dotted_name(outer.func) == "format" and outer.args[0] is up:
            spec = string_value(outer.args[1].value)
        elif _is_method(outer) and last_name(outer.func) == "format":
            template = string_value(outer.func.value)  # type: ignore[attr-defined]
            spec = template[2:-1] if template and template.startswith("{:") \
                and template.endswith("}") else None
        else:
            return None
        return outer if spec is not None and _HEX_SPEC.fullmatch(spec) else None
    return None


def _is_method(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Attribute)


# -- uuid1, timestamps and counters ---------------------------------------------------------


def _from_uuid(source: Source, call: cst.Call) -> Rewrite | str:
    assert source.index is not None
    up = source.index.parent(call)
    if isinstance(up, cst.Attribute) and up.value is call and up.attr.value == "hex":
        return Rewrite(up, _HEX)
    if isinstance(up, cst.Arg):
        outer = source.index.parent(up)
        if isinstance(outer, cst.Call) and dotted_name(outer.func) == "str" \
                and len(outer.args) == 1:
            return Rewrite(outer, _HEX)
    return ("a UUID object: a UUID column or type may depend on it; uuid.uuid4() keeps the "
            "type (122 random bits), or store secrets.token_hex(32) as text")


def _from_time_or_count(source: Source, call: cst.Call, weak: str) -> Rewrite | str:
    """``str(int(time.time()))`` or ``f"{next(counter)}"`` as the whole token: random text
    in its place. A part of a larger value, or a number, is left alone."""
    assert source.index is not None
    what = "time" if weak == "a timestamp" else "count"
    node: cst.BaseExpression = call
    text = False
    for _ in range(8):
        up = source.index.parent(node)
        if isinstance(up, cst.Attribute) and up.value is node \
                and up.attr.value in _TIME_METHODS:
            call_up = source.index.parent(up)
            if not isinstance(call_up, cst.Call) or call_up.func is not up:
                break
            node, text = call_up, up.attr.value != "timestamp" or text
        elif isinstance(up, cst.Arg) and up.value is node:
            outer = source.index.parent(up)
            name = dotted_name(outer.func) if isinstance(outer, cst.Call) else None
            if not isinstance(outer, cst.Call) or len(outer.args) != 1 \
                    or name not in _TO_TEXT | _TO_NUMBER:
                break
            node, text = outer, name in _TO_TEXT or (text and name not in _TO_NUMBER)
        elif isinstance(up, cst.BinaryOperation) and _scales(up, node):
            node = up
        elif isinstance(up, cst.BinaryOperation) and isinstance(up.operator, cst.Modulo) \
                and up.right is node and _NUMBER_SPEC.fullmatch((string_value(up.left)
                                                                 or "%")[1:]) \
                and (string_value(up.left) or "").startswith("%"):
            node, text = up, True
        elif isinstance(up, cst.FormattedStringExpression) and up.expression is node:
            whole = source.index.parent(up)
            if not isinstance(whole, cst.FormattedString) or len(whole.parts) != 1:
                return _part_of_value(what)
            node, text = whole, True
        else:
            break
    parent = source.index.parent(node)
    if isinstance(parent, cst.BaseExpression | cst.FormattedStringExpression
                  | cst.SubscriptElement):
        return _part_of_value(what)
    if not text:
        return f"a number made from the {what}: code may compare or count with it"
    return Rewrite(node, _URLSAFE)


def _scales(op: cst.BinaryOperation, node: cst.BaseExpression) -> bool:
    """``time.time() * 1000``: arithmetic with a literal keeps the value a time."""
    other = op.right if op.left is node else op.left
    return isinstance(op.operator, cst.Multiply | cst.FloorDivide | cst.Add) \
        and isinstance(other, cst.Integer | cst.Float)


def _part_of_value(what: str) -> str:
    return (f"the {what} is one part of the value, and code may read the rest (or the "
            f"{what}) back")
