"""The fix engine: findings in, codemods applied, files written, secrets moved.

Light on purpose: rule modules import :mod:`tokenward.fix.kinds` to declare their
``fix=``, and that must not pull in libcst's codemod machinery when a rule list is only
printed. The engine lives in :mod:`tokenward.fix.engine`.
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
