"""The only module that imports detect_secrets.

detect-secrets is slow for two reasons: it runs every plugin over every line, and importing
it costs about 0.2-0.3 s. This adapter does neither unless it has to:

1. For each plugin used, a *prefilter*: literal anchors (``"AKIA" in text`` is a C-speed
   search) and a regex that matches wherever the plugin's own denylist could match (the
   same regex, or a looser one). Running it once over the whole text gives the candidate
   lines for that plugin. The test suite checks, on a sample text, that the plugins give
   the same results on the candidate lines as on every line.
2. Only when a candidate line exists is detect_secrets imported, and only the plugin that
   flagged a line runs on it, inside ``transient_settings`` (detect-secrets' settings are
   global; the context manager restores them).

Only two plugins are still used: Discord and Telegram bot tokens have no literal a
prefilter could anchor on, and the catalogue (``analysis/catalogue.py``) finds them only
next to a keyword (``discord``, ``Authorization: Bot``) or, for Telegram, the ``:AA`` its
issued tokens carry. Every other provider plugin was dropped for the catalogue's row of the
same format: on 10,095 text files (the accuracy corpus, the tests, the 28 real-world trees)
the twelve plugins added 8 findings to the catalogue's, none of them a token in its
documented format (4 Twilio account SIDs, which are identifiers, and 4 test strings of the
wrong length for SendGrid, Azure storage and npm). KeywordDetector, the entropy plugins and
IPPublicDetector are replaced by tokenward's own context logic (TW101, TW102), and the
keyword-shaped IBM/Softlayer/Cloudant/Artifactory detectors by TW101's false-positive
controls.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Iterator
from typing import Any

from tokenward.records import record


@record
class PluginSpec:
    """A detect-secrets plugin and the cheap test for the lines it could fire on. A plugin
    may have several specs (one regex each: a regex that starts with a literal is searched
    much faster than an alternation)."""

    module: str
    name: str
    # The catalogue row (analysis/catalogue.py) a match of this plugin is reported as.
    row: str
    prefilter: re.Pattern[str]
    anchors: tuple[str, ...] = ()  # case-sensitive literals; empty: always run the prefilter
    lowered_anchors: tuple[str, ...] = ()  # literals looked for in the lower-cased text
    # What the plugin's match has just before the part ``prefilter`` matches: the
    # characters there must all match it (``lead`` of them; 0: no test). The prefilter
    # starts with a literal, which the regex engine finds at C speed; a pattern that
    # started with the lead's character class would be tried at every position.
    lead: re.Pattern[str] | None = None
    lead_length: int = 0


# Each a loosened form of the plugin's own pattern (``\w`` and ``\d`` hold every
# character of ``[a-zA-Z\d_]``): a line the plugin matches is a candidate. The leads keep
# dotted names (``django.contrib.auth.hashers``) and ``key: value`` lines from being
# candidates: without them a tenth of Django's files were, and detect-secrets was
# imported in every scan's every worker.
PLUGINS: tuple[PluginSpec, ...] = (
    # [MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}
    PluginSpec("discord", "DiscordBotTokenDetector", "discord",
               re.compile(r"\.[\w-]{6}\.[\w-]{27}"), lead=re.compile(r"[\w-]{23}"),
               lead_length=23),
    # \d{8,10}:[0-9A-Za-z_-]{35}
    PluginSpec("telegram_token", "TelegramBotTokenDetector", "telegram",
               re.compile(r":[\w-]{35}"), anchors=(":",), lead=re.compile(r"\d{8}"),
               lead_length=8),
)


@record
class PluginMatch:
    """One value a detect-secrets plugin reported. Lines and columns are 1-based."""

    secret_type: str
    value: str
    line: int
    column: int
    row: str  # the catalogue row it is reported as


def candidate_lines(text: str, lowered: str | None = None) -> dict[str, list[int]]:
    """Plugin name -> the 1-based numbers of the lines it could fire on (cheap)."""
    found: dict[str, list[int]] = {}
    starts: list[int] | None = None
    for spec in PLUGINS:
        if spec.anchors or spec.lowered_anchors:
            hit = any(a in text for a in spec.anchors)
            if not hit and spec.lowered_anchors:
                if lowered is None:
                    lowered = text.lower()
                hit = any(a in lowered for a in spec.lowered_anchors)
            if not hit:
                continue
        numbers = found.get(spec.name, [])
        for start in _led_matches(spec, text):
            if starts is None:
                starts = _line_starts(text)
            number = bisect.bisect_right(starts, start)
            if not numbers or numbers[-1] != number:
                numbers.append(number)
        if numbers:
            found[spec.name] = sorted(set(numbers))
    return found


def _led_matches(spec: PluginSpec, text: str) -> Iterator[int]:
    """Where ``spec.prefilter`` matches ``text`` after its lead. Searched again one
    character on from a match without its lead: the plugin's match may start inside it,
    where a search from its end would not look."""
    lead, length = spec.lead, spec.lead_length
    position = 0
    while (match := spec.prefilter.search(text, position)) is not None:
        start = match.start()
        if lead is not None and (start < length
                                 or lead.fullmatch(text, start - length, start) is None):
            position = start + 1
            continue
        yield start
        # A plugin match this one overlaps is on the same line (none holds a line break).
        position = match.end()


def _line_starts(text: str) -> list[int]:
    # The same line breaks as str.splitlines() for the ones that matter in source code.
    starts = [0]
    starts.extend(m.end() for m in re.finditer(r"\r\n|\r|\n", text))
    return starts


def scan_text(text: str, lowered: str | None = None) -> list[PluginMatch]:
    """Run the plugins over the candidate lines of ``text``; import detect-secrets lazily."""
    candidates = candidate_lines(text, lowered)
    if not candidates:
        return []
    lines = re.split(r"\r\n|\r|\n", text)
    return run_plugins({name: [(n, lines[n - 1]) for n in numbers]
                        for name, numbers in candidates.items()})


def run_plugins(work: dict[str, list[tuple[int, str]]]) -> list[PluginMatch]:
    """Run each named plugin over its (line number, line) pairs."""
    from detect_secrets.settings import transient_settings

    results: list[PluginMatch] = []
    used = [{"name": name} for name in work]
    with transient_settings({"plugins_used": used, "filters_used": []}):
        for name, lines in work.items():
            plugin = _plugin(name)
            row = next(spec.row for spec in PLUGINS if spec.name == name)
            for number, line in lines:
                for value in sorted(set(plugin.analyze_string(line))):
                    column = line.find(value) + 1
                    results.append(PluginMatch(plugin.secret_type, value, number,
                                               max(column, 1), row))
    results.sort(key=lambda m: (m.line, m.column, m.secret_type))
    return results


_INSTANCES: dict[str, Any] = {}


def _plugin(name: str) -> Any:
    instance = _INSTANCES.get(name)
    if instance is None:
        spec = next(spec for spec in PLUGINS if spec.name == name)
        module = importlib.import_module(f"detect_secrets.plugins.{spec.module}")
        instance = _INSTANCES[name] = getattr(module, name)()
    return instance
