"""How hard a Python file is for libcst to parse, measured before it is parsed.

libcst's native parser is a PEG parser that backtracks on nesting: it segfaults on deep
nesting (``x = [[[...]]]`` 1,500 levels deep kills the process, as do 20,000 unary minus
signs or ``and`` terms) and parses nested and chained code in super-linear time. Measured
with libcst 1.9 on one statement:

- brackets nested d deep: ~20·d² µs for calls ``f(f(...))``, ~10·d² µs for lists (d = 100:
  0.2 s; d = 1,000: 3 s; 1,500: segfault);
- a chain of n operators at one level (``a + a + ...``, ``a.b.c``, ``a()()``, ``a[0][0]``,
  ``not not ...``, ``x if c else ...``): ~0.4-2 µs·n², worse for subscripts (n = 400:
  0.24 s; n = 10,000 terms of ``+``: 53 s);
- an ``if`` with n ``elif`` branches (each one nests the next): 8,000 parse in 0.6 s,
  12,000 segfault;
- ordinary code: ~3 µs per character.

Real code stays far below the limits set here. Over the 3,779 files of this project's
virtual environment and the standard library (53 MB), the deepest nesting is 15 (generated
validators), the longest chain 163 (idna's generated table), the longest ``elif`` chain 33 and the
nesting weight at most 0.45 per character (median 0.06).

The scan below is a token-level pass (strings, comments and numbers skipped by one regex,
then a loop over brackets, operators and statement ends): about 0.12 µs per character, a
twentieth of the parse it protects.
"""

from __future__ import annotations

import re

from tokenward.lazy import lazy_regex

# Refused: deeper than this many brackets. CPython itself refuses 200 ("too many nested
# parentheses"); a statement at the limit parses in ~0.2 s.
MAX_DEPTH = 100
# Refused: more operators than this in one chain (or more elif branches in one if). A
# chain at the limit parses in ~0.25 s (subscripts, the worst case) and stays far from
# the recursion limit of the rules.
MAX_CHAIN = 400
# Refused: a nesting weight (each operator or bracket adds its bracket depth plus its
# place in its chain, ~ the parser's work, ~40 µs per unit at worst) above this budget,
# so many statements just under the limits cannot add up to minutes either: at most
# ~40 µs per character plus ~2 s, against ~3 µs per character for ordinary code.
WEIGHT_PER_CHARACTER = 1
WEIGHT_ALLOWANCE = 50_000

_TOKENS = lazy_regex(
    r"""
    '''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(?:'''|\Z)      # strings and comments:
  | \"\"\"[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)  # matched, not captured
  | '[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'?
  | "[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"?
  | \#[^\n]*
  | \\\r?\n                                                  # a continued line
  | (?<![\w.])\.?\d(?:[eE][-+]|[\w.])*                        # a number (1.5e-3, 0x1F)
  | ( [(\[{)\]}\n,;]                                         # captured: brackets, ends,
    | (?<![=!<>:])=(?!=) | (?:\*\*|//|<<|>>|[-+*/%@&|^])=     # assignments,
    | \b(?:not|and|or|if|else|lambda|await|in|is)\b          # operators
    | \*\*|//|<<|>>|->|:=|\.\.\.|[<>!=]=|[-+*/%@&|^.~<>:] )
    """,
    re.VERBOSE,
)
# An if or elif at the start of a line (strings are not skipped: a docstring listing 400
# elif lines would be refused, a price worth the simplicity).
_IF_LINE = lazy_regex(r"^([ \t]*)(if|elif)\b", re.MULTILINE)
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
# These end an operator chain: a new element, statement or assignment target starts.
_ENDS = frozenset({",", ";", "=", "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=",
                   "<<=", ">>=", "//=", "**="})


def too_complex(text: str) -> str | None:
    """Why libcst must not parse ``text`` (too deep, too long a chain, too heavy), or None."""
    if _longest_elif_chain(text) > MAX_CHAIN:
        return f"an if statement has more than {MAX_CHAIN} elif branches"
    depth = chain = weight = 0
    outer: list[int] = []  # the chain of each enclosing bracket level
    for token in _TOKENS.findall(text):
        if not token:
            continue
        if token in _CLOSE:
            if outer:
                depth -= 1
                chain = outer.pop()
            continue
        if token in _ENDS or (token == "\n" and not depth):
            chain = 0
            continue
        if token == "\n":
            continue  # a line break inside brackets
        chain += 1  # an operator, or a bracket (a call or subscript continues the chain)
        weight += depth + chain
        if chain > MAX_CHAIN:
            return f"an expression chains more than {MAX_CHAIN} operators"
        if token in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                return f"brackets nested more than {MAX_DEPTH} deep"
            outer.append(chain)
            chain = 0
    if weight > WEIGHT_PER_CHARACTER * len(text) + WEIGHT_ALLOWANCE:
        return "nesting and operator chains too heavy for the parser"
    return None


def _longest_elif_chain(text: str) -> int:
    """The most ``elif`` branches of one ``if`` (told apart by their indentation)."""
    chains: dict[str, int] = {}
    longest = 0
    for indent, word in _IF_LINE.findall(text):
        count = chains[indent] = chains.get(indent, 0) + 1 if word == "elif" else 0
        longest = max(longest, count)
    return longest
