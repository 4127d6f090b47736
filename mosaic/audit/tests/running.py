"""Running `manage.py privacy_audit` in a test: its lines and exit code, and one promise's line."""

from __future__ import annotations

import io

from django.core.management import CommandError, call_command


def audit() -> tuple[list[str], int]:
    out = io.StringIO()
    try:
        call_command("privacy_audit", stdout=out)
    except CommandError as error:
        return out.getvalue().splitlines(), error.returncode
    return out.getvalue().splitlines(), 0


def line(lines: list[str], promise: str) -> str:
    [found] = [text for text in lines if text.startswith(f"{promise} ")]
    return found
