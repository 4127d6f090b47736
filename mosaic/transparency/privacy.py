"""The transparency report holds counts only (P26)."""

from __future__ import annotations

from mosaic.privacy.registry import exempt

exempt(
    "transparency.TransparencyReport",
    ("figures",),
    reason="Counts per half-year (requests by kind and country, blocks, reports); nobody named.",
)
