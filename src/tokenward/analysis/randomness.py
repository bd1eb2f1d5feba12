"""Where a value comes from, for the TW2xx rules: weak (predictable) sources, strong
(cryptographic) sources, and instances of seeded generators assigned in the file."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tokenward.analysis.bound_names import called_names
from tokenward.analysis.python import call_name, dotted_name, last_name, subtree
from tokenward.analysis.source import Source
from tokenward.analysis.syntax_flow import import_table, qualified, syntax_flow
from tokenward.analysis.token_flow import any_may_be_token_use
from tokenward.analysis.vocabulary import (
    names_existing_items,
    names_guessable_input,
    names_keying_input,
)

if TYPE_CHECKING:
    import libcst as cst
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst

# Module functions of ``random`` that return a value (seed/shuffle/getstate do not).
RANDOM_FUNCS = frozenset({
    "random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "uniform",
    "randbytes", "triangular", "gauss", "normalvariate", "expovariate", "betavariate",
    "lognormvariate", "vonmisesvariate", "paretovariate", "weibullvariate", "binomialvariate",
})
NUMPY_RANDOM_SKIP = frozenset({"seed", "shuffle", "default_rng", "RandomState", "Generator",
                               "SeedSequence", "PCG64", "MT19937", "get_state", "set_state",
                               "BitGenerator", "Philox", "SFC64"})
# Generator constructors -> the module whose functions their instances mirror.
RNG_FAMILIES = {"random.Random": "random", "numpy.random.RandomState": "numpy",
                "numpy.random.default_rng": "numpy", "numpy.random.Generator": "numpy"}
_RNG_CONSTRUCTORS = frozenset(RNG_FAMILIES)
_TIME_SOURCES = frozenset({
    "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
    "time.perf_counter_ns", "datetime.datetime.now", "datetime.datetime.utcnow",
    "datetime.datetime.today", "datetime.date.today", "datetime.now", "datetime.utcnow",
    "django.utils.timezone.now", "timezone.now", "arrow.now", "arrow.utcnow", "pendulum.now",
})
_PREDICTABLE_UUIDS = frozenset({"uuid.uuid1", "uuid.uuid3", "uuid.uuid5"})
# A hash (MD5, SHA-1) of a namespace and a name: as predictable as the name, like any
# unkeyed hash. Superset derives its cache and lock keys from the key it is given
# (extensions/metastore_cache.py:72, distributed_lock/utils.py:45): no token there.
_NAME_BASED_UUIDS = frozenset({"uuid.uuid3", "uuid.uuid5"})
STRONG_SOURCES = frozenset({
    "secrets.token_bytes", "secrets.token_hex", "secrets.token_urlsafe", "secrets.choice",
    "secrets.randbelow", "secrets.randbits", "os.urandom", "uuid.uuid4",
    "django.utils.crypto.get_random_string", "random.SystemRandom", "secrets.SystemRandom",
    "Crypto.Random.get_random_bytes", "nacl.utils.random",
})
_HASHES = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b",
                     "blake2s", "sha3_256", "sha3_512", "new"})


def _bound_names(source: Source, callees: frozenset[str]) -> frozenset[str]:
    """Dotted names bound to a call of one of ``callees``."""
    analysis = source.analysis
    return frozenset(b.name for callee in callees for b in analysis.bound_by_call(callee)
                     if isinstance(b.target, cst.Name | cst.Attribute))


def _rng_instances(source: Source) -> frozenset[str]:
    """Dotted names bound to seeded generators: ``rng = random.Random()``,
    ``self._rng = np.random.default_rng(42)``."""
    return _bound_names(source, _RNG_CONSTRUCTORS)


def _counters(source: Source) -> frozenset[str]:
    return _bound_names(source, frozenset({"itertools.count"}))


# Functions that pick an item of a collection: from a vocabulary or a corpus, they draw an
# existing item (an NLP token, a word) and make no new secret: ``random.choice(vocab)``.
PICKS = frozenset({"choice", "choices", "sample"})


def _picks_existing_item(call: cst.Call, attr: str) -> bool:
    if attr not in PICKS or not call.args:
        return False
    collection = call.args[0].value
    name = last_name(collection) if isinstance(
        collection, cst.Name | cst.Attribute | cst.Subscript) else None
    return names_existing_items(name)


def may_make_weak_value(source: Source) -> bool:
    """Whether a call of this Python file could be a predictable source for
    :func:`weak_source`, :func:`predictable_hash` or :func:`predictable_encoding` whose
    value :func:`~tokenward.analysis.token_flow.token_use` may find used as a token, read
    from its ``ast`` tree: a ``random`` function, a ``numpy.random`` one, a predictable
    UUID, a time, a ``hashlib`` or ``base64`` call (:func:`called_names` first: most
    files call none), each asked of :func:`any_may_be_token_use`. A seeded generator's or a
    counter's methods are not told from other calls by their names: a file that keeps one
    (:func:`_keeps_instance`) goes through, as does a file ``ast`` cannot screen. Which
    item a pick takes is not looked at."""
    names = called_names(source)
    return names is None or (any(_may_be_weak(name) for name in names)
                             and source.fact(_weak_value_may_be_token))


def _weak_value_may_be_token(source: Source) -> bool:
    imports = import_table(source)
    weak: list[ast.Call] = []
    makers: list[ast.Call] = []
    for call in source.syntax_of(ast.Call):
        names = qualified(call.func, imports)
        if not names.isdisjoint(_INSTANCE_MAKERS):
            makers.append(call)
        if any(_may_be_weak(name) for name in names - _INSTANCE_MAKERS):
            weak.append(call)
    return (bool(makers) and _keeps_instance(source, makers)) or any_may_be_token_use(
        source, weak)


# Calls that make a seeded generator or a counter, whose later calls weak_source judges by
# the instance (``rng.choice(...)``, ``next(counter)``); the call itself makes no value.
_INSTANCE_MAKERS = _RNG_CONSTRUCTORS | {"itertools.count"}


def _keeps_instance(source: Source, makers: list[ast.Call]) -> bool:
    """Whether one of ``makers`` is a value bound to a name (what ``bound_by_call`` lists
    for :func:`_rng_instances` and :func:`_counters`: an assignment, an unpacking, a
    ``with`` item; the file's ``SyntaxFlow`` values, a superset) or the receiver of a
    method call (``random.Random(42).choice(...)``). ``for n in itertools.count(1):``
    keeps none: its numbers are read as a loop's, never as a counter's."""
    flow = syntax_flow(source)
    if flow is None:
        return True
    held = {id(value) for values in flow.values.values() for value in values}
    held.update(id(call.func.value) for call in source.syntax_of(ast.Call)
                if isinstance(call.func, ast.Attribute))
    return any(id(maker) in held for maker in makers)


def _may_be_weak(name: str) -> bool:
    module, _, attr = name.rpartition(".")
    return (module == "random" and attr in RANDOM_FUNCS) or (
        module == "numpy.random" and attr not in NUMPY_RANDOM_SKIP) or name in (
        _PREDICTABLE_UUIDS | _TIME_SOURCES | _RNG_CONSTRUCTORS) or name == "itertools.count" \
        or name.startswith(("hashlib.", "base64."))


def weak_source(source: Source, call: cst.Call) -> str | None:
    """A short description when ``call`` produces a predictable value, else None."""
    name = call_name(source, call)
    func = call.func
    if name is not None:
        module, _, attr = name.rpartition(".")
        if _picks_existing_item(call, attr):
            return None
        if module == "random" and attr in RANDOM_FUNCS:
            return f"random.{attr}()"
        if module == "numpy.random" and attr not in NUMPY_RANDOM_SKIP:
            return f"numpy.random.{attr}()"
        if name in _PREDICTABLE_UUIDS and (name not in _NAME_BASED_UUIDS or _guessable(
                source, _derivation_inputs(source, call))[0]):
            return f"{name}() (predictable)"
        if name in _TIME_SOURCES:
            return "a timestamp"
        rngs, counters = source.fact(_rng_instances), source.fact(_counters)
        if module in rngs and attr in RANDOM_FUNCS | {"integers", "bytes", "randint", "rand"}:
            return f"a seeded generator ({attr}())"
        if name == "next" and call.args and dotted_name(call.args[0].value) in counters:
            return "a counter"
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
        inner = call_name(source, func.value)
        if inner in _RNG_CONSTRUCTORS and func.attr.value in RANDOM_FUNCS | {"integers"}:
            return f"a seeded generator ({func.attr.value}())"
    return None


# base64 and friends: an encoding hides nothing, so an encoded guessable value is guessable.
_ENCODINGS = frozenset({"b64encode", "urlsafe_b64encode", "standard_b64encode", "b32encode",
                        "b16encode", "b85encode", "a85encode"})


def _derivation_inputs(source: Source, call: cst.Call) -> list[cst.BaseExpression]:
    """What an unkeyed hash (``hashlib.md5(x)``, a name-based UUID's name:
    ``uuid.uuid5(namespace, x)``) or an encoding (``base64.b64encode(x)``) derives its
    result from; nothing for other calls."""
    name = call_name(source, call) or ""
    if name in _NAME_BASED_UUIDS:
        return [arg.value for arg in call.args[1:2]]
    module, _, attr = name.rpartition(".")
    if module == "hashlib" and attr in _HASHES:
        return [arg.value for arg in (call.args[1:] if attr == "new" else call.args[:1])]
    if module == "base64" and attr in _ENCODINGS:
        return [arg.value for arg in call.args[:1]]
    return []


def predictable_hash(source: Source, call: cst.Call) -> bool:
    """``hashlib.md5(user.email + str(time.time()))``: a hash of guessable input, with no
    key and no randomness in it."""
    return (call_name(source, call) or "").startswith("hashlib.") \
        and _guessable(source, _derivation_inputs(source, call))[0]


def predictable_encoding(source: Source, call: cst.Call) -> bool:
    """``base64.urlsafe_b64encode(f"{account_id}:{int(time.time())}".encode())``: an
    encoding of guessable input (user data, the time), with no key or randomness in it."""
    return (call_name(source, call) or "").startswith("base64.") \
        and _guessable(source, _derivation_inputs(source, call))[0]


def derived_timestamps(source: Source, call: cst.Call) -> tuple[cst.Call, ...]:
    """The timestamps a predictable hash or encoding derives from, also through locals
    (``raw = f"{account_id}:{int(time.time())}"`` then ``b64encode(raw.encode())``): the
    derivation is the one mistake, reported where the token is made."""
    guessable, times = _guessable(source, _derivation_inputs(source, call))
    return times if guessable else ()


_MAX_FOLLOWED = 8  # local names followed to their values, per input


def _guessable(source: Source, inputs: list[cst.BaseExpression]
               ) -> tuple[bool, tuple[cst.Call, ...]]:
    """Whether ``inputs`` are made of guessable names or the time only (and the time
    calls among them); local names are followed to their values
    (``raw = f"{user.id}:{ts}"``)."""
    names: list[str] = []
    times: list[cst.Call] = []
    pending = list(inputs)
    followed = 0
    while pending:
        top = pending.pop()
        for node in subtree(top):
            if isinstance(node, cst.Name | cst.Attribute):
                names.append(last_name(node) or "")
                value = source.analysis.resolve(node) if isinstance(node, cst.Name) else node
                if value is not node and followed < _MAX_FOLLOWED:
                    followed += 1
                    pending.append(value)
            if isinstance(node, cst.Call):
                if _unpredictable_call(source, node):
                    return False, ()
                weak = weak_source(source, node)
                if weak == "a timestamp":
                    times.append(node)
                elif weak is not None:
                    # The weak source itself is reported (on its own line when it is
                    # bound to a local first): not the same mistake twice.
                    return False, ()
    if any(names_keying_input(name) for name in names) or not inputs:
        return False, ()
    return bool(times) or any(names_guessable_input(name) for name in names), tuple(times)


def _unpredictable_call(source: Source, call: cst.Call) -> bool:
    """A CSPRNG's value, an HMAC or a signature (``private_key.sign(...)``,
    ``signer.sign(...)``): what no one without the key or the generator's state can
    predict, whatever it is made from."""
    name = call_name(source, call) or ""
    return name in STRONG_SOURCES or name.startswith(("secrets.", "hmac.")) or (
        isinstance(call.func, cst.Attribute) and call.func.attr.value == "sign")


def holds_unpredictable_part(source: Source, node: cst.CSTNode) -> bool:
    """Whether ``node`` holds an unpredictable part (:func:`_unpredictable_call`), also
    through locals (``sig = b64encode(key.sign(message))``): a guessable value combined
    with it (a JWT's claims, then its signature) cannot be guessed any more."""
    pending = [node]
    followed = 0
    while pending:
        for inner in subtree(pending.pop()):
            if isinstance(inner, cst.Call) and _unpredictable_call(source, inner):
                return True
            if isinstance(inner, cst.Name) and followed < _MAX_FOLLOWED:
                value = source.analysis.resolve(inner)
                if value is not inner:
                    followed += 1
                    pending.append(value)
    return False


# Calls whose length argument (first positional, or this keyword) the use-secrets fix
# raises (analysis.secrets_rewrite).
LENGTH_ARGUMENT = {
    "secrets.token_hex": "nbytes",
    "secrets.token_urlsafe": "nbytes",
    "secrets.token_bytes": "nbytes",
    "os.urandom": "size",
    "django.utils.crypto.get_random_string": "length",
    "Crypto.Random.get_random_bytes": "N",
    "Cryptodome.Random.get_random_bytes": "N",
}


# A custom alphabet makes the length a product decision (32 digits are ~106 bits): no fix.
_ALPHABET_ARGUMENT = {"django.utils.crypto.get_random_string": ("allowed_chars", 1)}


def custom_alphabet(callee: str, call: cst.Call) -> bool:
    """Whether ``call`` (of ``callee``) is given its own alphabet."""
    if callee not in _ALPHABET_ARGUMENT:
        return False
    keyword, position = _ALPHABET_ARGUMENT[callee]
    positional = [a for a in call.args if a.keyword is None]
    return len(positional) > position or any(
        a.keyword is not None and a.keyword.value == keyword for a in call.args)
