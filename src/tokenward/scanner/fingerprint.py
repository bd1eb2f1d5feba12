"""Fingerprints: stable under unrelated edits, so baselines survive moving code around.

Built from the path, the rule id, and either a hash of the secret or the normalised
offending code; never from line numbers.
"""

from __future__ import annotations

import hashlib
import re

_SPACE = re.compile(r"\s+")


def normalise_code(code: str) -> str:
    return _SPACE.sub(" ", code).strip()


def fingerprint(path: str, rule_id: str, material: str, occurrence: int = 0) -> str:
    """``occurrence`` tells identical findings in one file apart (the 2nd, the 3rd ...)."""
    blob = "\0".join((path, rule_id, material, str(occurrence))).encode("utf-8", "surrogatepass")
    return hashlib.sha256(blob).hexdigest()[:24]
