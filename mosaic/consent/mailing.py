"""Email categories, unsubscribe headers and the retry policy for outgoing mail (P29).

Two categories: *service* mail (verification, security, changes to the service or its policies)
always goes out; *promotional* mail (the newsletter, offers) only to people who asked, and every
promotional message carries ``List-Unsubscribe`` with one-click ``List-Unsubscribe-Post``
(RFC 8058), so a mail client's "Unsubscribe" button works without signing in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import Task

SERVICE = "service"
PROMOTIONAL = "promotional"

#: Delays before each new attempt after a failed send; then the task gives up (and logs).
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
UNSUBSCRIBE_SALT = "mosaic.consent.unsubscribe"


def address_hash(email: str) -> str:
    """A keyed hash of an address: finds a subscriber or suppression without listing anyone."""
    key = hashlib.sha256(b"mosaic email address hash:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def retry_later(task: Task[..., Any], *, attempt: int, **kwargs: Any) -> bool:
    """Enqueue ``task`` again after the back-off for ``attempt``; False once out of attempts.

    Backends that cannot delay a task (the immediate one, in tests) run it again at once.
    """
    if attempt >= len(RETRY_DELAYS):
        return False
    runner = task
    if task.get_backend().supports_defer:
        runner = task.using(run_after=timezone.now() + RETRY_DELAYS[attempt])
    runner.enqueue(attempt=attempt + 1, **kwargs)
    return True


def unsubscribe_token(*, purpose: str, user_id: int | None = None, email_hash: str = "") -> str:
    """A signed token naming what to stop: a user's promotional mail or an address's newsletter.

    It never expires: an unsubscribe link must work in a years-old message.
    """
    payload = {"p": purpose, "u": user_id} if user_id else {"p": purpose, "h": email_hash}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict[str, Any] | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) and "p" in payload else None


def promotional_message(*, to: str, subject: str, body: str, token: str) -> EmailMessage:
    """A promotional message with RFC 8058 one-click unsubscribe headers and a visible link."""
    url = settings.SITE_URL + reverse("consent:unsubscribe", args=[token])
    footer = f"\n\n--\nUnsubscribe with one click: {url}\n"
    return EmailMessage(
        subject=subject,
        body=body.rstrip() + footer,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
    )


def service_message(*, to: str, subject: str, body: str) -> EmailMessage:
    """A service message: always sent, whatever the person's promotional choice (P29)."""
    return EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
