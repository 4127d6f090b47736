"""Signals from other apps that change what a page of comments shows."""

from __future__ import annotations

from typing import Any


def connect() -> None:
    """P22: a changed name or avatar (or an erased one) reaches every page that shows one of
    the person's comments, at the sites' next builds, asked for now."""
    from mosaic.profiles.signals import identity_changed

    identity_changed.connect(on_identity_changed, dispatch_uid="comments.identity_changed")


def on_identity_changed(sender: Any, user_ids: tuple[int, ...], **kwargs: Any) -> None:
    from mosaic.comments.services import author_changed

    author_changed(user_ids=user_ids)
