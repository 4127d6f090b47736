"""The page's referrer for the view beacon, filled in by whoever delivers the page.

A browser sends an image's Referer as the page that shows it, never as the page's own
referrer. So ``{% stats_pixel %}`` writes ``r=`` + ``PLACEHOLDER`` into the beacon address, and
the server delivering the page swaps the placeholder for the referring *host* of that request
(nginx does it with ``sub_filter`` and a ``map``, docs/operations.md; the app's own serving
calls ``fill`` with ``visitors.host_of(referer)``). Left as it is, the placeholder is not a host
name, and the beacon simply records no referrer.
"""

from __future__ import annotations

PLACEHOLDER = "__mosaic_referrer__"


def fill(html: bytes, *, host: str) -> bytes:
    """Put the referring host (only the host, from ``host_of``, P12) in place of the
    placeholder."""
    return html.replace(PLACEHOLDER.encode(), host.encode())
