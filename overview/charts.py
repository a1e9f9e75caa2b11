"""Server-rendered SVG bar charts for the admin dashboard (no JavaScript, no CDN).

Each function takes plain data (already aggregated by the database) and returns safe SVG markup.
Every label is measured (roughly: a CJK character is as wide as the font size, others about 0.6 of
it) and the drawing is laid out around the widest, so that no label is clipped by the SVG's edge;
a chart that needs more room than ``WIDTH`` gets a wider viewBox and is scaled to its box.
"""

import unicodedata

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from jining.formatting import format_number

PALETTE = ["#3b6ea8", "#e07b39", "#5a9e4b", "#c44e52", "#8172b2", "#937860", "#da8bc3", "#8c8c8c"]
WIDTH = 480
ROW = 26
LABEL_SIZE = 13  # px in the viewBox: category and legend labels (.lbl)
VALUE_SIZE = 12  # value labels (.val)
PAD = 4  # room kept between a label and the SVG's edge or its bar
MAX_LABEL_W = 200  # longer row labels are shortened with "…" (the bar's tooltip has them whole)


def text_width(text, size) -> float:
    """Estimated width of ``text`` at ``size`` px: a wide (CJK) character is ``size``, others 0.6 of it."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in str(text))


def shorten(text, size, width) -> str:
    """``text`` cut with "…" to fit ``width`` px at ``size`` px."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def horizontal_bars(rows, *, unit="", empty_text=""):
    """rows: [(label, value)] -> one bar per row, longest = full width, the value after it."""
    if not rows:
        return format_html('<p class="dashboard-empty">{}</p>', empty_text)
    top = max((v for _, v in rows), default=0) or 1
    values = [f"{format_number(value)} {unit}".strip() for _, value in rows]
    label_w = min(MAX_LABEL_W, max(text_width(label, LABEL_SIZE) for label, _ in rows)) + 2 * PAD
    value_w = max(text_width(text, VALUE_SIZE) for text in values) + 2 * PAD
    bar_w = max(WIDTH - label_w - value_w, 80)
    width = round(label_w + bar_w + value_w)
    height = ROW * len(rows) + 6
    parts = []
    for i, ((label, value), value_text) in enumerate(zip(rows, values, strict=True)):
        y = i * ROW + 4
        w = max(1, round(bar_w * float(value) / float(top))) if value else 0
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="lbl">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="18" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" class="val">{}</text>',
                round(label_w - PAD),
                y + 14,
                shorten(label, LABEL_SIZE, MAX_LABEL_W),
                round(label_w),
                y,
                w,
                PALETTE[0],
                label,
                value_text,
                round(label_w) + w + PAD,
                y + 14,
                value_text,
            )
        )
    return _svg(width, height, mark_safe("".join(parts)))


def stacked_columns(categories, stacks, *, unit="", empty_text=""):
    """categories: x labels; stacks: [(series label, [value per category])] -> stacked columns + legend.

    Each column's total stands above it; columns are spaced so that neither totals nor category
    labels overlap, and the legend wraps to as many rows as its labels need."""
    if not categories or not stacks:
        return format_html('<p class="dashboard-empty">{}</p>', empty_text)
    totals = [sum(float(s[1][i] or 0) for s in stacks) for i in range(len(categories))]
    top = max(totals) or 1
    total_texts = [format_number(int(t) if t.is_integer() else t) if t else "" for t in totals]
    plot_top = VALUE_SIZE + PAD + 2  # room for the tallest column's total
    plot_h = 160
    left = 2 * PAD
    col_w = max(12, min(48, (WIDTH - left - PAD) // len(categories) - 6))
    widest = max(
        max(text_width(t, VALUE_SIZE) for t in total_texts),
        max(text_width(c, LABEL_SIZE) for c in categories),
    )
    step = max(col_w + 6, round(widest) + 2 * PAD)
    plot_w = left + step * len(categories)
    base = plot_top + plot_h  # the columns' foot
    parts = []
    for i, category in enumerate(categories):
        x = left + i * step + (step - col_w) / 2
        y = base
        for s, (series_label, values) in enumerate(stacks):
            value = float(values[i] or 0)
            h = round(plot_h * value / top)
            if h:
                y -= h
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                        "<title>{} {}: {} {}</title></rect>",
                        x,
                        y,
                        col_w,
                        h,
                        PALETTE[s % len(PALETTE)],
                        category,
                        series_label,
                        format_number(values[i]),
                        unit,
                    )
                )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="lbl">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" class="val">{}</text>',
                x + col_w / 2,
                base + LABEL_SIZE + PAD,
                category,
                x + col_w / 2,
                base - round(plot_h * totals[i] / top) - PAD,
                total_texts[i],
            )
        )
    width = max(WIDTH, plot_w + PAD)
    legend_col = max(text_width(label, LABEL_SIZE) for label, _ in stacks) + 18 + 3 * PAD
    per_row = max(1, int((width - left) // legend_col))
    legend_top = base + LABEL_SIZE + 4 * PAD
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" class="lbl">{}</text>',
        (
            (
                round(left + (s % per_row) * legend_col),
                legend_top + 20 * (s // per_row),
                PALETTE[s % len(PALETTE)],
                round(left + (s % per_row) * legend_col) + 18,
                legend_top + 11 + 20 * (s // per_row),
                label,
            )
            for s, (label, _) in enumerate(stacks)
        ),
    )
    height = legend_top + 20 * ((len(stacks) + per_row - 1) // per_row)
    return _svg(round(width), height, mark_safe("".join(parts) + legend))


def _svg(width, height, body):
    return format_html(
        '<svg class="dashboard-chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" width="100%" style="max-width:{}px">'
        "<style>.lbl{{font-size:{}px;fill:var(--body-fg,#333)}}"
        ".val{{font-size:{}px;fill:var(--body-quiet-color,#555)}}</style>{}</svg>",
        width,
        height,
        width,
        LABEL_SIZE,
        VALUE_SIZE,
        body,
    )
