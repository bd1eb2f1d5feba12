"""The catalogue of over-broad OAuth/API scopes, one table a provider (data, no logic
beyond lookup). Each entry names a narrower alternative for the message and the lesson.

An entry with ``context`` applies only when the file (text or path) mentions one of those
words: ``api`` is GitLab's full-access scope but an ordinary audience name elsewhere,
``global`` means everything only at Heroku.
"""

from __future__ import annotations

import re

from tokenward.records import record

# google-auth's parameter for the scopes a client library declares for its own API
# (``default_scopes=self.AUTH_SCOPES`` in every generated Google Cloud client), used only
# when the application requests none with ``scopes=``: the library's default for the one
# service it wraps, which its callers narrow, not a request an application makes.
LIBRARY_DEFAULT = "default_scopes"


@record
class BroadScope:
    provider: str
    scope: str  # exact (case-insensitive) value, or a regex when ``pattern`` is set
    why: str
    instead: str
    context: tuple[str, ...] = ()
    pattern: bool = False

    def matches(self, value: str) -> bool:
        if self.pattern:
            return re.fullmatch(self.scope, value, re.IGNORECASE) is not None
        return value.lower() == self.scope.lower()


_G = "https://www.googleapis.com/auth/"

GITHUB = (
    BroadScope("GitHub", "repo", "grants full control of every private repository",
               "'public_repo', 'repo:status', or a fine-grained token with contents:read",
               context=("github",)),
    BroadScope("GitHub", "admin:org", "grants full administration of the organisation",
               "'read:org', or a GitHub App with only the organisation permissions it needs"),
    BroadScope("GitHub", "write:org", "can change organisation and team membership",
               "'read:org'", context=("github",)),
    BroadScope("GitHub", "delete_repo", "can delete repositories",
               "no delete scope: delete repositories by hand or with a short-lived admin "
               "token"),
    BroadScope("GitHub", "admin:repo_hook", "can create and delete every repository hook",
               "'write:repo_hook' or 'read:repo_hook'"),
    BroadScope("GitHub", "admin:org_hook", "can manage every organisation hook",
               "a GitHub App subscribed to the events it needs"),
    BroadScope("GitHub", "admin:public_key", "can add and delete the user's SSH keys",
               "'read:public_key'"),
    BroadScope("GitHub", "admin:gpg_key", "can add and delete the user's GPG keys",
               "'read:gpg_key'"),
    BroadScope("GitHub", "admin:enterprise", "grants full control of the enterprise",
               "'read:enterprise'"),
    BroadScope("GitHub", "site_admin", "grants site administration of GitHub Enterprise",
               "a scope limited to the API the job calls"),
    BroadScope("GitHub", "delete:packages", "can delete packages",
               "'read:packages'"),
    BroadScope("GitHub", r"admin:[a-z_]+", "is an admin scope",
               "the matching 'read:' or 'write:' scope", pattern=True, context=("github",)),
)

GOOGLE = (
    BroadScope("Google", _G + "cloud-platform",
               "grants full access to every Google Cloud API in the project",
               "'cloud-platform.read-only' or the scope of the one API used "
               "(e.g. 'devstorage.read_only')"),
    BroadScope("Google", "cloud-platform",
               "grants full access to every Google Cloud API in the project",
               "'cloud-platform.read-only' or the API's own scope",
               context=("gcloud", "google", "gcp", "compute")),
    BroadScope("Google", "https://mail.google.com/",
               "grants full access to the mailbox, including permanent deletion",
               "'gmail.send' or 'gmail.readonly'"),
    BroadScope("Google", _G + "drive", "grants access to every file in the user's Drive",
               "'drive.file' (only files the app created or was given) or 'drive.readonly'"),
    BroadScope("Google", _G + "admin.directory.user",
               "can create, change and delete every user of the domain",
               "'admin.directory.user.readonly'"),
    BroadScope("Google", _G + "admin.directory.group",
               "can manage every group of the domain", "'admin.directory.group.readonly'"),
    BroadScope("Google", _G + "devstorage.full_control",
               "grants full control of every bucket, including ACLs",
               "'devstorage.read_only' or 'devstorage.read_write'"),
)

AZURE = (
    BroadScope("Azure", r"https://management\.(azure\.com|core\.windows\.net)/+\.default",
               "grants every Azure Resource Manager permission of the identity",
               "a narrowly assigned RBAC role on one resource group, or a data-plane scope "
               "such as 'https://storage.azure.com/.default'", pattern=True),
    BroadScope("Azure", r"https://management\.(azure\.com|core\.windows\.net)/+"
               r"user_impersonation",
               "acts as the user on all of Azure Resource Manager",
               "a data-plane scope or a narrowly assigned RBAC role", pattern=True),
    BroadScope("Microsoft Graph",
               r"(https://graph\.microsoft\.com/)?[A-Za-z]+\.(ReadWrite|FullControl|"
               r"AccessAsUser)\.All",
               "grants tenant-wide write access",
               "the '.Read.All' variant, a delegated (non-.All) scope or 'Sites.Selected'",
               pattern=True),
    BroadScope("Microsoft Graph",
               r"(https://graph\.microsoft\.com/)?RoleManagement\.ReadWrite\.Directory",
               "can assign any directory role, including Global Administrator",
               "'RoleManagement.Read.Directory'", pattern=True),
)

SLACK = (
    BroadScope("Slack", "admin", "grants administration of the whole workspace",
               "the specific scopes the app uses (e.g. 'chat:write', 'channels:read')",
               context=("slack",)),
    BroadScope("Slack", r"admin\.[a-z_.]+:(write|read)",
               "is an Enterprise Grid admin scope for the whole organisation",
               "a non-admin scope, or an admin scope granted only to a separate admin app",
               pattern=True),
)

GITLAB = (
    BroadScope("GitLab", "api", "grants complete read/write access to the API, "
               "including every group and project",
               "'read_api', 'read_repository' or 'write_repository'", context=("gitlab",)),
    BroadScope("GitLab", "sudo", "can act as any user when the token owner is an admin",
               "no sudo: use a token of the user concerned", context=("gitlab",)),
    BroadScope("GitLab", "admin_mode", "grants administrator actions",
               "a non-admin scope such as 'read_api'", context=("gitlab",)),
)

HEROKU = (
    BroadScope("Heroku", "global", "grants full access to every app of the account",
               "'read', 'write' or 'identity'", context=("heroku",)),
)

GENERIC = (
    BroadScope("generic", "*", "is a wildcard: every permission, now and in future",
               "the list of scopes the client actually calls"),
    BroadScope("generic", r"[\w.\-/]*[:./]\*", "is a wildcard scope",
               "the named scopes the client needs", pattern=True),
    BroadScope("generic", "admin", "is an administrator scope",
               "a read or resource-specific scope (e.g. 'orders:read')"),
    BroadScope("generic", "all", "grants everything", "the named scopes the client needs"),
    BroadScope("generic", r"full[_\-]?access", "grants full access",
               "a read or resource-specific scope", pattern=True),
    BroadScope("generic", "root", "grants root access", "a narrowly defined scope"),
    BroadScope("generic", "superuser", "grants superuser access", "a narrowly defined scope"),
)

# Most specific first: a provider entry wins over the generic one for the same value.
CATALOGUE: tuple[BroadScope, ...] = (*GITHUB, *GOOGLE, *AZURE, *SLACK, *GITLAB, *HEROKU,
                                     *GENERIC)


def lookup(value: str, context: str) -> BroadScope | None:
    """The catalogue entry for one scope value; ``context`` is the lower-cased file text
    plus its path."""
    value = value.strip().strip("\"'")
    if not value or len(value) > 200:
        return None
    for entry in CATALOGUE:
        if entry.context and not any(word in context for word in entry.context):
            continue
        if entry.matches(value):
            return entry
    return None


_SPLIT = re.compile(r"[\s,]+")


def split_scopes(text: str) -> list[str]:
    """OAuth scope strings are space-separated (RFC 6749); GitHub and Slack also use
    commas."""
    return [part for part in _SPLIT.split(text.strip()) if part]


def describe(entry: BroadScope, value: str) -> str:
    """The message detail: what the scope grants and what to use instead."""
    who = "" if entry.provider == "generic" else f"{entry.provider} "
    return f"{who}scope '{value}' {entry.why}; use {entry.instead}"
