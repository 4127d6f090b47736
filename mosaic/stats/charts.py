"""Server-rendered SVG charts: no script, no inline style (CSP), with a title and a description
for screen readers; the page also shows the same numbers as a table."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, TOP_GAP, BOTTOM = 320, 120, 14, 18


def bar_chart(
    *, title: str, description: str, points: Sequence[tuple[str, int]], name: str
) -> SafeString:
    """A bar per point, scaled to the largest; ``name`` makes the element ids unique."""
    highest = max((value for _label, value in points), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    bar = max(slot * 0.8, 1.0)
    usable = HEIGHT - TOP_GAP - BOTTOM
    bars = format_html_join(
        "",
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                f"{index * slot + (slot - bar) / 2:.1f}",
                f"{TOP_GAP + usable - usable * value / highest:.1f}",
                f"{bar:.1f}",
                f"{usable * value / highest:.1f}",
                label,
                value,
            )
            for index, (label, value) in enumerate(points)
        ),
    )
    first = points[0][0] if points else ""
    last = points[-1][0] if points else ""
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{n}-t {n}-d"'
        ' preserveAspectRatio="none" focusable="false">'
        '<title id="{n}-t">{title}</title><desc id="{n}-d">{desc}</desc>'
        '<line class="chart-axis" x1="0" y1="{base}" x2="{w}" y2="{base}"></line>{bars}'
        '<text class="chart-label" x="0" y="{h}">{first}</text>'
        '<text class="chart-label" x="{w}" y="{h}" text-anchor="end">{last}</text>'
        '<text class="chart-label" x="0" y="10">{top}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        n=name,
        title=title,
        desc=description,
        base=HEIGHT - BOTTOM,
        bars=bars,
        first=first,
        last=last,
        top=highest if points and max(v for _l, v in points) else 0,
    )
