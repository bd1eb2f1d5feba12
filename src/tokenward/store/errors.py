"""The store's errors: one base class, messages that say what to do, never a secret."""

from __future__ import annotations

import re

# A run of 16+ letters and digits that mixes both: a token (ghp_…, sk_live_…, AKIA…), not
# the words of a variable name (DATABASE_URL_2024 splits into short runs).
_TOKEN_RUN = re.compile(r"[A-Za-z0-9]{16,}")


def looks_like_a_secret(name: str) -> bool:
    """Whether ``name`` holds a token-shaped run (so it is a value pasted as a name)."""
    return any(not run.isalpha() and not run.isdigit() for run in _TOKEN_RUN.findall(name))


def shown_name(name: str) -> str:
    """``name`` quoted for a message, or only its start when it looks like a secret.

    ``store.get(API_KEY)`` instead of ``store.get("API_KEY")`` passes the secret itself as
    the name; the error (and the log it lands in) must not carry it.
    """
    if looks_like_a_secret(name):
        # repr: a control character in the prefix is escaped, never sent to a terminal.
        return f"{name[:min(4, len(name) // 4)] + '…'!r} ({len(name)} characters)"
    return repr(name)


_NOT_A_NAME = "it looks like a secret value, not a name; "


class StoreError(Exception):
    """Base of every error the store raises on purpose (bad input, bad file, bad key)."""


class SecretNotFound(KeyError, StoreError):
    """``get(name)`` found the name neither in the environment nor in the vault."""

    def __init__(self, name: str, vault_path: str | None = None, *, where: str = "vault") -> None:
        self.name = name
        self.vault_path = vault_path
        where = f" ({where}: {vault_path})" if vault_path else ""
        if looks_like_a_secret(name):
            super().__init__(f"secret {shown_name(name)} not found: {_NOT_A_NAME}pass the name "
                             f"of the variable that holds it, as in store.get(\"API_KEY\"){where}")
            return
        super().__init__(
            f"secret {name!r} not found: set the environment variable {name}, "
            f"or store it with `tokenward store set {name}`{where}"
        )

    def __str__(self) -> str:
        # KeyError's own __str__ would wrap the message in quotes.
        return str(self.args[0])


class StoreAccessError(StoreError):
    """A file or folder of the store is open to others (POSIX mode or owner, Windows DACL),
    or who may use it cannot be read: refused, never treated as safe."""


class InsecureFolder(StoreAccessError):
    """A folder the store keeps files in is open to other users (POSIX modes or owner)."""


class UnknownAccount(StoreError):
    """Readers named in settings or on the command line that Windows cannot resolve."""

    def __init__(self, names: tuple[str, ...], windows_error: int | None = None) -> None:
        shown = ", ".join(repr(name) for name in names)
        plural = "s" if len(names) > 1 else ""
        super().__init__(f"unknown account{plural} {shown} in readers (Windows cannot resolve "
                         f"{'them' if plural else 'it'}, error {windows_error}); readers are "
                         "names such as 'NT SERVICE\\MyApp', 'IIS AppPool\\MyPool' or "
                         "'DOMAIN\\group'")
        self.names = names
        self.windows_error = windows_error


class StoreWarning(UserWarning):
    """Something the store changed or noticed that does not stop it (an upgrade in place).

    The store cannot import tokenward's notices, so the command line shows these itself.
    """


class SecretExists(StoreError):
    """A write would replace a different value that is already stored under the name."""


class InvalidName(StoreError, ValueError):
    """A secret name that cannot be an environment variable name."""

    def __init__(self, name: object) -> None:
        if not isinstance(name, str):
            shown, why = f"of type {type(name).__name__}", ""
        else:
            shown, why = shown_name(name), _NOT_A_NAME if looks_like_a_secret(name) else ""
        super().__init__(
            f"invalid secret name {shown}: {why}use letters, digits and underscores, starting "
            "with a letter or underscore, at most 128 characters (an environment variable name)"
        )


class VaultError(StoreError):
    """The vault file cannot be used: missing key, wrong key, corrupt, foreign, locked."""


class ProtectorError(VaultError):
    """The key material or the platform protector refused to encrypt or decrypt."""


class DpapiError(ProtectorError, OSError):
    """DPAPI refused to decrypt: both an OSError and a ProtectorError, with the Windows code."""

    def __init__(self, message: str, windows_error: int | None) -> None:
        super().__init__(message)
        self.windows_error = windows_error

    def __str__(self) -> str:
        return str(self.args[0])


class TokenError(StoreError):
    """Base of the issuer's errors."""


class InvalidToken(TokenError):
    """The presented token is not active. The reason is for logs, not for the client."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"token is not active ({reason})")


class InsufficientScope(TokenError):
    """The token is active but lacks a scope the request needs."""


class ScopeError(TokenError, ValueError):
    """Requested scopes are empty, malformed, wildcards, or wider than allowed."""


class GrantRefused(ScopeError):
    """Well-formed scopes the subject's grant does not cover: a refusal, not a usage error
    (the command line exits 1 for it, as for an inactive token)."""


class TokenStoreError(TokenError):
    """The token database cannot be used (corrupt, foreign, wrong HMAC key)."""
