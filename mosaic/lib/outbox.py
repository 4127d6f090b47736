"""Development email: each message is written to ``EMAIL_FILE_PATH`` as one ``.eml`` file.

The development-only outbox page (``/dev/outbox/``) lists and renders these files, so a person
running ``make run`` can click a verification link without any mail server.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage as ParsedMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone


def outbox_dir() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


class OutboxEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = outbox_dir()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S.%f}-{uuid.uuid4().hex[:8]}.eml"
            temporary = self.directory / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes(linesep="\n"))
            temporary.rename(self.directory / name)  # atomic: readers never see half a message
            sent += 1
        return sent


def list_messages(limit: int = 50) -> list[tuple[str, ParsedMessage]]:
    """Newest first: (file id, parsed message)."""
    directory = outbox_dir()
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("*.eml"), reverse=True)[:limit]
    return [(path.stem, read_message(path.stem)) for path in files]


def read_message(message_id: str) -> ParsedMessage:
    path = outbox_dir() / f"{Path(message_id).name}.eml"
    with path.open("rb") as handle:
        parsed = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(parsed, ParsedMessage)
    return parsed


def text_body(message: ParsedMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def attachments(message: ParsedMessage) -> list[dict[str, object]]:
    """Each attached file's name, type and size (an invoice's PDF, ...)."""
    return [
        {
            "filename": part.get_filename() or "",
            "type": part.get_content_type(),
            "size": len(part.get_payload(decode=True) or b""),
        }
        for part in message.iter_attachments()
    ]
