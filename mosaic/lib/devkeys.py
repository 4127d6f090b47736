"""Development-only secrets kept under ``var/``, so a local run needs no set-up.

Production never calls this: each caller reads its key from the environment there and refuses
to start without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def development_secret(file_name: str, generate: Callable[[], str]) -> str:
    """The secret in ``VAR_DIR/file_name``, made by ``generate`` on first use (mode 0600)."""
    path = Path(settings.VAR_DIR) / file_name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = generate()
    # O_EXCL: two processes starting together must not each write a different secret.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret)
    return secret
