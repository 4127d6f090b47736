"""Photo test fixtures."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from mosaic.photos.models import Photo
from mosaic.photos.services import add_photo


@pytest.fixture
def add(owner) -> Callable[..., Photo]:
    """Add a photo as Olivia (wrap in ``on_commit()`` to run the processing it schedules)."""

    def _add(data: bytes, filename: str = "photo.jpg", *, user=None) -> Photo:
        return add_photo(owner=user or owner.user, source=io.BytesIO(data), filename=filename)

    return _add


@pytest.fixture
def files(settings, tmp_path: Path) -> Callable[[], list[Path]]:
    """Every file now on disk under the media and private folders."""

    def _files() -> list[Path]:
        return sorted(p for p in tmp_path.rglob("*") if p.is_file() and "mail" not in p.parts)

    return _files


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks) -> Callable[[], AbstractContextManager[object]]:
    return lambda: django_capture_on_commit_callbacks(execute=True)
