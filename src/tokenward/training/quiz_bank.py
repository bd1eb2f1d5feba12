"""The question bank: hand-written multiple-choice questions, per category.

Written, not generated: every wrong answer has feedback that says why it is wrong, so a
learner who picks it learns something. Questions tagged with rule ids are preferred for
those rules' lessons; untagged ones fit every rule of the category.
"""

from __future__ import annotations

from tokenward.model import Category
from tokenward.training.model import Choice, Question

Q = Question
C = Choice

HARDCODED_SECRET: tuple[Question, ...] = (
    Q("secret-first-step",
      "A live API token was committed to the repository yesterday. What do you do first?",
      (C("Delete the line and push a new commit.", False,
         "The token stays in git history, forks, clones and CI caches: deleting the line "
         "does not make it secret again."),
       C("Revoke the token at the provider and issue a new one.", True,
         "Once pushed, treat it as public. Revoke and rotate first, then rewrite "
         "the code, then install the hook so it does not happen again."),
       C("Rewrite git history with a force-push.", False,
         "Useful later, but every existing clone still has it, and attackers scan pushes "
         "within minutes. Revoke first."),
       C("Make the repository private.", False,
         "Everyone who already cloned or forked it keeps the token, and private "
         "repositories leak through backups, CI logs and new members."))),
    Q("secret-where-to-keep",
      "Where should application code get an API token from at run time?",
      (C("A constant in a settings module that is only imported in production.", False,
         "It is still in the repository, so everyone who reads the code has the token."),
       C("An environment variable or a secret store, looked up by name.", True,
         "The code names the secret and the deployment provides it, so the "
         "repository holds no value to leak."),
       C("A base64-encoded string in the code, so it is not readable.", False,
         "Base64 is an encoding, not encryption: anyone decodes it in one command, and "
         "scanners look for encoded secrets too."),
       C("A comment next to the call, so the team can find it.", False,
         "Comments are part of the file: the token is exactly as public as code."))),
    Q("secret-config-files",
      "A token is in `config.yaml`, not in Python code. Is that a problem?",
      (C("No: configuration files are not code.", False,
         "Configuration files are committed, copied into images and printed in CI logs "
         "like any other file."),
       C("Yes: any committed file exposes the token the same way.", True,
         "Keep a reference (an environment variable name) in the file and the "
         "value outside the repository."),
       C("Only if the file is named `.env`.", False,
         "The name does not matter; what matters is whether the file is tracked. A "
         "tracked `config.yaml` leaks just as much as a tracked `.env`."))),
    Q("secret-pasted-in-docs",
      "A teammate pasted a working `ghp_` token into a README to show how the API is "
      "called. The repository is private. What now?",
      (C("Nothing: only the team can read a private repository.", False,
         "Private repositories are cloned to laptops, mirrored, backed up and opened to "
         "new members and integrations; any of them can leak the token."),
       C("Revoke the token at GitHub, issue a new one, and use a placeholder in the "
         "README.", True,
         "A working key is compromised once it is pushed, wherever it sits; a "
         "placeholder such as `<your-token>` shows the call just as well."),
       C("Remove it from the README in the next commit.", False,
         "The token stays in git history, and it still works until it is revoked.")),
      rules=("TW103",)),
)

WEAK_GENERATION: tuple[Question, ...] = (
    Q("weak-random-module",
      "Why must `random.choice` not be used to build an API token?",
      (C("It is too slow for production traffic.", False,
         "Speed is not the problem: `random` is fast. Its output is predictable."),
       C("Its generator is predictable: enough outputs reveal its state and every future "
         "token.", True,
         "`random` is a Mersenne Twister meant for simulations. Use the `secrets` "
         "module, which reads the operating system's CSPRNG."),
       C("It can return the same character twice in a row.", False,
         "Repeats are expected from any good generator; predictability is the flaw."),
       C("It only works with ASCII letters.", False,
         "`random.choice` works on any sequence; the flaw is that an attacker can predict "
         "what it picks."))),
    Q("weak-right-call",
      "Which call makes a good session token?",
      (C("`secrets.token_urlsafe(32)`", True,
         "32 random bytes from the OS CSPRNG, URL-safe encoded."),
       C("`str(uuid.uuid1())`", False,
         "uuid1 is built from the time and the machine's MAC address: guessable, not "
         "random."),
       C("`hashlib.sha256(str(time.time()).encode()).hexdigest()`", False,
         "Hashing does not add randomness: an attacker who guesses the time guesses the "
         "token."),
       C("`''.join(random.choices(ALPHABET, k=64))`", False,
         "A long token from a predictable generator is still predictable."))),
    Q("weak-entropy-bytes",
      "How much randomness should a bearer token have at least?",
      (C("6 digits, like a one-time code.", False,
         "A million values are brute-forced quickly unless every attempt is tightly "
         "rate-limited and the code expires in minutes."),
       C("8 random bytes.", False,
         "64 bits is within reach of offline guessing for long-lived tokens; use at "
         "least 128 bits."),
       C("At least 16 random bytes (128 bits); 32 for long-lived ones.", True,
         "128 bits cannot be guessed; 32 bytes leaves a wide margin.")),
      rules=("TW202",)),
    Q("weak-seed",
      "Someone seeds `random` with `os.urandom(16)` before making tokens. Safe now?",
      (C("Yes: the seed is unpredictable, so the tokens are.", False,
         "The generator's state still leaks through its outputs: after enough tokens an "
         "attacker can predict the next ones, whatever the seed."),
       C("No: use `secrets` (or `random.SystemRandom`) for every token.", True,
         "Only a CSPRNG keeps every output unpredictable from the others."),
       C("Only if the seed is re-drawn for every token.", False,
         "That is just a slower, harder-to-read way of calling `os.urandom`: use "
         "`secrets` directly."))),
)

MISSING_EXPIRY: tuple[Question, ...] = (
    Q("expiry-why",
      "Why does a token without an expiry matter if it is only sent over HTTPS?",
      (C("It does not: HTTPS makes it safe.", False,
         "Tokens leak from logs, browsers, backups and laptops, not only from the wire; "
         "without an expiry a leaked token works forever."),
       C("A leaked token keeps working until someone notices and revokes it.", True,
         "An expiry bounds the damage of every leak you have not discovered."),
       C("The server cannot decode a token without `exp`.", False,
         "A JWT without `exp` decodes fine; that is exactly the problem."))),
    Q("expiry-verify-off",
      "What does `options={\"verify_exp\": False}` in `jwt.decode` do?",
      (C("Speeds up decoding of trusted tokens.", False,
         "It skips one comparison; the cost is accepting expired tokens forever."),
       C("Accepts expired tokens, so expiry protects nothing.", True,
         "Remove the option; handle `ExpiredSignatureError` instead."),
       C("Only disables the check for tokens without `exp`.", False,
         "It disables the check for every token, including ones that carry an `exp`."))),
    Q("expiry-how-long",
      "What is a sensible lifetime for an access token used by a web app?",
      (C("Minutes (for example 15), with a refresh token to get a new one.", True,
         "Short access tokens plus rotating refresh tokens limit what a leak "
         "gives an attacker."),
       C("One year, so users are not bothered.", False,
         "A year-long bearer token is nearly as bad as no expiry; use refresh tokens "
         "for convenience."),
       C("No expiry, but rotate the signing key yearly.", False,
         "Rotating the key logs everyone out at once and still leaves a year of "
         "exposure for each leaked token."))),
)

BROAD_SCOPE: tuple[Question, ...] = (
    Q("scope-least",
      "A CI job only publishes a package. Which token should it get?",
      (C("An admin token, so the job never fails on permissions.", False,
         "If the job or its logs leak, the attacker gets everything the token can do."),
       C("A token scoped to publishing that one package.", True,
         "Least privilege means a leak costs one permission, not the account."),
       C("The maintainer's personal token.", False,
         "It carries all of the person's rights and ties the job to one person's "
         "account."))),
    Q("scope-wildcard",
      "What is wrong with requesting the scope `*` (or `repo`, `admin`) by default?",
      (C("Nothing, scopes are only labels.", False,
         "Scopes decide what a stolen token can do; the server enforces them."),
       C("Every token issued carries every permission, so every leak is total.", True,
         "Ask for the narrowest scope the code needs, per call."),
       C("Providers reject wildcard scopes.", False,
         "Many accept them, which is why the mistake goes unnoticed."))),
    Q("scope-review",
      "How do you find the narrowest scope a piece of code needs?",
      (C("List the API calls it makes and map each to the provider's scope.", True,
         "The scope list follows from the calls; document it next to the code."),
       C("Start with full access and remove scopes when something breaks.", False,
         "Nothing breaks from too much access, so scopes are never removed."),
       C("Copy the scopes from another service that works.", False,
         "That service's needs are not yours; you inherit its excess."))),
)

INSECURE_TRANSPORT: tuple[Question, ...] = (
    Q("transport-http",
      "A token is sent to `http://auth.internal.example.com`. Why is that a problem on an "
      "internal network?",
      (C("It is not: internal networks are trusted.", False,
         "Internal networks are shared by many machines and people; anyone who can read "
         "the traffic can replay the token."),
       C("Anyone on the path can read and replay the token.", True,
         "Use HTTPS everywhere a token travels, internal or not."),
       C("HTTP is slower than HTTPS.", False,
         "Speed is not the issue; the token travels in clear."))),
    Q("transport-verify",
      "What does `verify=False` in `requests` do?",
      (C("Skips a slow certificate download.", False,
         "It turns off the check that you are talking to the real server."),
       C("Accepts any certificate, so a man in the middle can read the token.", True,
         "Fix the trust store (or pass the CA bundle path) instead of turning "
         "verification off."),
       C("Only affects redirects.", False,
         "It affects every TLS connection the call makes."))),
    Q("transport-query",
      "Why not put a token in a URL query string, even over HTTPS?",
      (C("URLs end up in server logs, proxies, browser history and Referer headers.", True,
         "Send tokens in the Authorization header."),
       C("Query strings are not encrypted by HTTPS.", False,
         "They are encrypted on the wire; the leak happens at the ends, in logs and "
         "history."),
       C("Query strings are limited to 64 characters.", False,
         "There is no such limit; the problem is where URLs get recorded."))),
)

TOKEN_EXPOSURE: tuple[Question, ...] = (
    Q("exposure-logs",
      "A debug line logs the request headers. What is the risk?",
      (C("None, logs are internal.", False,
         "Logs are shipped to many systems and readable by many people; a logged token "
         "is a leaked token."),
       C("The Authorization header, and so the token, ends up in the logs.", True,
         "Log the user or a token id, never the token; redact headers."),
       C("Logging headers slows the service.", False,
         "The cost is the leaked token, not the time."))),
    Q("exposure-errors",
      "An exception message includes the token that failed to validate. Why fix it?",
      (C("Error messages reach logs, error trackers and sometimes the user.", True,
         "Say which token (its id or prefix), never its value."),
       C("Long messages are truncated.", False,
         "Truncation does not remove the token from the part that is kept."),
       C("It is fine because the token was invalid.", False,
         "An expired or mistyped token may be one character away from a valid one, "
         "and the same code path logs valid tokens too."))),
    Q("exposure-store",
      "How should a server store the API tokens it issues?",
      (C("In clear, so it can compare them quickly.", False,
         "Whoever reads the database (a backup, an injection) gets every token."),
       C("Encrypted with a key kept next to the database.", False,
         "Whoever gets the database usually gets the key too; the server never needs to "
         "read a token back."),
       C("As a keyed hash; compare hashes in constant time.", True,
         "The server can check a token without being able to reveal it, so a "
         "stolen database holds no usable token."))),
)

BANK: dict[Category, tuple[Question, ...]] = {
    Category.HARDCODED_SECRET: HARDCODED_SECRET,
    Category.WEAK_GENERATION: WEAK_GENERATION,
    Category.MISSING_EXPIRY: MISSING_EXPIRY,
    Category.BROAD_SCOPE: BROAD_SCOPE,
    Category.INSECURE_TRANSPORT: INSECURE_TRANSPORT,
    Category.TOKEN_EXPOSURE: TOKEN_EXPOSURE,
}

MIN_QUESTIONS, MAX_QUESTIONS = 2, 3


def _pool(rule_id: str, category: Category) -> list[Question]:
    return [q for q in BANK[category] if not q.rules or rule_id in q.rules]


def question_count(rule_id: str, category: Category) -> int:
    """How many questions a lesson on this rule asks (whatever was asked before it)."""
    return min(MAX_QUESTIONS, len(_pool(rule_id, category)))


def questions_for(rule_id: str, category: Category, used: set[str]) -> tuple[Question, ...]:
    """2-3 questions for a lesson: the rule's own first, then ones not asked yet.

    ``used`` holds ids asked in earlier lessons; it is updated. Deterministic: the bank's
    order decides.
    """
    pool = _pool(rule_id, category)
    ranked = sorted(pool, key=lambda q: (rule_id not in q.rules, q.id in used,
                                         pool.index(q)))
    chosen = tuple(ranked[:MAX_QUESTIONS])
    used.update(q.id for q in chosen)
    return chosen
