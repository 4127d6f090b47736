"""Personal-data category for posts: captions, hashtags, alt texts, comments and videos (P05,
P07, P20)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.photos.storage import guarded_storage
from mosaic.posts.models import Post, Video
from mosaic.posts.services import delete_post
from mosaic.privacy.registry import Category, Holding, Text, register


@register
class PostData(Category):
    key = "posts"
    order = 40  # before photos: a post's items point to its photos
    title = _("Posts")
    description = _(
        "Your posts: captions, hashtags, dates, links to the posts on Instagram, the order of"
        " photos and videos in each, the alt text you write for photos, the video files, and"
        " comments others left on them when Instagram lets us read them."
    )
    purpose = _("To build and show your site.")
    legal_basis = _("Contract: you asked us to publish these posts on your site.")
    holdings = (
        Holding(
            "posts.Post",
            ("owner", "external_id", "caption", "hashtags", "hashtag_keys", "permalink"),
        ),
        Holding("posts.PostItem", ("external_id", "alt_text")),
        Holding("posts.Video", ("owner", "sha256", "name", "public_name")),
        Holding("posts.Comment", ("external_id", "author", "text")),
    )

    def retention(self) -> Text:
        kept = _(
            "Only while the post is on your account: removing a post, disconnecting the"
            " data it came from, or deleting your account after its quarantine deletes it and"
            " its files."
        )
        imports = _(
            "Posts imported from Instagram go with your last site, after its quarantine, or"
            " %(days)s days after the last import if you have no site."
        ) % {"days": settings.PRIVACY_IMPORTS_WITHOUT_SITE_DAYS}
        return f"{kept} {imports}"

    def export(self, user: User) -> list[dict[str, Any]]:
        posts = (
            Post.objects.filter(owner=user)
            .prefetch_related("items__video", "comments")
            .order_by("taken_at", "pk")
        )
        return [
            {
                "id": post.pk,
                "source": post.source,
                "instagram_id": post.external_id,
                "caption": post.caption,
                "hashtags": post.hashtags,
                "taken_at": post.taken_at.isoformat(),
                "permalink": post.permalink,
                "items": [
                    {
                        "kind": item.kind,
                        "photo_id": item.photo_id,
                        "video": f"{item.video.pk}.mp4" if item.video else None,
                        "alt_text": item.alt_text,
                    }
                    for item in post.items.all()
                ],
                "comments": [
                    {
                        "author": comment.author,
                        "text": comment.text,
                        "at": comment.commented_at.isoformat(),
                    }
                    for comment in post.comments.all()
                ],
            }
            for post in posts
        ]

    def files(self, user: User) -> Iterator[tuple[str, Callable[[], IO[bytes]]]]:
        storage = guarded_storage()
        for video in Video.objects.filter(owner=user).order_by("pk").iterator(chunk_size=200):
            yield f"{video.pk}.mp4", partial(storage.open, video.name, "rb")

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        posts = list(Post.objects.filter(owner__any=[user.pk for user in users]))
        for post in posts:
            delete_post(post=post)
        return len(posts)
