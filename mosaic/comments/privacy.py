"""Comments as personal data (P22, P20, P08): what a member wrote on others' sites."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.comments import services
from mosaic.comments.models import Comment, CommentNotice
from mosaic.privacy.registry import Category, Holding, Text, register


@register
class Comments(Category):
    key = "comments"
    title = _("Comments")
    description = _(
        "The comments you write on Mosaic sites, shown there with your display name and"
        " avatar; when you confirmed that notice; the people you blocked from commenting on"
        " your sites."
    )
    purpose = _("To show your comments where you wrote them, and to let owners moderate them.")
    legal_basis = _("Performance of the contract: you publish them.")
    holdings = (
        Holding("comments.Comment", ("author", "text")),
        Holding("comments.CommentNotice", ("user", "display_name", "with_avatar")),
        Holding("comments.CommenterBlock", ("owner", "commenter")),
    )

    def retention(self) -> Text:
        return _(
            "Until you or the site's owner delete the comment, or the site goes. When your"
            " account is deleted, your comments leave every page at once and are deleted"
            " after the quarantine, on every site: they are removed, not kept under another"
            " name. Comments on your own sites go with the sites."
        )

    def export(self, user: User) -> dict[str, Any]:
        comments = (
            Comment.objects.filter(author=user).select_related("site").order_by("created_at", "pk")
        )
        notice = CommentNotice.objects.filter(user=user).first()
        return {
            "notice_confirmed_at": notice.acknowledged_at.isoformat() if notice else None,
            "comments": [
                {
                    "site": comment.site.slug,
                    "post": comment.post_id,
                    "text": comment.text,
                    "written_at": comment.created_at.isoformat(),
                    "state": comment.status,
                }
                for comment in comments
            ],
        }

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """Removal, not anonymisation: every comment by these accounts is deleted on every
        site, and those sites are rebuilt without them (a few queries per batch)."""
        return services.erase_authors(user_ids=[user.pk for user in users])

    def quarantine(self, user: User) -> None:
        """P08: the account is offline at once, so are its comments: the pages are rebuilt
        (``Comment.objects.shown`` leaves out an account in quarantine)."""
        services.author_changed(user_ids=[user.pk])

    def restore(self, user: User) -> None:
        services.author_changed(user_ids=[user.pk])
