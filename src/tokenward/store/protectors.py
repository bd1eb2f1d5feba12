"""Protectors encrypt vault values at rest. No protector ever falls back to plaintext.

- :class:`AesGcmProtector`: AES-256-GCM (``cryptography``) with a random 256-bit key kept in
  a key file that only its owner can read. The default on every platform except Windows.
- :class:`tokenward.store.dpapi.DpapiProtector`: Windows DPAPI. The default on Windows.

``cryptography`` is imported only when an AES protector is built, so importing the store
(and the DPAPI path on Windows) does not need it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from tokenward.store import access
from tokenward.store.access import Kind
from tokenward.store.acl import Principal
from tokenward.store.errors import ProtectorError
from tokenward.store.fileio import create_new

KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_HEADER = b"tokenward-aes256gcm-key-v1\n"
_BLOB_VERSION = b"\x01"


class Protector(Protocol):
    """Encrypts and authenticates one value; ``context`` binds it to where it is stored."""

    @property
    def descriptor(self) -> dict[str, str]:
        """What the vault file records about its protector (never key material)."""
        ...

    def protect(self, plaintext: bytes, context: bytes) -> bytes: ...

    def unprotect(self, blob: bytes, context: bytes) -> bytes: ...


def key_id(key: bytes) -> str:
    """A public fingerprint of a key, so a wrong key is named instead of failing obscurely."""
    return hashlib.sha256(b"tokenward-key-id\x00" + key).hexdigest()[:16]


def read_key_file(path: Path, *, kind: Kind = Kind.KEY,
                  readers: Sequence[Principal] = ()) -> bytes:
    """The key in ``path``, refused if anyone but its owner (SYSTEM and ``readers`` on
    Windows) can read it. ``kind``: a key file, or DPAPI's entropy file (same format)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProtectorError(
            f"key file {path} does not exist; the vault cannot be decrypted without the key "
            "it was created with (set TOKENWARD_KEY_FILE to its location)"
        ) from None
    except OSError as error:
        raise ProtectorError(f"cannot read key file {path}: {error.strerror}") from None
    access.require(path, kind, readers)
    if not raw.startswith(_KEY_HEADER):
        raise ProtectorError(f"{path} is not a tokenward key file")
    try:
        key = base64.b64decode(raw[len(_KEY_HEADER):].strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ProtectorError(f"key file {path} is damaged (expected a {KEY_BYTES * 8}-bit key)")
    return key


def create_key_file(path: Path, *, kind: Kind = Kind.KEY,
                    readers: Sequence[Principal] = ()) -> bytes:
    """Create a new random key file (0600, or its DACL with ``readers`` on Windows), or return
    the key if another process won the race.

    :func:`tokenward.safefs.create_new` writes a temporary and hard-links it into place,
    which fails if the name is taken: two processes creating a vault at once end up sharing
    one key, and a link planted at the key's name is never followed.
    """
    key = secrets.token_bytes(KEY_BYTES)
    try:
        create_new(path, _KEY_HEADER + base64.b64encode(key) + b"\n", kind=kind, readers=readers)
    except FileExistsError:
        return read_key_file(path, kind=kind, readers=readers)
    return key


class AesGcmProtector:
    """AES-256-GCM with a fresh 96-bit random nonce per value; the context is the AAD."""

    def __init__(self, key: bytes, key_file: Path | None = None) -> None:
        if len(key) != KEY_BYTES:
            raise ProtectorError(f"an AES-256 key is {KEY_BYTES} bytes")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)
        self._key_id = key_id(key)
        self.key_file = key_file

    @classmethod
    def from_key_file(cls, path: Path, *, create: bool = False) -> AesGcmProtector:
        if create and not path.exists():
            return cls(create_key_file(path), path)
        return cls(read_key_file(path), path)

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def descriptor(self) -> dict[str, str]:
        return {"kind": "aes-256-gcm", "key_id": self._key_id}

    def protect(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return _BLOB_VERSION + nonce + self._aead.encrypt(nonce, plaintext, context)

    def unprotect(self, blob: bytes, context: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != _BLOB_VERSION:
            raise ProtectorError("encrypted value is truncated or of an unknown version")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, context)
        except InvalidTag:
            raise ProtectorError(
                "decryption failed: the value was tampered with or encrypted with another key"
            ) from None
