"""TW202: a token from a strong source, but too short to resist guessing."""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from tokenward.analysis.context import reports_only_proven
from tokenward.analysis.source import Source
from tokenward.analysis.vocabulary import mentions_tokens
from tokenward.model import Category, Hit, Severity
from tokenward.rules.base import PYTHON, Example, Expected, Rule, RuleDocs

if TYPE_CHECKING:
    import libcst as cst

    from tokenward.analysis import python, secrets_rewrite, syntax_flow, token_flow
else:  # imported on first use: see tokenward.lazy
    from tokenward.lazy import cst, lazy_module

    python = lazy_module("tokenward.analysis.python")
    secrets_rewrite = lazy_module("tokenward.analysis.secrets_rewrite")
    syntax_flow = lazy_module("tokenward.analysis.syntax_flow")
    token_flow = lazy_module("tokenward.analysis.token_flow")

MIN_BYTES = 16
# A value that must only be unique (a nonce) collides after about 2**(bits/2) draws: 64 bits
# are enough for that, where a secret needs 128.
UNIQUE_BITS = 64
# get_random_string is judged by entropy, like the byte APIs: length x log2(alphabet). The
# "32 characters" advice assumes hex; Django's default 62-character alphabet carries 128
# bits in 22 characters, so get_random_string(30) is strong and get_random_string(10) is not.
DJANGO_DEFAULT_ALPHABET = 62

# Byte-count APIs: qualified name -> (argument position, keyword).
_BYTE_APIS = {
    "secrets.token_bytes": (0, "nbytes"),
    "secrets.token_hex": (0, "nbytes"),
    "secrets.token_urlsafe": (0, "nbytes"),
    "os.urandom": (0, "size"),
    "Crypto.Random.get_random_bytes": (0, "N"),
}
_CHAR_APIS = {
    "django.utils.crypto.get_random_string": (0, "length"),
}
# Bits per character of the text a strong source produces, for truncations ``[:8]``.
_BITS_PER_CHAR = {
    "secrets.token_hex": 4.0,
    "secrets.token_urlsafe": 6.0,
    "uuid.uuid4": 4.0,
    "django.utils.crypto.get_random_string": 5.95,
}


# Every API whose size argument is judged: qualified name -> (argument position, keyword).
_SIZED_APIS = {**_BYTE_APIS, **_CHAR_APIS, "secrets.randbits": (0, "k")}


def _short_length(source: Source, call: cst.Call) -> tuple[str, float] | None:
    name = python.call_name(source, call) or ""
    if name not in _SIZED_APIS:
        return None
    position, word = _SIZED_APIS[name]
    arg = python.argument(call, position, word)
    size = None if arg is None else source.analysis.integer(arg.value)
    alphabet_arg = python.argument(call, 1, "allowed_chars") if name in _CHAR_APIS else None
    alphabet = python.string_value(alphabet_arg.value) if alphabet_arg is not None else None
    return _too_short(name, size, alphabet)


def _too_short(name: str, size: int | None, alphabet: str | None
               ) -> tuple[str, float] | None:
    """The detail and bits of a call of ``name`` (in ``_SIZED_APIS``) asking for ``size``
    (bytes, characters of ``alphabet`` or bits) when that is too few, else None."""
    if size is None:
        return None
    if name in _BYTE_APIS:
        if 0 < size < MIN_BYTES:
            return f"{name}({size}) ({size * 8} bits)", size * 8
        return None
    if name in _CHAR_APIS:
        symbols = len(set(alphabet)) if alphabet else DJANGO_DEFAULT_ALPHABET
        bits = size * math.log2(symbols) if symbols > 1 else None
        if bits is not None and 0 < bits < MIN_BYTES * 8:
            return f"{name.rpartition('.')[2]}({size}) ({int(bits)} bits)", bits
        return None
    if 0 < size < MIN_BYTES * 8:  # secrets.randbits
        return f"secrets.randbits({size})", size
    return None


def _truncation(source: Source, call: cst.Call
                ) -> tuple[cst.Subscript, tuple[str, float]] | None:
    """``secrets.token_hex(32)[:8]``, ``uuid.uuid4().hex[:6]``, ``str(uuid4())[:8]``."""
    assert source.index is not None
    name = python.call_name(source, call) or ""
    bits = _BITS_PER_CHAR.get(name)
    if bits is None:
        return None
    node: cst.CSTNode = call
    for _ in range(4):  # through .hex / str(...) / .upper()
        parent = source.index.parent(node)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            chars = _slice_length(source, parent)
            if chars is not None and chars * bits < MIN_BYTES * 8:
                return parent, (f"{name}() cut to {chars} characters ({int(chars * bits)} bits)",
                                chars * bits)
            return None
        if isinstance(parent, cst.Attribute) and parent.value is node:
            node = parent
        elif isinstance(parent, cst.Arg):
            outer = source.index.parent(parent)
            if not isinstance(outer, cst.Call) or python.last_name(outer.func) != "str":
                return None
            node = outer
        elif isinstance(parent, cst.Call) and parent.func is node:
            node = parent
        else:
            return None
    return None


def _slice_length(source: Source, sub: cst.Subscript) -> int | None:
    if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Slice):
        return None
    piece = sub.slice[0].slice
    if piece.step is not None:
        return None
    lower = 0 if piece.lower is None else source.analysis.integer(piece.lower)
    upper = None if piece.upper is None else source.analysis.integer(piece.upper)
    if lower is None or upper is None or upper <= lower:
        return None
    return upper - lower


# Calls that take a cipher nonce or IV: those values are sized by the algorithm (AES-GCM's
# standard nonce is 12 bytes), are not secrets, and are not tokens.
_CIPHER_CALLS = frozenset({"encrypt", "decrypt", "encrypt_and_digest", "decrypt_and_verify",
                           "GCM", "CBC", "CTR", "OFB", "CFB", "ChaCha20", "Cipher"})
_NONCE_KEYWORDS = frozenset({"nonce", "iv", "initialization_vector"})


def _feeds_a_cipher(source: Source, node: cst.CSTNode) -> bool:
    """``nonce = os.urandom(12)`` passed to ``aead.encrypt(nonce, ...)`` in its scope."""
    analysis = source.analysis
    assign = analysis.index.parent(node)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return False
    binding = analysis.binding_of(assign.targets[0].target)
    if binding is None or not isinstance(binding.target, cst.Name):
        return False
    for load in analysis.loads(binding.scope, binding.name):
        arg = analysis.index.parent(load)
        call = analysis.index.parent(arg)
        if not (isinstance(arg, cst.Arg) and arg.value is load and isinstance(call, cst.Call)):
            continue
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword in _NONCE_KEYWORDS or python.last_name(call.func) in _CIPHER_CALLS:
            return True
    return False


def _detect(source: Source) -> Iterator[Hit]:
    # The screen first: no source asked for too little, no libcst tree to build.
    if not _may_be_short(source) or source.index is None or reports_only_proven(source):
        return
    for call in source.index.of(cst.Call):
        short = _short_length(source, call)
        node: cst.CSTNode = call
        if short is not None and _feeds_a_cipher(source, call):
            continue
        if short is None:
            cut = _truncation(source, call)
            if cut is None:
                continue
            node, short = cut
        detail, bits = short
        use = token_flow.token_use(source, node)
        if use is None or (bits >= UNIQUE_BITS
                           and token_flow.token_use(source, node, secrecy=True) is None):
            continue
        yield Hit(span=source.span(node), target=use, detail=detail, code=source.code(node),
                  fixable=node is call and isinstance(
                      secrets_rewrite.secrets_rewrite(source, call), secrets_rewrite.Rewrite))


# --- the screen: the rule's own first tests over ``ast``, loosened ------------------------

def _may_be_short(source: Source) -> bool:
    """Whether a call may ask a strong source for too little (``_short_length``: a size
    given as a literal is judged by :func:`_too_short`, any other as maybe short) or a
    strong token may be cut (``_truncation``: any subscript of one), every call's name read
    through every import. Whether the value is a token is not asked. On Django's source
    the keywords sent 7 files to libcst, most for ``get_random_string(32, chars)``. A
    tree already built is read instead; a file ``ast`` cannot screen goes through."""
    return source.screened(_screen)


def _screen(source: Source) -> bool:
    imports = syntax_flow.import_table(source)
    for node in source.syntax_of(ast.Call, ast.Subscript):
        if isinstance(node, ast.Call) and _may_ask_too_little(node, imports):
            return True
        if isinstance(node, ast.Subscript) and _may_cut(node.value, imports):
            return True
    return False


def _may_ask_too_little(call: ast.Call, imports: Mapping[str, frozenset[str]]) -> bool:
    for name in syntax_flow.qualified(call.func, imports) & _SIZED_APIS.keys():
        position, word = _SIZED_APIS[name]
        given = syntax_flow.argument(call, position, word)
        if given is None:
            continue  # no size: nothing judged
        size = given.value if isinstance(given, ast.Constant) else None
        if not isinstance(size, int):
            return True  # a size the rule may fold from names and arithmetic
        alphabet = syntax_flow.string_value(syntax_flow.argument(call, 1, "allowed_chars")) \
            if name in _CHAR_APIS else None
        # A literal libcst cannot evaluate (``string_value``: None) is the default alphabet.
        if _too_short(name, size, alphabet) or _too_short(name, size, None):
            return True
    return False


def _may_cut(node: ast.expr, imports: Mapping[str, frozenset[str]]) -> bool:
    """``_truncation`` from the subscript down: through attributes, calls and ``str(...)``
    (up to four steps: the rule looks up through at most four parents) to a call of a
    source in ``_BITS_PER_CHAR``."""
    stack: list[tuple[ast.expr, int]] = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, ast.Starred):
            stack.append((current.value, depth))
        elif isinstance(current, ast.Call):
            if not syntax_flow.qualified(current.func, imports).isdisjoint(_BITS_PER_CHAR):
                return True
            if depth < 4:
                stack.append((current.func, depth + 1))
                if syntax_flow.last_name(current.func) == "str":
                    stack.extend((arg, depth + 1) for arg in current.args)
                    stack.extend((k.value, depth + 1) for k in current.keywords)
        elif isinstance(current, ast.Attribute) and depth < 4:
            stack.append((current.value, depth + 1))
    return False


RULE = Rule(
    id="TW202",
    name="short-token-entropy",
    title="Token with too little entropy",
    category=Category.WEAK_GENERATION,
    severity=Severity.MEDIUM,
    cwe=(330, 331),
    message="{target} has too little entropy: {detail}; use at least 16 random bytes",
    hint="Ask for at least 32 bytes: secrets.token_urlsafe(32), os.urandom(32), "
         "get_random_string(43)",
    docs=RuleDocs(
        what="Finds tokens, keys and codes made by a cryptographic source but with fewer "
             "than 16 bytes (128 bits): `secrets.token_hex/token_urlsafe/token_bytes(n)` and "
             "`os.urandom(n)` with n < 16, `secrets.randbits(k)` with k < 128, Django's "
             "`get_random_string(n, allowed_chars)` carrying fewer than 128 bits (n x "
             "log2 of the alphabet: fewer than 22 characters of the default alphabet, "
             "6 digits are 20 bits), and strong tokens cut short "
             "(`secrets.token_hex(32)[:8]`, `uuid.uuid4().hex[:8]`). Lengths are read from "
             "literals, arithmetic and the constants they name. The value must be used as a token "
             "(same data flow as TW201).",
        why="A short random token can be enumerated: 64 bits fall to a determined attacker "
            "against a fast endpoint or an offline hash, and 32 bits to anyone.",
        how="Use at least 16 bytes, and 32 for long-lived secrets: "
            "`secrets.token_urlsafe(32)`. Do not truncate tokens for display in storage.",
        not_flagged="Short random values that are not tokens (file name suffixes, request "
                    "ids, colours); `secrets.randbelow()` numeric codes such as six-digit "
                    "OTPs, which are short by design and must be protected by expiry and "
                    "rate limits instead; cipher nonces and IVs (a value passed to an "
                    "`encrypt`/`decrypt` call or as `nonce=`/`iv=`: AES-GCM's standard nonce "
                    "is 12 bytes by design); other nonces of at least 64 bits (a nonce must "
                    "be unique, not secret: HTTP digest's `cnonce`); short values first "
                    "bound to an identifier's name (`key_id = uuid4().hex[:8]`, a key "
                    "`prefix` printed beside the secret); lengths held in variables the rule "
                    "cannot resolve; test code.",
        references=("https://cwe.mitre.org/data/definitions/331.html",
                    "https://docs.python.org/3/library/secrets.html#how-many-bytes-should-tokens-use"),
        fix_safety="The fix raises the length argument to 32 bytes "
                   "(`secrets.token_bytes(8).hex()` becomes `secrets.token_bytes(32).hex()`), "
                   "or to 43 characters for `get_random_string` (256 bits of its default "
                   "alphabet). Tokens get longer: check column sizes and any length "
                   "validation. A custom alphabet (`get_random_string(6, \"0123456789\")`) "
                   "makes the length a product decision, and truncations "
                   "(`uuid4().hex[:8]`) may be sized for display: both are left for you to "
                   "change by hand.",
    ),
    detect=_detect,
    kinds=PYTHON,
    screens=True,
    fix="use-secrets",
    keywords=("token_hex", "token_urlsafe", "token_bytes", "urandom", "randbits",
              "get_random_string", "uuid4", "get_random_bytes"),
    prefilter=mentions_tokens,
    bad=(
        Example(
            """
            import secrets

            def create_api_key():
                return secrets.token_hex(8)
            """,
            expect=(
                Expected(4, 12, "return value of create_api_key() has too little entropy: "
                                "secrets.token_hex(8) (64 bits); use at least 16 random bytes"),
            ),
            fixed="""
            import secrets

            def create_api_key():
                return secrets.token_hex(32)
            """,
        ),
        Example(
            """
            import os
            from django.utils.crypto import get_random_string

            TOKEN_BYTES = 8

            def reset(user):
                user.reset_token = os.urandom(TOKEN_BYTES).hex()
                user.activation_key = get_random_string(10)
            """,
            expect=(
                Expected(7, 24, "reset_token has too little entropy: os.urandom(8) (64 bits); "
                                "use at least 16 random bytes"),
                Expected(8, 27, "activation_key has too little entropy: get_random_string(10) "
                                "(59 bits); use at least 16 random bytes"),
            ),
        ),
        Example(
            """
            import uuid

            def invite(user, mailer):
                token = uuid.uuid4().hex[:8]
                mailer.send(user.email, f"https://example.com/invite/{token}")
            """,
            expect=(
                Expected(4, 13, "token has too little entropy: uuid.uuid4() cut to 8 characters "
                                "(32 bits); use at least 16 random bytes"),
            ),
        ),
    ),
    good=(
        Example(
            """
            import os
            import secrets
            import uuid

            filename = f"upload-{secrets.token_hex(4)}.png"
            request_id = uuid.uuid4().hex[:8]
            api_key = secrets.token_urlsafe(32)
            otp = secrets.randbelow(1_000_000)
            nonce = os.urandom(16)
            token = secrets.token_urlsafe()
            """,
        ),
        Example(
            """
            import secrets

            def make_token(size):
                return secrets.token_hex(size)
            """,
        ),
    ),
)
