"""``tokenward store ...`` and ``tokenward token ...``: thin commands over the store.

Exit codes (:class:`tokenward.model.ExitCode`): 0 ok; 1 the thing asked about is missing,
inactive or due; 2 usage or internal error. Errors in the one style, ``tokenward: error:``.
Secrets and tokens are read from stdin or a hidden prompt, never from arguments
(arguments land in shell history and in ``ps``).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from tokenward.cli.common import CommandGroup
from tokenward.model import ExitCode
from tokenward.notices import error_text, internal_error_text
from tokenward.store import paths
from tokenward.store.durations import format_duration, parse_duration
from tokenward.store.errors import (
    GrantRefused,
    InsufficientScope,
    InvalidToken,
    SecretExists,
    SecretNotFound,
    StoreError,
    StoreWarning,
    shown_name,
)

store_app = typer.Typer(name="store", cls=CommandGroup, no_args_is_help=True,
                        add_completion=False,
                        help="The encrypted vault for secrets your code reads with "
                             "tokenward.store.get(name).")
token_app = typer.Typer(name="token", cls=CommandGroup, no_args_is_help=True,
                        add_completion=False,
                        help="The token issuer: mint, verify, refresh, revoke and audit "
                             "your API's bearer tokens.")

P = ParamSpec("P")
R = TypeVar("R")

VaultOption = Annotated[Path | None, typer.Option(
    "--vault", envvar=paths.ENV_VAULT, show_envvar=True, dir_okay=False,
    help="Vault file [default: <data dir>/tokenward/vault.json].")]
KeyFileOption = Annotated[Path | None, typer.Option(
    "--key-file", envvar=paths.ENV_KEY_FILE, show_envvar=True, dir_okay=False,
    help="AES key file of the vault [default: <config dir>/tokenward/vault.key].")]
DbOption = Annotated[Path | None, typer.Option(
    "--db", envvar=paths.ENV_TOKEN_DB, show_envvar=True, dir_okay=False,
    help="Token database [default: <data dir>/tokenward/tokens.sqlite3].")]
AuditOption = Annotated[Path | None, typer.Option(
    "--audit-log", envvar=paths.ENV_AUDIT_LOG, show_envvar=True, dir_okay=False,
    help="Audit log (JSON lines) [default: beside the token database].")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _error(message: str) -> None:
    typer.echo(error_text(message), err=True, nl=False)


def _guarded(command: Callable[P, int]) -> Callable[P, None]:
    """Turn the store's errors into one-line messages and the return value into the exit code."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            code = _warned(command, *args, **kwargs)
        except (SecretNotFound, GrantRefused) as error:
            _error(str(error))
            code = ExitCode.FINDINGS
        except (StoreError, ValueError, TimeoutError) as error:
            _error(str(error))
            code = ExitCode.ERROR
        except OSError as error:
            _error(f"{error.strerror or error}"
                   + (f": {error.filename}" if error.filename else ""))
            code = ExitCode.ERROR
        except Exception as error:  # last resort: a message, never a traceback
            if os.environ.get("TOKENWARD_DEBUG"):
                raise
            _err(internal_error_text(error).rstrip("\n"))
            code = ExitCode.ERROR
        raise typer.Exit(code)

    return run


def _warned(command: Callable[P, int], *args: P.args, **kwargs: P.kwargs) -> int:
    """Run ``command``, showing what the store warned about (an upgrade in place), even when
    the command then fails."""
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StoreWarning)
            return command(*args, **kwargs)
    finally:
        for warning in caught:  # outside the recording, so the others show as usual
            if issubclass(warning.category, StoreWarning):
                _err(f"warning: {warning.message}")
            else:
                warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                       warning.lineno)


def _vault(vault: Path | None, key_file: Path | None) -> Any:
    from tokenward.store.vault import Vault

    return Vault(vault or paths.vault_path(), key_file=key_file or paths.key_file_path())


def _settings() -> Any:
    """``[tool.tokenward.store]`` of the project in the current folder (defaults if none)."""
    from tokenward.config import load_config
    from tokenward.rules import RULES

    return load_config(rules=RULES).store


def _backend(vault: Path | None, key_file: Path | None) -> Any:
    """Where secrets live: TOKENWARD_STORE_BACKEND, else settings' ``backend``, else the vault."""
    from tokenward.store.settings import CREDENTIAL_MANAGER, backend_name

    if backend_name(_settings().backend) == CREDENTIAL_MANAGER:
        from tokenward.store.credman import CredentialManager

        return CredentialManager()
    return _vault(vault, key_file)


def _where(store: Any) -> str:
    return f"the vault {store.path}" if isinstance(store.path, Path) else str(store.path)


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _read_secret(what: str, *, confirm: bool) -> str:
    """A value from a hidden prompt (terminal) or stdin (pipe); one trailing newline dropped.

    ``what`` is lower case ("value for MY_KEY"): a secret's name keeps its case in messages.
    """
    if _stdin_is_tty():
        value: str = typer.prompt(what[:1].upper() + what[1:], hide_input=True,
                                  confirmation_prompt=confirm)
    else:
        value = sys.stdin.read()
        if value.endswith("\r\n"):
            value = value[:-2]
        elif value.endswith("\n"):
            value = value[:-1]
    if not value:
        raise ValueError(f"no {what} given (empty input)")
    return value


def _read_token(what: str) -> str:
    return _read_secret(what, confirm=False).strip()


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> datetime:
    return datetime.now(UTC)


# ---- tokenward store ----------------------------------------------------------------------


@store_app.command("set")
@_guarded
def store_set(
    name: Annotated[str, typer.Argument(help="Secret name (an environment variable name).")],
    force: Annotated[bool, typer.Option("--force", help="Replace a different existing value "
                                        "(without a grace period; see `rotate`).")] = False,
    vault: VaultOption = None, key_file: KeyFileOption = None,
) -> int:
    """Store a secret. The value is read from stdin or a hidden prompt, never an argument."""
    from tokenward.store.vault import check_name

    check_name(name)
    store = _backend(vault, key_file)
    value = _read_secret(f"value for {name}", confirm=True)
    try:
        changed = store.set(name, value, overwrite=force)
    except SecretExists as error:
        _error(f"{error} (or pass --force to overwrite it without a grace period)")
        return ExitCode.FINDINGS
    _err(f"{'stored' if changed else 'unchanged (same value)'}: {name} in {store.path}")
    return ExitCode.OK


@store_app.command("get")
@_guarded
def store_get(
    name: Annotated[str, typer.Argument(help="Secret name.")],
    reveal: Annotated[bool, typer.Option("--reveal", help="Print the value itself.")] = False,
    vault: VaultOption = None, key_file: KeyFileOption = None,
) -> int:
    """Say where NAME resolves from (environment, then vault); print it only with --reveal."""
    from tokenward.store.vault import check_name

    check_name(name)
    from_env = os.environ.get(name)
    store = _backend(vault, key_file)
    if from_env:
        value, source = from_env, "the environment variable (it takes precedence over the vault)"
    else:
        value = store.get(name)  # decrypts: proves the value is readable, not just listed
        info = store.info(name)
        source = f"{_where(store)} (rotated {_when(info.rotated_at)})"
    if reveal:
        if sys.stdout.isatty():
            _err("tokenward: warning: printing a secret to the terminal")
        typer.echo(value)
    else:
        typer.echo(f"{name} is set, from {source}; pass --reveal to print it")
    return ExitCode.OK


@store_app.command("list")
@_guarded
def store_list(json_output: JsonOption = False, vault: VaultOption = None,
               key_file: KeyFileOption = None) -> int:
    """List secret names with their rotation dates (never values)."""
    store = _backend(vault, key_file)
    now = _now()
    entries = store.entries()
    if json_output:
        typer.echo(json.dumps([{
            "name": e.name, "created_at": _when(e.created_at), "rotated_at": _when(e.rotated_at),
            "previous_until": _when(e.previous_until) if e.previous_until else None,
        } for e in entries], indent=2))
        return ExitCode.OK
    if not entries:
        _err(f"no secrets in {store.path}")
        return ExitCode.OK
    width = max(len(e.name) for e in entries)
    typer.echo(f"{'NAME':<{width}}  ROTATED               AGE      PREVIOUS VALUE KEPT UNTIL")
    for e in entries:
        until = _when(e.previous_until) if e.previous_until else "-"
        typer.echo(f"{e.name:<{width}}  {_when(e.rotated_at)}  "
                   f"{format_duration(e.age(now)):<7}  {until}")
    return ExitCode.OK


@store_app.command("delete")
@_guarded
def store_delete(
    name: Annotated[str, typer.Argument(help="Secret name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    vault: VaultOption = None, key_file: KeyFileOption = None,
) -> int:
    """Delete a secret (asks first; --yes for scripts)."""
    from tokenward.store.vault import check_name

    check_name(name)
    store = _backend(vault, key_file)
    if name not in store:
        _error(f"secret {shown_name(name)} is not in {store.path}")
        return ExitCode.FINDINGS
    if not yes:
        if not _stdin_is_tty():
            _error("refusing to delete without --yes when not run from a terminal")
            return ExitCode.ERROR
        question = f"Delete {name} from {store.path}? It cannot be recovered"  # nosec B608
        if not typer.confirm(question):
            _err("nothing deleted")
            return ExitCode.FINDINGS
    store.delete(name)
    _err(f"deleted: {name}")
    return ExitCode.OK


@store_app.command("rotate")
@_guarded
def store_rotate(
    name: Annotated[str, typer.Argument(help="Secret name.")],
    grace: Annotated[str, typer.Option(
        metavar="DURATION", help="How long the previous value stays readable (Vault.values) "
        "so running services overlap.")] = "24h",
    vault: VaultOption = None, key_file: KeyFileOption = None,
) -> int:
    """Replace a secret's value (from stdin or a hidden prompt), keeping the old one for --grace."""
    from tokenward.store.vault import check_name

    check_name(name)
    grace_period = parse_duration(grace)
    store = _backend(vault, key_file)
    store.info(name)  # fail before prompting if it does not exist
    value = _read_secret(f"new value for {name}", confirm=True)
    store.rotate(name, value, grace=grace_period)
    _err(f"rotated: {name}; the previous value stays readable for {format_duration(grace_period)}")
    return ExitCode.OK


@store_app.command("due")
@_guarded
def store_due(
    max_age: Annotated[str, typer.Option(
        "--max-age", metavar="DURATION", help="Rotation interval, e.g. 90d.")],
    json_output: JsonOption = False, vault: VaultOption = None, key_file: KeyFileOption = None,
) -> int:
    """List secrets not rotated within --max-age. Exit 1 if any are due."""
    age = parse_duration(max_age)
    store = _backend(vault, key_file)
    now = _now()
    due = store.due(age)
    if json_output:
        typer.echo(json.dumps([{"name": e.name, "rotated_at": _when(e.rotated_at),
                                "age_seconds": int(e.age(now).total_seconds())} for e in due],
                              indent=2))
    else:
        for e in due:
            typer.echo(f"{e.name}: last rotated {_when(e.rotated_at)} "
                       f"({format_duration(e.age(now))} ago)")
        if not due:
            _err(f"nothing is older than {format_duration(age)}")
    return ExitCode.FINDINGS if due else ExitCode.OK


EntropyOption = Annotated[Path | None, typer.Option(
    "--entropy-file", envvar=paths.ENV_DPAPI_ENTROPY_FILE, show_envvar=True, dir_okay=False,
    help="Machine-scope DPAPI entropy file [default: <config dir>/tokenward/vault.entropy; "
         "with --machine: %ProgramData%\\tokenward\\vault.entropy].")]


@store_app.command("init")
@_guarded
def store_init(
    machine: Annotated[bool, typer.Option(
        "--machine", help="Windows: machine-scope DPAPI, for services that run without a "
                          "profile (the vault and entropy go to %ProgramData%\\tokenward).")
                       ] = False,
    reader: Annotated[list[str], typer.Option(
        "--reader", help="A Windows account that may read the machine-scope vault, e.g. "
                         "'IIS AppPool\\MyPool' (repeat it; default: [tool.tokenward.store] "
                         "readers).")] = [],  # noqa: B006 - typer needs a literal default
    vault: VaultOption = None, key_file: KeyFileOption = None,
    entropy_file: EntropyOption = None,
) -> int:
    """Create the vault, or reset who may read an existing one (its files' DACLs on Windows)."""
    from tokenward.store.access import resolve_readers
    from tokenward.store.vault import Vault

    readers = resolve_readers(reader or list(_settings().readers))
    place = paths.machine_dir() if machine else None
    path = vault or (place / "vault.json" if place else paths.vault_path())
    entropy = entropy_file or (place / "vault.entropy" if place else paths.dpapi_entropy_path())
    store = Vault(path, key_file=key_file or paths.key_file_path())
    created = store.set_up(scope="machine" if machine else "user", readers=readers,
                           entropy_file=entropy if machine else None)
    if sys.platform == "win32":
        shared = f", and read by {', '.join(r.name for r in readers)}" if readers else ""
        who = f"used only by its owner and SYSTEM{shared}"
    else:
        who = f"0600 in a 0700 folder, encrypted with the key file {store.key_file}"
    _err(f"{'created' if created else 'checked'}: vault {path} ({who})")
    if machine:
        _err(f"a service reads it with {paths.ENV_VAULT}={path} and "
             f"{paths.ENV_DPAPI_ENTROPY_FILE}={entropy} in its environment")
    return 0


@store_app.command("doctor")
@_guarded
def store_doctor(
    json_output: JsonOption = False, vault: VaultOption = None, key_file: KeyFileOption = None,
    db: DbOption = None, audit_log: AuditOption = None,
) -> int:
    """Show who may use each file of the store and what to change. Exit 1 if anything is open."""
    from tokenward.store.doctor import examine

    database = db or paths.token_db_path()
    report = examine(_vault(vault, key_file), key_file=key_file or paths.key_file_path(),
                     token_db=database, audit_log=audit_log or paths.audit_log_path(database),
                     configured_readers=_settings().readers)
    if json_output:
        typer.echo(json.dumps({
            "ok": report.ok, "problems": list(report.problems), "notes": list(report.notes),
            "files": [{"path": str(f.path), "kind": f.kind.value, "exists": f.exists,
                       "owner": f.owner, "access": list(f.grants), "problems": list(f.problems),
                       "notes": list(f.notes), "fix": f.fix} for f in report.files]}, indent=2))
        return 0 if report.ok else 1
    for found in report.files:
        if not found.exists:
            typer.echo(f"absent   {found.kind.value} {found.path}")
            continue
        state = "PROBLEM" if found.problems else "ok"
        typer.echo(f"{state:<8} {found.kind.value} {found.path}: owner {found.owner}; "
                   + ", ".join(found.grants))
        for line in (*found.problems, *found.notes):
            typer.echo(f"         {line}")
        if found.problems and found.fix:
            typer.echo(f"         to fix: {found.fix}")
    for line in report.problems:
        typer.echo(f"PROBLEM  {line}")
    for line in report.notes:
        typer.echo(f"note     {line}")
    return 0 if report.ok else 1


# ---- tokenward token ----------------------------------------------------------------------


def _issuer(db: Path | None, vault: Path | None, key_file: Path | None,
            audit_log: Path | None) -> Any:
    from tokenward.store.tokens import Issuer

    database = db or paths.token_db_path()
    return Issuer.open(database, vault=_vault(vault, key_file),
                       audit_path=audit_log or paths.audit_log_path(database))


def _scopes(values: list[str]) -> list[str]:
    """--scope may repeat and may hold space-separated scopes."""
    return [scope for value in values for scope in value.split()]


ScopeOption = Annotated[list[str], typer.Option(
    "--scope", help="A scope; repeat it or separate scopes with spaces.")]


def _token_json(issued: Any) -> dict[str, Any]:
    info = issued.info
    return {"token": issued.token, "id": info.token_id, "kind": info.kind,
            "subject": info.subject, "scope": " ".join(sorted(info.scopes)),
            "expires_at": _when(info.expires_at)}


def _print_issued(pair_tokens: list[Any], json_output: bool) -> None:
    if json_output:
        typer.echo(json.dumps([_token_json(t) for t in pair_tokens], indent=2))
        return
    for issued in pair_tokens:
        info = issued.info
        _err(f"{info.kind} token {info.token_id} for {info.subject} "
             f"(scope: {' '.join(sorted(info.scopes))}), expires {_when(info.expires_at)}")
    for issued in pair_tokens:
        # The one place a token is shown: to the caller who asked for it, on stdout only.
        typer.echo(issued.token)  # tokenward: ignore[TW601] the command's output is the token


@token_app.command("grant")
@_guarded
def token_grant(
    subject: Annotated[str, typer.Argument(help="The client or user.")],
    scope: ScopeOption,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Set the scopes SUBJECT may be issued (replaces its previous grant)."""
    with _issuer(db, vault, key_file, audit_log) as issuer:
        allowed = issuer.grant(subject, _scopes(scope))
    _err(f"granted {subject}: {' '.join(sorted(allowed))}")
    return ExitCode.OK


@token_app.command("issue")
@_guarded
def token_issue(
    subject: Annotated[str, typer.Option("--subject", "-s", help="The client or user.")],
    scope: ScopeOption,
    ttl: Annotated[str | None, typer.Option(
        metavar="DURATION", help="Access token lifetime [default: 15m; at most 366d].")] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Also issue a refresh token.")
                       ] = False,
    json_output: JsonOption = False,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Issue an access token (and with --refresh a refresh token): printed once, never stored."""
    lifetime = parse_duration(ttl) if ttl else None
    with _issuer(db, vault, key_file, audit_log) as issuer:
        pair = issuer.issue(subject, _scopes(scope), ttl=lifetime, with_refresh=refresh)
    _print_issued([pair.access] + ([pair.refresh] if pair.refresh else []), json_output)
    return ExitCode.OK


@token_app.command("verify")
@_guarded
def token_verify(
    scope: ScopeOption = [],  # noqa: B006 - typer needs a literal default
    json_output: JsonOption = False,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Verify an access token read from stdin; exit 1 if it is not active or lacks a --scope."""
    token = _read_token("token")
    with _issuer(db, vault, key_file, audit_log) as issuer:
        try:
            info = issuer.verify(token, _scopes(scope))
        except (InvalidToken, InsufficientScope) as error:
            if json_output:
                typer.echo(json.dumps({"active": False}))
            _err(f"invalid: {error}")
            return ExitCode.FINDINGS
    if json_output:
        typer.echo(json.dumps({"active": True, "id": info.token_id, "subject": info.subject,
                               "scope": " ".join(sorted(info.scopes)),
                               "expires_at": _when(info.expires_at)}))
    else:
        typer.echo(f"active: {info.token_id} subject={info.subject} "
                   f"scope={' '.join(sorted(info.scopes))} expires={_when(info.expires_at)}")
    return ExitCode.OK


@token_app.command("refresh")
@_guarded
def token_refresh(
    scope: ScopeOption = [],  # noqa: B006 - typer needs a literal default
    json_output: JsonOption = False,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Exchange a refresh token (stdin) for new tokens; --scope may only narrow."""
    token = _read_token("refresh token")
    with _issuer(db, vault, key_file, audit_log) as issuer:
        try:
            pair = issuer.refresh(token, _scopes(scope) or None)
        except InvalidToken as error:
            _err(f"invalid: {error}")
            return ExitCode.FINDINGS
    _print_issued([pair.access, pair.refresh], json_output)
    return ExitCode.OK


@token_app.command("revoke")
@_guarded
def token_revoke(
    token_id: Annotated[str | None, typer.Option(
        "--id", help="Revoke by public id instead of reading the token from stdin.")] = None,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Revoke a token (stdin) or --id. A refresh token takes its whole family with it."""
    with _issuer(db, vault, key_file, audit_log) as issuer:
        if token_id is not None:
            if not issuer.revoke_id(token_id):
                _error(f"no token with id {token_id!r}")
                return ExitCode.FINDINGS
        else:
            token_id = issuer.revoke(_read_token("token"))
            if token_id is None:
                _err("nothing revoked: not a token of this issuer (not an error, as in "
                     "RFC 7009)")
                return ExitCode.OK
    _err(f"revoked: {token_id}")
    return ExitCode.OK


@token_app.command("introspect")
@_guarded
def token_introspect(
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Print RFC 7662 introspection JSON for a token read from stdin."""
    token = _read_token("token")
    with _issuer(db, vault, key_file, audit_log) as issuer:
        typer.echo(json.dumps(issuer.introspect(token), sort_keys=True))
    return ExitCode.OK


@token_app.command("list")
@_guarded
def token_list(
    subject: Annotated[str | None, typer.Option("--subject", "-s", help="Only this subject.")
                       ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Include inactive tokens.")] = False,
    json_output: JsonOption = False,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """List tokens by id (never the tokens themselves)."""
    now = _now()
    with _issuer(db, vault, key_file, audit_log) as issuer:
        infos = issuer.list_tokens(subject=subject, include_inactive=show_all)
    rows = [{"id": i.token_id, "kind": i.kind, "subject": i.subject,
             "scope": " ".join(sorted(i.scopes)), "status": i.status(now),
             "issued_at": _when(i.issued_at), "expires_at": _when(i.expires_at),
             "family": i.family} for i in infos]
    if json_output:
        typer.echo(json.dumps(rows, indent=2))
    elif not rows:
        _err("no tokens" if show_all else "no active tokens (--all shows inactive ones)")
    else:
        for row in rows:
            typer.echo(f"{row['id']}  {row['kind']:<7}  {row['status']:<7}  "
                       f"expires {row['expires_at']}  {row['subject']}  [{row['scope']}]")
    return ExitCode.OK


@token_app.command("gc")
@_guarded
def token_gc(
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Delete records of tokens that have expired (revoked ones included)."""
    with _issuer(db, vault, key_file, audit_log) as issuer:
        removed = issuer.gc()
    typer.echo(f"removed {removed} expired token record{'s' if removed != 1 else ''}")
    return ExitCode.OK


@token_app.command("rotate")
@_guarded
def token_rotate(
    token_id: Annotated[str, typer.Argument(help="Public id of the access token to replace.")],
    overlap: Annotated[str, typer.Option(
        metavar="DURATION", help="How long the old token stays valid.")] = "1h",
    json_output: JsonOption = False,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """Issue a successor to a long-lived access token; the old one expires after --overlap."""
    window = parse_duration(overlap)
    with _issuer(db, vault, key_file, audit_log) as issuer:
        successor = issuer.rotate(token_id, window)
    _print_issued([successor], json_output)
    return ExitCode.OK


@token_app.command("due")
@_guarded
def token_due(
    max_age: Annotated[str, typer.Option(
        "--max-age", metavar="DURATION", help="Rotation interval, e.g. 30d.")],
    json_output: JsonOption = False,
    db: DbOption = None, vault: VaultOption = None, key_file: KeyFileOption = None,
    audit_log: AuditOption = None,
) -> int:
    """List active access tokens older than --max-age. Exit 1 if any are due."""
    age = parse_duration(max_age)
    with _issuer(db, vault, key_file, audit_log) as issuer:
        due = issuer.due_for_rotation(age)
    if json_output:
        typer.echo(json.dumps([{"id": i.token_id, "subject": i.subject,
                                "issued_at": _when(i.issued_at)} for i in due], indent=2))
    else:
        for info in due:
            typer.echo(f"{info.token_id}  issued {_when(info.issued_at)}  {info.subject}")
    return ExitCode.FINDINGS if due else ExitCode.OK


@token_app.command("audit")
@_guarded
def token_audit(
    event: Annotated[list[str], typer.Option("--event", help="Only these events.")
                     ] = [],  # noqa: B006 - typer needs a literal default
    token_id: Annotated[str | None, typer.Option("--id", help="Only this token id.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", "-s", help="Only this subject.")
                       ] = None,
    since: Annotated[str | None, typer.Option(
        metavar="DURATION", help="Only the last period, e.g. 24h.")] = None,
    limit: Annotated[int, typer.Option(min=0, help="At most this many (the latest); 0: all.")
                     ] = 0,
    json_output: JsonOption = False,
    db: DbOption = None, audit_log: AuditOption = None,
) -> int:
    """Show the audit log (issue, verify_failure, refresh, reuse_detected, revoke, rotate...)."""
    from tokenward.store.audit import EVENTS, AuditLog

    unknown = sorted(set(event) - set(EVENTS))
    if unknown:
        raise ValueError(f"unknown event {', '.join(unknown)}; events: {', '.join(EVENTS)}")
    cutoff = _now() - parse_duration(since) if since else None
    log = AuditLog(audit_log or paths.audit_log_path(db or paths.token_db_path()))
    selected = [e for e in log.read()
                if (not event or e.event in event)
                and (token_id is None or e.token_id == token_id)
                and (subject is None or e.subject == subject)
                and (cutoff is None or e.moment >= cutoff)]
    if limit:
        selected = selected[-limit:]
    for e in selected:
        if json_output:
            typer.echo(e.to_json())
        else:
            typer.echo(f"{_when(e.moment)}  {e.event:<15} {e.outcome:<7} {e.token_id or '-':<16}  "
                       f"{e.subject or '-'}  [{' '.join(e.scopes)}]"
                       + (f"  {e.reason}" if e.reason else ""))
    return ExitCode.OK
