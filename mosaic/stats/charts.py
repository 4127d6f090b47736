"""Server-rendered SVG charts: no script, no inline style (CSP), with a title and a description
for screen readers; the page also shows the same numbers as a table.

The SVG stretches to the width of the page (``preserveAspectRatio="none"``), so it holds only
the bars and the baseline; the scale and the dates are HTML beside it, at the body's size and
colour in both light and dark mode (text inside a stretched SVG would stretch with it).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, TOP_GAP = 320, 100, 4


def bar_chart(
    *,
    title: str,
    description: str,
    points: Sequence[tuple[str, int]],
    name: str,
    start: str = "",
    end: str = "",
) -> SafeString:
    """A bar per point, scaled to the largest; ``name`` makes the element ids unique;
    ``start`` and ``end`` label the first and last bar under the chart."""
    highest = max((value for _label, value in points), default=0)
    scale = highest or 1
    slot = WIDTH / max(len(points), 1)
    bar = max(slot * 0.7, 1.0)
    usable = HEIGHT - TOP_GAP
    bars = format_html_join(
        "",
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                f"{index * slot + (slot - bar) / 2:.1f}",
                f"{HEIGHT - usable * value / scale:.1f}",
                f"{bar:.1f}",
                f"{usable * value / scale:.1f}",
                label,
                value,
            )
            for index, (label, value) in enumerate(points)
        ),
    )
    return format_html(
        '<div class="chart-frame">'
        '<p class="chart-scale" aria-hidden="true"><span>{top}</span></p>'
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{n}-t {n}-d"'
        ' preserveAspectRatio="none" focusable="false">'
        '<title id="{n}-t">{title}</title><desc id="{n}-d">{desc}</desc>{bars}'
        '<line class="chart-axis" x1="0" y1="{h}" x2="{w}" y2="{h}"'
        ' vector-effect="non-scaling-stroke"></line>'
        "</svg>"
        '<p class="chart-dates" aria-hidden="true"><span>{start}</span><span>{end}</span></p>'
        "</div>",
        w=WIDTH,
        h=HEIGHT,
        n=name,
        title=title,
        desc=description,
        bars=bars,
        top=highest,
        start=start,
        end=end,
    )
