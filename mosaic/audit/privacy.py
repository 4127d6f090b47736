from __future__ import annotations

from mosaic.privacy.registry import exempt

exempt(
    "audit.AuditRun",
    ("results",),
    reason="Counts of breaches per promise only; checks never report who is concerned.",
)
exempt(
    "audit.AuditCursor",
    ("name",),
    reason="The name of a rolling audit check and the last row number it looked at.",
)
