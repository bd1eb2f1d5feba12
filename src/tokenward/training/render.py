"""Render a session: Markdown lessons, one self-contained HTML page, a SCORM 1.2 package.

Every function here returns text or bytes; writing files is :mod:`tokenward.training.output`.
Output is a pure function of the session: no dates unless the session carries one, sorted
everything, fixed timestamps inside the zip.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from html import escape

import jinja2
from markupsafe import Markup

from tokenward import __version__
from tokenward.model import ScanResult
from tokenward.reporters import ReportOptions
from tokenward.reporters.json_report import render as render_json
from tokenward.scanner.redaction import printable
from tokenward.training.chart import render_svg
from tokenward.training.content import HISTORY_STEPS
from tokenward.training.lessons import more_title, plural
from tokenward.training.model import CodeExcerpt, Session
from tokenward.training.plan import Timing

MASTERY_SCORE = 80
SCORM_IDENTIFIER = "tokenward-training"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")


def _fence(text: str, language: str = "") -> str:
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{text.rstrip(chr(10))}\n{ticks}"


def _code_span(text: str, *, in_table: bool = False) -> str:
    """``text`` as one Markdown code span, whatever it holds: a fence of more backticks
    than its longest run (padded when it starts or ends with one), ``|`` escaped inside a
    table (GFM splits cells at it, even in code), control characters shown as escapes.

    A file name is input: `` a`b|c `` must not end the span or the table cell early.
    """
    text = printable(text)
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _numbered_fence(excerpt: CodeExcerpt) -> str:
    width = len(str(excerpt.first_line + len(excerpt.lines)))
    rows = [f"{number:>{width}} {'>' if hit else ' '} {text}".rstrip()
            for number, text, hit in excerpt.numbered]
    return _fence("\n".join(rows), excerpt.language)


def _inline_code(text: str) -> Markup:
    escaped = escape(text, quote=False)
    return Markup(_INLINE_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped))


def _code_block(excerpt: CodeExcerpt) -> Markup:
    rows = []
    for number, text, hit in excerpt.numbered:
        css = "line hl" if hit else "line"
        rows.append(f'<span class="{css}"><span class="ln">{number}</span>'
                    f"{escape(text, quote=False)}</span>")
    return Markup(f'<pre class="code" data-language="{escape(excerpt.language)}">'
                  + "".join(rows) + "</pre>")


def _timing_text(timing: Timing) -> str:
    return (f"explaining {timing.explain}, code {timing.demo}, spot the bug {timing.spot}, "
            f"quiz {timing.quiz}, exercise {timing.exercise}")


def _diff_class(line: str) -> str:
    if line.startswith(("---", "+++")):
        return "head"
    if line.startswith("@@"):
        return "hunk"
    if line.startswith("+"):
        return "add"
    if line.startswith("-"):
        return "del"
    return "ctx"


@functools.lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tokenward.training", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["fence"] = _fence
    env.filters["code"] = _code_span
    env.filters["numbered_fence"] = _numbered_fence
    env.filters["inline_code"] = _inline_code if html else (lambda text: text)
    env.filters["diff_class"] = _diff_class
    env.filters["plural"] = plural
    env.filters["timing_text"] = _timing_text
    # Feedback is shown with textContent: drop the Markdown backticks.
    env.filters["plain"] = lambda text: text.replace("`", "")
    env.globals["code_block"] = _code_block
    env.globals["history_steps"] = HISTORY_STEPS
    return env


def _tidy(text: str) -> str:
    """Collapse runs of blank lines and end with one newline (Markdown reads cleaner)."""
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def render_lesson_markdown(session: Session, number: int) -> str:
    lesson = session.lessons[number - 1]
    return _tidy(_environment(False).get_template("lesson.md.j2").render(lesson=lesson))


def render_index_markdown(session: Session) -> str:
    template = _environment(False).get_template("index.md.j2")
    return _tidy(template.render(session=session,
                                 more_title=more_title(session.from_findings)))


def render_exercises_markdown(session: Session) -> str:
    return _tidy(_environment(False).get_template("exercises.md.j2").render(session=session))


def render_chart(session: Session) -> str:
    return render_svg(session.counts)


def render_html(session: Session, *, scorm: bool = False) -> str:
    """One self-contained page: the learner view (scrollable, printable) and, on P, the
    presenter view over the same screens."""
    template = _environment(True).get_template("site.html.j2")
    return template.render(session=session, chart=Markup(render_svg(session.counts)),
                           scorm=scorm, mastery=MASTERY_SCORE,
                           windows={item.anchor: item for item in session.agenda},
                           more_title=more_title(session.from_findings))


def render_findings(session: Session) -> str:
    """The findings the session was built from, as `tokenward scan --format json` writes
    them (redacted snippets, no secret): what `train --compare` reads next time."""
    return render_json(ScanResult(findings=session.findings),
                       ReportOptions(tool_version=__version__))


def render_manifest(session: Session) -> str:
    template = _environment(True).get_template("imsmanifest.xml.j2")
    return template.render(session=session, identifier=SCORM_IDENTIFIER, mastery=MASTERY_SCORE)


def render_scorm(session: Session) -> bytes:
    """A SCORM 1.2 package: imsmanifest.xml at the root and the single SCO page."""
    files = {
        "imsmanifest.xml": render_manifest(session),
        "index.html": render_html(session, scorm=True),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name].encode("utf-8"))
    return buffer.getvalue()
