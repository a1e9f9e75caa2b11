"""Server-rendered SVG bar charts for the admin dashboard (no JavaScript, no CDN).

Each function takes plain data (already aggregated by the database) and returns safe SVG markup.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from jining.formatting import format_number

PALETTE = ["#3b6ea8", "#e07b39", "#5a9e4b", "#c44e52", "#8172b2", "#937860", "#da8bc3", "#8c8c8c"]
WIDTH = 560
ROW = 26
LABEL_W = 150


def horizontal_bars(rows, *, unit="", empty_text=""):
    """rows: [(label, value)] -> one bar per row, longest = full width."""
    if not rows:
        return format_html('<p class="dashboard-empty">{}</p>', empty_text)
    top = max((v for _, v in rows), default=0) or 1
    bar_w = WIDTH - LABEL_W - 90
    height = ROW * len(rows) + 6
    parts = []
    for i, (label, value) in enumerate(rows):
        y = i * ROW + 4
        w = max(1, round(bar_w * float(value) / float(top))) if value else 0
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="lbl">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="18" fill="{}"><title>{}: {} {}</title></rect>'
                '<text x="{}" y="{}" class="val">{} {}</text>',
                LABEL_W - 6,
                y + 13,
                label,
                LABEL_W,
                y,
                w,
                PALETTE[0],
                label,
                format_number(value),
                unit,
                LABEL_W + w + 4,
                y + 13,
                format_number(value),
                unit,
            )
        )
    return _svg(height, mark_safe("".join(parts)))


def stacked_columns(categories, stacks, *, unit="", empty_text=""):
    """categories: x labels; stacks: [(series label, [value per category])] -> stacked columns + legend."""
    if not categories or not stacks:
        return format_html('<p class="dashboard-empty">{}</p>', empty_text)
    totals = [sum(float(s[1][i] or 0) for s in stacks) for i in range(len(categories))]
    top = max(totals) or 1
    plot_h = 160
    col_w = min(48, (WIDTH - 40) // len(categories) - 6)
    legend_h = 20 * ((len(stacks) + 2) // 3)
    parts = []
    for i, category in enumerate(categories):
        x = 40 + i * (col_w + 6)
        y = plot_h + 10
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
                plot_h + 26,
                category,
                x + col_w / 2,
                plot_h + 6 - round(plot_h * totals[i] / top),
                format_number(totals[i]) if totals[i] else "",
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" class="lbl">{}</text>',
        (
            (
                40 + (s % 3) * 175,
                plot_h + 40 + 20 * (s // 3),
                PALETTE[s % len(PALETTE)],
                58 + (s % 3) * 175,
                plot_h + 50 + 20 * (s // 3),
                label,
            )
            for s, (label, _) in enumerate(stacks)
        ),
    )
    return _svg(plot_h + 44 + legend_h, mark_safe("".join(parts) + legend))


def _svg(height, body):
    return format_html(
        '<svg class="dashboard-chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" width="100%" style="max-width:{}px">'
        "<style>.lbl{{font-size:12px;fill:#333}}.val{{font-size:11px;fill:#555}}</style>{}</svg>",
        WIDTH,
        height,
        WIDTH,
        body,
    )
