"""The findings chart: hand-written SVG, one stacked bar per category, one colour a severity.

No library and no external service: the same text renders in a browser, a Markdown
viewer and on paper. Colours are from a colour-blind-safe palette and every bar carries its
number, so the chart reads in greyscale too.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tokenward.model import Severity
from tokenward.training.model import CategoryCount

COLOURS = {
    Severity.CRITICAL: "#b2182b",
    Severity.HIGH: "#ef8a62",
    Severity.MEDIUM: "#67a9cf",
    Severity.LOW: "#bdbdbd",
}
LABEL_WIDTH = 170
BAR_AREA = 440
ROW = 34
TOP = 46


def render_svg(counts: Sequence[CategoryCount]) -> str:
    total = sum(c.total for c in counts)
    biggest = max((c.total for c in counts), default=0) or 1
    height = TOP + ROW * len(counts) + 20
    width = LABEL_WIDTH + BAR_AREA + 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-title" '
        'font-family="system-ui, sans-serif" font-size="14">',
        f'<title id="chart-title">Findings by category and severity ({total} in all)</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    x: float = LABEL_WIDTH
    for severity in sorted(COLOURS, key=lambda s: -s.rank):
        out.append(f'<rect x="{x}" y="10" width="14" height="14" fill="{COLOURS[severity]}"/>')
        out.append(f'<text x="{x + 20}" y="22" fill="#222">{severity.value}</text>')
        x += 100
    for index, count in enumerate(counts):
        y = TOP + index * ROW
        out.append(f'<text x="{LABEL_WIDTH - 10}" y="{y + 17}" text-anchor="end" '
                   f'fill="#222">{escape(count.category.value)}</text>')
        x = LABEL_WIDTH
        for severity, n in count.by_severity:
            if not n:
                continue
            w = round(BAR_AREA * n / biggest, 1)
            out.append(f'<rect x="{x}" y="{y + 2}" width="{w}" height="22" '
                       f'fill="{COLOURS[severity]}"><title>{escape(count.category.value)}, '
                       f'{severity.value}: {n}</title></rect>')
            if w >= 22:
                colour = "#fff" if severity in (Severity.CRITICAL,) else "#111"
                out.append(f'<text x="{round(x + w / 2, 1)}" y="{y + 18}" text-anchor="middle" '
                           f'fill="{colour}">{n}</text>')
            x = round(x + w, 1)
        out.append(f'<text x="{round(x + 8, 1)}" y="{y + 18}" fill="#222" '
                   f'font-weight="bold">{count.total}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
