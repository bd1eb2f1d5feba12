"""The kinds of fix a rule can declare with ``fix=``.

A kind names a codemod class by import path and loads it on first use, so declaring a fix
costs a rule module nothing at import time. ``writes=False`` marks a fix whose outcome the
tool cannot judge (a scope, a lifetime): it is shown as a suggested diff and never written.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokenward.fix.base import FindingCodemod


@dataclass(frozen=True)
class FixKind:
    name: str
    description: str
    codemod: str  # "package.module:ClassName"
    writes: bool = True

    def load(self) -> type[FindingCodemod]:
        module_name, _, class_name = self.codemod.partition(":")
        cls: type[FindingCodemod] = getattr(importlib.import_module(module_name), class_name)
        return cls

    def __call__(self, *args: Any, **kwargs: Any) -> FindingCodemod:
        """Build the codemod (``fix(context, findings, services)``)."""
        return self.load()(*args, **kwargs)


MOVE_SECRET = FixKind(
    "move-secret",
    "replace the hard-coded secret by an environment or store lookup; the value moves "
    "to .env or the vault",
    "tokenward.fix.move_secret:MoveSecret",
)
USE_SECRETS_MODULE = FixKind(
    "use-secrets",
    "generate the token with the secrets module (at least 32 bytes)",
    "tokenward.fix.weak_generation:UseSecretsModule",
)
ADD_EXPIRY_CLAIM = FixKind(
    "add-exp-claim",
    'add "exp": datetime.now(timezone.utc) + timedelta(minutes=15) to the JWT payload',
    "tokenward.fix.expiry:AddExpiryClaim",
)
REMOVE_VERIFY_EXP_OFF = FixKind(
    "remove-verify-exp-off",
    "remove the option that turns expiry verification off",
    "tokenward.fix.expiry:RemoveVerifyExpOff",
)

# The weak calls USE_SECRETS_MODULE rewrites exactly; a rule marks its other hits as not
# fixable (``Hit(fixable=secrets_fix_applies(callee))``) so reports do not promise a fix.
RANDOM_WITH_SECRETS_EQUIVALENT = frozenset({
    "random.choice", "random.choices", "random.sample", "random.randint", "random.randrange",
})
# Calls whose length argument (first positional, or this keyword) is raised to 32.
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


def secrets_fix_applies(callee: str | None, call: Any = None) -> bool:
    """Whether USE_SECRETS_MODULE rewrites this call exactly (``call``: its libcst node)."""
    if callee in _ALPHABET_ARGUMENT and call is not None:
        keyword, position = _ALPHABET_ARGUMENT[callee]
        args = list(call.args)
        positional = [a for a in args if a.keyword is None]
        if len(positional) > position or any(
                a.keyword is not None and a.keyword.value == keyword for a in args):
            return False
    return callee in RANDOM_WITH_SECRETS_EQUIVALENT or callee in LENGTH_ARGUMENT


FIX_KINDS: tuple[FixKind, ...] = (
    MOVE_SECRET, USE_SECRETS_MODULE, ADD_EXPIRY_CLAIM, REMOVE_VERIFY_EXP_OFF,
)
