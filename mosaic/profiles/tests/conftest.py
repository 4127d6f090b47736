"""Profile test fixtures."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest

from mosaic.profiles.signals import identity_changed


@pytest.fixture
def announced() -> Iterator[Callable[[], list[int]]]:
    """The ``user_ids`` of every ``identity_changed`` sent during the test, in order."""
    seen: list[int] = []

    def receiver(sender: object, user_ids: tuple[int, ...], **kwargs: object) -> None:
        seen.extend(user_ids)

    identity_changed.connect(receiver, weak=False, dispatch_uid="profiles-tests")
    yield lambda: list(seen)
    identity_changed.disconnect(dispatch_uid="profiles-tests")


def upload(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
