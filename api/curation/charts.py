"""Small server-side SVG charts for the staff dashboard: no JavaScript, no external service.

``column_chart`` draws one value per day (messages, handoffs), ``share_chart``
horizontal bars with percentages (intents, areas, topics) and ``split_bar``
one bar split into named parts (有用/没用, answered/abstained). Text is set
as SVG text, so the browser renders the Chinese labels with its own fonts;
every label and title is escaped.
"""

from __future__ import annotations

from datetime import date
from html import escape

PALETTE = ("#2f6fb3", "#e07b39", "#4c9f70", "#b8474f", "#7a5fa8", "#8c8c3a", "#3a8c8c", "#9e9e9e")
FONT = 'font-family="sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def column_chart(title: str, days: list[date], values: list[int], color: str = PALETTE[0], width: int = 480) -> str:
    """One column per day, the maximum marked on the axis, a date label every few days."""
    height, left, top, bottom = 200, 36, 12, 28
    plot_w, plot_h = width - left - 8, height - top - bottom
    peak = max(values, default=0) or 1
    step = plot_w / max(len(values), 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="11" {FONT}>{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11" {FONT}>0</text>',
    ]
    label_every = max(1, len(days) // 5)
    for index, (day, value) in enumerate(zip(days, values)):
        bar_h = plot_h * value / peak
        x = left + index * step
        body.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{bar_h:.1f}" fill="{color}"><title>{day.isoformat()}：{value}</title></rect>'
        )
        if index % label_every == 0 or index == len(days) - 1:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" {FONT}>'
                f"{day.month}/{day.day}</text>"
            )
    return _svg(width, height, title, body)


def share_chart(title: str, pairs: list[tuple[str, int]], limit: int = 8, width: int = 480) -> str:
    """Horizontal bars, largest first, each labelled with its count and share of the total."""
    shown = pairs[:limit]
    total = sum(count for _, count in pairs)
    row_h, label_w = 26, int(width * 0.4)
    height = max(row_h * len(shown), row_h) + 8
    peak = max((count for _, count in shown), default=0) or 1
    body = [] if shown else [f'<text x="8" y="18" font-size="13" fill="#666" {FONT}>暂无数据</text>']
    for index, (label, count) in enumerate(shown):
        y = 4 + index * row_h
        bar_w = (width - label_w - 90) * count / peak
        fits = (label_w - 12) // 13
        shown_label = label if len(label) <= fits else label[: fits - 1] + "…"
        body += [
            f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" font-size="13" {FONT}>'
            f"{escape(shown_label)}<title>{escape(label)}</title></text>",
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w:.1f}" height="{row_h - 8}" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>',
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 17}" font-size="12" {FONT}>'
            f"{count}（{_percent(count, total)}）</text>",
        ]
    return _svg(width, height, title, body)


def split_bar(title: str, parts: list[tuple[str, int]], width: int = 480) -> str:
    """One bar divided into ``parts`` in proportion, with a legend of counts and shares."""
    bar_h = 28
    total = sum(count for _, count in parts)
    body, x = [], 0.0
    if not total:
        body.append(f'<rect x="0" y="0" width="{width}" height="{bar_h}" fill="#e6e6e6"/>')
    for index, (label, count) in enumerate(parts):
        part_w = width * count / total if total else 0
        color = PALETTE[index % len(PALETTE)]
        body.append(f'<rect x="{x:.1f}" y="0" width="{part_w:.1f}" height="{bar_h}" fill="{color}"/>')
        x += part_w
        legend_x = index * width // max(len(parts), 1)
        body += [
            f'<rect x="{legend_x}" y="{bar_h + 10}" width="12" height="12" fill="{color}"/>',
            f'<text x="{legend_x + 18}" y="{bar_h + 21}" font-size="13" {FONT}>'
            f"{escape(label)} {count}（{_percent(count, total)}）</text>",
        ]
    return _svg(width, bar_h + 30, title, body)
