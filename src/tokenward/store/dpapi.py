"""Windows DPAPI through ctypes: crypt32 ``CryptProtectData`` / ``CryptUnprotectData``.

Importable everywhere; the Windows libraries are loaded on first use only, so Linux tooling
(mypy, the scanner, the test collector) can import this module.

- Per-user scope by default: only the same Windows user (on the same machine, or with a
  roaming profile) can decrypt.
- Machine scope (``CRYPTPROTECT_LOCAL_MACHINE``) only on request, because then any process on
  the machine can decrypt; it therefore requires an entropy value kept in a separate
  owner-only file, which a process must also be able to read.
- ``CRYPTPROTECT_UI_FORBIDDEN`` always: a service must never hang on a prompt.
- Every failure raises :class:`OSError` (``ctypes.WinError``) carrying the Windows error code.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from tokenward.store.access import Kind
from tokenward.store.acl import Principal
from tokenward.store.errors import DpapiError, ProtectorError
from tokenward.store.protectors import create_key_file, read_key_file

CRYPTPROTECT_UI_FORBIDDEN = 0x01
CRYPTPROTECT_LOCAL_MACHINE = 0x04
Scope = Literal["user", "machine"]
DEFAULT_DESCRIPTION = "tokenward vault value"


class DataBlob(ctypes.Structure):
    """``DATA_BLOB``: a byte count and a pointer."""

    _fields_ = [("cbData", ctypes.c_uint32), ("pbData", ctypes.POINTER(ctypes.c_char))]


def _blob_from(data: bytes) -> tuple[DataBlob, Any]:
    """A DATA_BLOB pointing at a buffer we own (returned too, to keep it alive)."""
    buffer = ctypes.create_string_buffer(data, len(data))
    blob = DataBlob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
    return blob, buffer


class _Crypt32:
    """The three functions we need, with explicit argtypes and restypes."""

    # ctypes function pointers; typeshed declares WinDLL for win32 only.
    protect: Any
    unprotect: Any
    local_free: Any
    lpwstr: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise OSError("Windows DPAPI is only available on Windows")
        from ctypes import wintypes

        crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        blob_p = ctypes.POINTER(DataBlob)

        self.protect = crypt32.CryptProtectData
        self.protect.argtypes = [blob_p, wintypes.LPCWSTR, blob_p, ctypes.c_void_p,
                                 ctypes.c_void_p, wintypes.DWORD, blob_p]
        self.protect.restype = wintypes.BOOL

        self.unprotect = crypt32.CryptUnprotectData
        self.unprotect.argtypes = [blob_p, ctypes.POINTER(wintypes.LPWSTR), blob_p,
                                   ctypes.c_void_p, ctypes.c_void_p, wintypes.DWORD, blob_p]
        self.unprotect.restype = wintypes.BOOL

        self.local_free = kernel32.LocalFree
        self.local_free.argtypes = [wintypes.HLOCAL]
        self.local_free.restype = wintypes.HLOCAL

        self.lpwstr = wintypes.LPWSTR

    @staticmethod
    def last_error() -> OSError:
        if sys.platform != "win32":
            raise AssertionError("unreachable off Windows")
        return ctypes.WinError(ctypes.get_last_error())


@functools.cache
def _crypt32() -> _Crypt32:
    """The functions, loaded and declared once."""
    return _Crypt32()


def _take(api: _Crypt32, blob: DataBlob) -> bytes:
    """Copy a DPAPI-allocated output blob and free it with LocalFree."""
    try:
        return ctypes.string_at(blob.pbData, blob.cbData)
    finally:
        api.local_free(ctypes.cast(blob.pbData, ctypes.c_void_p))


def protect(data: bytes, *, entropy: bytes = b"", scope: Scope = "user",
            description: str = DEFAULT_DESCRIPTION) -> bytes:
    """``CryptProtectData``; raises OSError on failure."""
    api = _crypt32()
    flags = CRYPTPROTECT_UI_FORBIDDEN | (CRYPTPROTECT_LOCAL_MACHINE if scope == "machine" else 0)
    data_in, keep_data = _blob_from(data)
    entropy_in, keep_entropy = _blob_from(entropy)
    data_out = DataBlob()
    ok = api.protect(ctypes.byref(data_in), description,
                     ctypes.byref(entropy_in) if entropy else None,
                     None, None, flags, ctypes.byref(data_out))
    del keep_data, keep_entropy
    if not ok:
        raise api.last_error()
    return _take(api, data_out)


def unprotect_with_description(blob: bytes, *, entropy: bytes = b"") -> tuple[bytes, str]:
    """``CryptUnprotectData``: the plaintext and the description stored with it."""
    api = _crypt32()
    data_in, keep_data = _blob_from(blob)
    entropy_in, keep_entropy = _blob_from(entropy)
    data_out = DataBlob()
    description = api.lpwstr()
    ok = api.unprotect(ctypes.byref(data_in), ctypes.byref(description),
                       ctypes.byref(entropy_in) if entropy else None,
                       None, None, CRYPTPROTECT_UI_FORBIDDEN, ctypes.byref(data_out))
    del keep_data, keep_entropy
    if not ok:
        raise api.last_error()
    try:
        text = description.value or ""
    finally:
        if description:
            api.local_free(ctypes.cast(description, ctypes.c_void_p))
    return _take(api, data_out), text


def unprotect(blob: bytes, *, entropy: bytes = b"") -> bytes:
    return unprotect_with_description(blob, entropy=entropy)[0]


class DpapiProtector:
    """A vault protector backed by DPAPI. The context is folded into the entropy."""

    def __init__(self, scope: Scope = "user", entropy: bytes = b"",
                 description: str = DEFAULT_DESCRIPTION, *,
                 entropy_file: Path | None = None) -> None:
        if scope == "machine" and len(entropy) < 16:
            raise ProtectorError("machine-scope DPAPI needs an entropy value of at least 16 "
                                 "bytes, stored separately from the vault")
        self.scope: Scope = scope
        self._entropy = entropy
        self.description = description
        self.entropy_file = entropy_file

    @classmethod
    def machine_scope(cls, entropy_file: Path, *, create: bool = False,
                      readers: Sequence[Principal] = ()) -> DpapiProtector:
        """Machine scope with the entropy in its own file (same format as keys), which only
        its owner, SYSTEM and ``readers`` may read (refused otherwise)."""
        if create and not entropy_file.exists():
            entropy = create_key_file(entropy_file, kind=Kind.ENTROPY, readers=readers)
        else:
            entropy = read_key_file(entropy_file, kind=Kind.ENTROPY, readers=readers)
        return cls("machine", entropy, entropy_file=entropy_file)

    @property
    def descriptor(self) -> dict[str, str]:
        return {"kind": "dpapi", "scope": self.scope}

    def _entropy_for(self, context: bytes) -> bytes:
        return self._entropy + b"\x00" + context

    def protect(self, plaintext: bytes, context: bytes) -> bytes:
        return protect(plaintext, entropy=self._entropy_for(context), scope=self.scope,
                       description=self.description)

    def unprotect(self, blob: bytes, context: bytes) -> bytes:
        try:
            return unprotect(blob, entropy=self._entropy_for(context))
        except OSError as error:
            code = getattr(error, "winerror", None) or error.errno
            failure = DpapiError(
                f"DPAPI could not decrypt the value (Windows error {code}): the vault belongs "
                "to another Windows user or machine, was tampered with, or the entropy file "
                "is wrong", code,
            )
            raise failure from error
