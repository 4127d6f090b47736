"""Self-audit check for comments (see ``mosaic.audit.registry``): counts only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from mosaic.audit.registry import audit_check
from mosaic.comments.models import Comment, CommentNotice


@audit_check("P22")
def every_comment_follows_its_notice(now: dt.datetime) -> list[str]:
    """P22: no comment (published or waiting) whose author had not confirmed, before writing
    it, the notice that their display name and avatar are shown with it."""
    told = CommentNotice.objects.filter(
        user_id=OuterRef("author_id"), acknowledged_at__lte=OuterRef("created_at")
    )
    untold = Comment.objects.exclude(Exists(told))
    if count := untold.count():
        return [f"{count} comments written without the notice confirmed first"]
    return []
