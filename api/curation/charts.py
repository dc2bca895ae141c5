"""Small server-side SVG charts for the staff dashboard: no JavaScript, no external service.

``column_chart`` draws one value per day (messages, handoffs), ``share_chart``
horizontal bars with percentages (intents, areas, topics) and ``split_bar``
one bar split into named parts (有用/没用, answered/abstained). Text is set
as SVG text, so the browser renders the Chinese labels with its own fonts;
every label and title is escaped.

Made for a phone first: the charts are ``WIDTH`` (320) units wide and scale
with the card, so on a 360 px screen one unit is about one pixel and the
14-unit labels stay at 12 px or more (``MIN_FONT`` in the browser test). Each
chart carries its legend; a bar's label sits on its own line above the bar,
so long names (a whole question) keep the full width instead of being cut to
a few characters.
"""

from __future__ import annotations

from datetime import date
from html import escape

PALETTE = ("#2f6fb3", "#e07b39", "#4c9f70", "#b8474f", "#7a5fa8", "#8c8c3a", "#3a8c8c", "#9e9e9e")
FONT = 'font-family="sans-serif"'
WIDTH = 320
TEXT = 14  # font size of every label, in chart units (about px on a phone)
CHAR = 14  # width of one Chinese character at that size; Latin digits take about half


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _text(x: float, y: float, content: str, anchor: str = "start", fill: str = "#222") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{TEXT}" fill="{fill}" {FONT}>{content}</text>'
    )


def _text_width(text: str) -> float:
    return sum(CHAR if ord(ch) > 0x2E7F else CHAR * 0.6 for ch in text)


def _fit(text: str, width: float) -> str:
    """``text`` cut with 「…」 to fit ``width`` units."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _legend(x: float, y: float, color: str, label: str) -> list[str]:
    return [f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="12" height="12" fill="{color}"/>', _text(x + 18, y, label)]


def column_chart(
    title: str,
    days: list[date],
    values: list[int],
    color: str = PALETTE[0],
    width: int = WIDTH,
    legend: str | None = None,
) -> str:
    """One column per day, with a legend, the maximum marked on the axis and a date label every few days."""
    top, bottom = 30, 24
    left = 8 + int(_text_width(str(max(values, default=0))))
    height = top + 140 + bottom
    plot_w, plot_h = width - left - 8, height - top - bottom
    peak = max(values, default=0) or 1
    step = plot_w / max(len(values), 1)
    body = [
        *_legend(4, 16, color, escape(legend or title)),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#999"/>',
        _text(left - 4, top + 10, str(peak), "end"),
        _text(left - 4, top + plot_h, "0", "end"),
    ]
    label_every = max(1, -(-len(days) // 4))  # at most about four dates on the axis
    for index, (day, value) in enumerate(zip(days, values)):
        bar_h = plot_h * value / peak
        x = left + index * step
        body.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{bar_h:.1f}" fill="{color}"><title>{day.isoformat()}：{value}</title></rect>'
        )
        if index % label_every == 0:
            anchor = "start" if index == 0 else "middle"
            body.append(_text(x + (0 if index == 0 else step / 2), height - 6, f"{day.month}/{day.day}", anchor))
    return _svg(width, height, title, body)


def share_chart(title: str, pairs: list[tuple[str, int]], limit: int = 8, width: int = WIDTH) -> str:
    """Horizontal bars, largest first: the name on its own line, under it the bar with count and share."""
    shown = pairs[:limit]
    total = sum(count for _, count in pairs)
    row_h, top = 44, 26
    height = top + max(row_h * len(shown), row_h) + 4
    peak = max((count for _, count in shown), default=0) or 1
    body = [*_legend(4, 16, PALETTE[0], "条数（占比）")]
    if not shown:
        body.append(_text(4, top + 20, "暂无数据", fill="#666"))
    for index, (label, count) in enumerate(shown):
        y = top + index * row_h
        figure = f"{count}（{_percent(count, total)}）"
        bar_w = max((width - 8 - _text_width(figure) - 8) * count / peak, 2)
        body += [
            f'<text x="4" y="{y + 15}" font-size="{TEXT}" fill="#222" {FONT}>'
            f"{escape(_fit(label, width - 8))}<title>{escape(label)}</title></text>",
            f'<rect x="4" y="{y + 21}" width="{bar_w:.1f}" height="16" fill="{PALETTE[index % len(PALETTE)]}"/>',
            _text(4 + bar_w + 6, y + 34, figure),
        ]
    return _svg(width, height, title, body)


def split_bar(title: str, parts: list[tuple[str, int]], width: int = WIDTH) -> str:
    """One bar divided into ``parts`` in proportion, with a legend line of count and share per part."""
    bar_h, line_h = 28, 22
    total = sum(count for _, count in parts)
    body, x = [], 0.0
    if not total:
        body.append(f'<rect x="0" y="0" width="{width}" height="{bar_h}" fill="#e6e6e6"/>')
    for index, (label, count) in enumerate(parts):
        part_w = width * count / total if total else 0
        color = PALETTE[index % len(PALETTE)]
        body.append(f'<rect x="{x:.1f}" y="0" width="{part_w:.1f}" height="{bar_h}" fill="{color}"/>')
        x += part_w
        body += _legend(4, bar_h + 20 + index * line_h, color, f"{escape(label)} {count}（{_percent(count, total)}）")
    return _svg(width, bar_h + 12 + line_h * len(parts), title, body)
