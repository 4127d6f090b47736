"""Development-only secrets kept under ``var/``, so a local run needs no set-up.

Production never calls this: each caller reads its key from the environment there and refuses
to start without it.
"""

from __future__ import annotations

import os
import tempfile
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
    # Written whole under a name of its own, then linked into place (which fails if the file is
    # there): two processes starting together (`make run`, test workers) must not each write a
    # different secret, nor read one half-written.
    descriptor, written = tempfile.mkstemp(dir=path.parent, prefix=f".{file_name}.")
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secret)
        os.link(written, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(written)
    return secret
