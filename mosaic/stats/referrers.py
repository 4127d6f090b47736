"""The page's referrer for the view beacon, filled in by whoever delivers the page.

A browser sends an image's Referer as the page that shows it, never as the page's own
referrer. So ``{% stats_pixel %}`` writes ``r=`` + ``PLACEHOLDER`` into the beacon address, and
the server delivering the page swaps the placeholder for the referring *host* of that request
(nginx does it with ``sub_filter`` and a ``map``, docs/operations.md; a Django view serving the
static files can call ``fill``). Left as it is (a copy hosted elsewhere), the placeholder is not
a host name, and the beacon simply records no referrer.
"""

from __future__ import annotations

from mosaic.stats.visitors import host_of

PLACEHOLDER = "__mosaic_referrer__"


def fill(html: bytes, referer: str) -> bytes:
    """Put the referring host (only the host, P12) in place of the placeholder."""
    return html.replace(PLACEHOLDER.encode(), host_of(referer).encode())
