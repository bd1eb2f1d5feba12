"""The kinds of fix a rule can declare by name (``fix="move-secret"``).

A kind names a codemod class by import path and loads it on first use, so declaring a fix
costs a rule module nothing at import time. ``writes=False`` marks a fix whose outcome the
tool cannot judge (a scope, a lifetime): it is shown as a suggested diff and never written.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tokenward.records import record

if TYPE_CHECKING:
    from tokenward.fix.base import FindingCodemod


@record
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

FIX_KINDS: tuple[FixKind, ...] = (
    MOVE_SECRET, USE_SECRETS_MODULE, ADD_EXPIRY_CLAIM, REMOVE_VERIFY_EXP_OFF,
)
FIX_KINDS_BY_NAME: dict[str, FixKind] = {kind.name: kind for kind in FIX_KINDS}


def kind_named(name: str | None) -> FixKind | None:
    """The fix a rule declares by name (``Rule.fix``), or None."""
    return None if name is None else FIX_KINDS_BY_NAME.get(name)
