"""Per-category teaching text: objectives and fix checklists.

Short and concrete; what each rule teaches (the mistake, the attack, the right way) is in
its learner file (see :mod:`tokenward.training.learner`).
"""

from __future__ import annotations

from tokenward.model import Category

OBJECTIVES: dict[Category, str] = {
    Category.HARDCODED_SECRET: (
        "recognise a secret written into code or configuration, respond to a leak in the "
        "right order (revoke, rotate, rewrite, prevent), and load secrets by name instead"),
    Category.WEAK_GENERATION: (
        "tell a predictable token generator from a cryptographically secure one and "
        "generate tokens with enough randomness using the `secrets` module"),
    Category.MISSING_EXPIRY: (
        "give every token a bounded lifetime and keep expiry checks switched on"),
    Category.BROAD_SCOPE: (
        "request and grant only the permissions a piece of code actually uses"),
    Category.INSECURE_TRANSPORT: (
        "make sure a token only ever travels over verified TLS, in a header"),
    Category.TOKEN_EXPOSURE: (
        "keep tokens out of logs, error messages, URLs and storage in clear"),
}

# Taught when `scan --history` found secrets that are no longer in the code.
HISTORY_STEPS: tuple[str, ...] = (
    "Deleting the line does not remove the secret: every clone, fork and CI cache keeps "
    "the commit that added it, one `git log -p` away.",
    "Revoke and rotate it at the provider first (the report names where), and check the "
    "provider's logs for use since the commit's date.",
    "Only then, and only for a private repository the team wants clean: `tokenward "
    "history-purge-file FILE` writes the replacements (0600, outside the repository), "
    "`git filter-repo --replace-text FILE` rewrites every commit, force-push, and everyone "
    "clones again. On a public repository rewriting is too late: revoking is what counts.",
    "Gate pull requests commit by commit (`tokenward scan --history origin/main..HEAD`): a "
    "secret added in one commit and removed in the next is still pushed.",
)

CHECKLISTS: dict[Category, tuple[str, ...]] = {
    Category.HARDCODED_SECRET: (
        "Revoke the exposed value at the provider and issue a new one — first, before "
        "touching the code: it is in git history already.",
        "Check the provider's access logs for use of the old value since it was committed.",
        "Rewrite the code to read the value by name from the environment or the token "
        "store (`tokenward fix` does this and moves the value to a git-ignored `.env`).",
        "Store the new value in the deployment's secret manager, never in the repository.",
        "Install the pre-commit hook so the next secret is stopped before it is committed.",
    ),
    Category.WEAK_GENERATION: (
        "Replace the generator with `secrets.token_urlsafe(32)` (or `secrets.token_hex`, "
        "`secrets.choice`); `tokenward fix` rewrites the common cases.",
        "Invalidate the tokens already issued by the weak generator.",
        "Add a test that the token has at least 128 bits of randomness.",
    ),
    Category.MISSING_EXPIRY: (
        "Add an expiry (`exp`) to every token you issue; keep access tokens to minutes.",
        "Remove every option that turns expiry verification off.",
        "Use refresh tokens that rotate, instead of long-lived access tokens.",
        "Revoke the long-lived tokens already issued.",
    ),
    Category.BROAD_SCOPE: (
        "List the calls the code makes and the narrowest scope for each.",
        "Issue a new token with only those scopes; revoke the broad one.",
        "Write the required scopes down next to the code that needs them.",
    ),
    Category.INSECURE_TRANSPORT: (
        "Use `https://` for every URL a token is sent to, internal ones included.",
        "Keep certificate verification on; point to the right CA bundle if needed.",
        "Send tokens in the `Authorization` header, never in the URL.",
        "Rotate the tokens that travelled in clear.",
    ),
    Category.TOKEN_EXPOSURE: (
        "Remove the token from the log line, message or URL; log an id or prefix instead.",
        "Purge the logs and reports that already contain tokens.",
        "Rotate the tokens that were written out.",
        "Store issued tokens as keyed hashes only.",
    ),
}
