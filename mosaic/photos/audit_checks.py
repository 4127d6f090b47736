"""Self-audit lines for photos (see ``mosaic.audit.registry``)."""

from __future__ import annotations

import datetime as dt

from mosaic.audit import rolling
from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.photos.models import Photo


@audit_check("P07")
def no_photo_kept_that_nothing_names(now: dt.datetime) -> list[str]:
    """P07 (P05, P08): a photo nothing names any more (no post, no profile, no site's draft or
    published snapshot: a replaced or removed site avatar, an erased site's) is deleted at once,
    or by ``photos.upkeep`` if that was missed; one older than the sweeps' grace is a breach.
    A rolling window of the photos per run (``mosaic.audit.rolling``)."""
    with rolling.window("P07-photos", Photo) as rows:
        photos = Photo.objects.filter(rows.q, created_at__lt=now - SWEEP_GRACE)
        left = photos.unreferenced().count()
    return [f"{left} photos kept that no post, avatar or site names"] if left else []
