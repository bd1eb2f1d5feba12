"""The fix engine: findings in, codemods applied, files written, secrets moved.

Rules declare their fix by name (``fix="move-secret"``); :mod:`tokenward.fix.kinds` maps
the name to its codemod, loaded on first use so that listing rules never pulls in libcst's
codemod machinery. The engine lives in :mod:`tokenward.fix.engine`.
"""

from __future__ import annotations

from tokenward.fix.kinds import (
    ADD_EXPIRY_CLAIM,
    FIX_KINDS,
    MOVE_SECRET,
    REMOVE_VERIFY_EXP_OFF,
    USE_SECRETS_MODULE,
    FixKind,
)

__all__ = [
    "ADD_EXPIRY_CLAIM",
    "FIX_KINDS",
    "MOVE_SECRET",
    "REMOVE_VERIFY_EXP_OFF",
    "USE_SECRETS_MODULE",
    "FixKind",
]
