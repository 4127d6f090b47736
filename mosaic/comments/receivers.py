"""Signals from other apps that change what a page of comments shows."""

from __future__ import annotations

from typing import Any


def connect() -> None:
    """A changed name or avatar reaches every page showing one of the person's comments (P22).
    Connected once ``mosaic.profiles`` sends ``identity_changed``."""


def on_identity_changed(sender: Any, user_id: int, **kwargs: Any) -> None:
    from mosaic.comments.services import author_changed

    author_changed(user_id=user_id)
