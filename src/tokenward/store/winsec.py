"""Windows security descriptors through ctypes: advapi32, with explicit argtypes and restypes.

Importable everywhere; the libraries load on first use, as in ``dpapi``. Descriptors cross
this module as SDDL text (``acl`` writes and judges it), so all that happens here is:

- ``set_security``: ``ConvertStringSecurityDescriptorToSecurityDescriptorW`` then
  ``SetNamedSecurityInfoW`` with ``PROTECTED_DACL_SECURITY_INFORMATION`` (nothing inherited);
- ``get_security``: ``GetNamedSecurityInfoW`` then
  ``ConvertSecurityDescriptorToStringSecurityDescriptorW``;
- ``lookup_account`` / ``account_name``: ``LookupAccountNameW`` / ``LookupAccountSidW``;
- ``current_user_sid``: the process token's user (``GetTokenInformation(TokenUser)``).

Every failure raises :class:`OSError` carrying the Windows error code; an access-denied read
of a descriptor is a ``PermissionError`` the caller reports, never a pass.
"""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path
from typing import Any

from tokenward.store import win32
from tokenward.store.acl import Principal
from tokenward.store.errors import UnknownAccount

SE_FILE_OBJECT = 1
OWNER_SECURITY_INFORMATION = 0x1
DACL_SECURITY_INFORMATION = 0x4
PROTECTED_DACL_SECURITY_INFORMATION = 0x80000000
SDDL_REVISION_1 = 1
TOKEN_QUERY = 0x8
TOKEN_USER_CLASS = 1
ERROR_ACCESS_DENIED = 5
ERROR_NONE_MAPPED = 1332


class _Advapi32:
    """The functions we need, each declared before its first call."""

    # ctypes function pointers; typeshed declares WinDLL for win32 only.
    from_sddl: Any
    to_sddl: Any
    sd_owner: Any
    sd_dacl: Any
    set_named: Any
    get_named: Any
    lookup_name: Any
    lookup_sid: Any
    sid_to_text: Any
    text_to_sid: Any
    open_token: Any
    token_information: Any
    current_process: Any
    close_handle: Any
    local_free: Any
    wintypes: Any

    def __init__(self) -> None:
        advapi32 = win32.library("advapi32", "Windows security descriptors")
        kernel32 = win32.library("kernel32", "Windows security descriptors")
        from ctypes import wintypes

        void_p, dword, bool_ = ctypes.c_void_p, wintypes.DWORD, wintypes.BOOL
        out_p = ctypes.POINTER(ctypes.c_void_p)
        self.wintypes = wintypes
        declare = win32.declare

        self.from_sddl = declare(
            advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW,
            [wintypes.LPCWSTR, dword, out_p, ctypes.POINTER(wintypes.ULONG)], bool_)
        self.to_sddl = declare(
            advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW,
            [void_p, dword, dword, ctypes.POINTER(wintypes.LPWSTR),
             ctypes.POINTER(wintypes.ULONG)], bool_)
        self.sd_owner = declare(advapi32.GetSecurityDescriptorOwner,
                                [void_p, out_p, ctypes.POINTER(bool_)], bool_)
        self.sd_dacl = declare(advapi32.GetSecurityDescriptorDacl,
                               [void_p, ctypes.POINTER(bool_), out_p, ctypes.POINTER(bool_)],
                               bool_)
        self.set_named = declare(advapi32.SetNamedSecurityInfoW,
                                 [wintypes.LPWSTR, ctypes.c_int, dword, void_p, void_p, void_p,
                                  void_p], dword)
        self.get_named = declare(advapi32.GetNamedSecurityInfoW,
                                 [wintypes.LPCWSTR, ctypes.c_int, dword, out_p, out_p, out_p,
                                  out_p, out_p], dword)
        self.lookup_name = declare(
            advapi32.LookupAccountNameW,
            [wintypes.LPCWSTR, wintypes.LPCWSTR, void_p, ctypes.POINTER(dword), wintypes.LPWSTR,
             ctypes.POINTER(dword), ctypes.POINTER(dword)], bool_)
        self.lookup_sid = declare(
            advapi32.LookupAccountSidW,
            [wintypes.LPCWSTR, void_p, wintypes.LPWSTR, ctypes.POINTER(dword), wintypes.LPWSTR,
             ctypes.POINTER(dword), ctypes.POINTER(dword)], bool_)
        self.sid_to_text = declare(advapi32.ConvertSidToStringSidW,
                                   [void_p, ctypes.POINTER(wintypes.LPWSTR)], bool_)
        self.text_to_sid = declare(advapi32.ConvertStringSidToSidW, [wintypes.LPCWSTR, out_p],
                                   bool_)
        self.open_token = declare(advapi32.OpenProcessToken,
                                  [wintypes.HANDLE, dword, ctypes.POINTER(wintypes.HANDLE)], bool_)
        self.token_information = declare(advapi32.GetTokenInformation,
                                         [wintypes.HANDLE, ctypes.c_int, void_p, dword,
                                          ctypes.POINTER(dword)], bool_)
        self.current_process = declare(kernel32.GetCurrentProcess, [], wintypes.HANDLE)
        self.close_handle = declare(kernel32.CloseHandle, [wintypes.HANDLE], bool_)
        self.local_free = declare(kernel32.LocalFree, [wintypes.HLOCAL], wintypes.HLOCAL)

    last_error_code = staticmethod(win32.last_error)
    error = staticmethod(win32.error)


@functools.cache
def _api() -> _Advapi32:
    """The functions, loaded and declared once."""
    return _Advapi32()


def _sid_text(api: _Advapi32, sid: Any) -> str:
    text = api.wintypes.LPWSTR()
    if not api.sid_to_text(sid, ctypes.byref(text)):
        raise api.error()
    try:
        return str(text.value)
    finally:
        api.local_free(ctypes.cast(text, ctypes.c_void_p))


@functools.cache
def current_user_sid() -> str:
    """The SID of the account this process runs as (the process token's: it does not change)."""
    api = _api()
    token = api.wintypes.HANDLE()
    if not api.open_token(api.current_process(), TOKEN_QUERY, ctypes.byref(token)):
        raise api.error()
    try:
        size = api.wintypes.DWORD(0)
        api.token_information(token, TOKEN_USER_CLASS, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        if not api.token_information(token, TOKEN_USER_CLASS, buffer, size, ctypes.byref(size)):
            raise api.error()
        # TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first field points at the SID.
        return _sid_text(api, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0])
    finally:
        api.close_handle(token)


def lookup_account(name: str) -> Principal:
    """``LookupAccountNameW``: the account's SID; an unknown name raises UnknownAccount."""
    api = _api()
    dword = api.wintypes.DWORD
    sid_size, domain_size, use = dword(0), dword(0), dword(0)
    api.lookup_name(None, name, None, ctypes.byref(sid_size), None, ctypes.byref(domain_size),
                    ctypes.byref(use))
    code = api.last_error_code()
    if code == ERROR_NONE_MAPPED or not sid_size.value:
        raise UnknownAccount((name,), code)
    sid = ctypes.create_string_buffer(sid_size.value)
    domain = ctypes.create_unicode_buffer(domain_size.value + 1)
    if not api.lookup_name(None, name, sid, ctypes.byref(sid_size), domain,
                           ctypes.byref(domain_size), ctypes.byref(use)):
        code = api.last_error_code()
        if code == ERROR_NONE_MAPPED:
            raise UnknownAccount((name,), code)
        raise api.error(code)
    return Principal(name, _sid_text(api, sid))


@functools.lru_cache(maxsize=256)
def account_name(sid_text: str) -> str:
    """``DOMAIN\\name`` of a SID, or the SID itself when it does not resolve."""
    api = _api()
    sid = ctypes.c_void_p()
    if not api.text_to_sid(sid_text, ctypes.byref(sid)):
        return sid_text
    try:
        dword = api.wintypes.DWORD
        name_size, domain_size, use = dword(0), dword(0), dword(0)
        api.lookup_sid(None, sid, None, ctypes.byref(name_size), None, ctypes.byref(domain_size),
                       ctypes.byref(use))
        if not name_size.value:
            return sid_text
        name = ctypes.create_unicode_buffer(name_size.value + 1)
        domain = ctypes.create_unicode_buffer(domain_size.value + 1)
        if not api.lookup_sid(None, sid, name, ctypes.byref(name_size), domain,
                              ctypes.byref(domain_size), ctypes.byref(use)):
            return sid_text
        return f"{domain.value}\\{name.value}" if domain.value else str(name.value)
    finally:
        api.local_free(sid)


def set_security(path: Path, sddl: str) -> None:
    """Give ``path`` the owner and protected DACL of ``sddl`` (inherited entries dropped)."""
    api = _api()
    descriptor = ctypes.c_void_p()
    if not api.from_sddl(sddl, SDDL_REVISION_1, ctypes.byref(descriptor), None):
        raise api.error()
    try:
        owner, dacl = ctypes.c_void_p(), ctypes.c_void_p()
        present, defaulted = api.wintypes.BOOL(), api.wintypes.BOOL()
        if not api.sd_owner(descriptor, ctypes.byref(owner), ctypes.byref(defaulted)):
            raise api.error()
        if not api.sd_dacl(descriptor, ctypes.byref(present), ctypes.byref(dacl),
                           ctypes.byref(defaulted)) or not present:
            raise api.error()
        info = DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION
        if owner:
            info |= OWNER_SECURITY_INFORMATION
        code = api.set_named(str(path), SE_FILE_OBJECT, info, owner, None, dacl, None)
        if code:
            raise api.error(code, str(path))
    finally:
        api.local_free(descriptor)


def get_security(path: Path) -> str:
    """The owner and DACL of ``path`` as SDDL. Access denied raises PermissionError."""
    api = _api()
    descriptor = ctypes.c_void_p()
    info = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION
    code = api.get_named(str(path), SE_FILE_OBJECT, info, None, None, None, None,
                         ctypes.byref(descriptor))
    if code == ERROR_ACCESS_DENIED:
        raise PermissionError(0, "access denied reading its permissions", str(path), code)
    if code:
        raise api.error(code, str(path))
    try:
        text = api.wintypes.LPWSTR()
        if not api.to_sddl(descriptor, SDDL_REVISION_1, info, ctypes.byref(text), None):
            raise api.error()
        try:
            return str(text.value)
        finally:
            api.local_free(ctypes.cast(text, ctypes.c_void_p))
    finally:
        api.local_free(descriptor)
