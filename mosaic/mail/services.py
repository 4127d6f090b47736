"""The one way Mosaic sends email, in the shape of healthchecks' ``hc/lib/emails.py``.

    from mosaic.mail.services import send
    send("accounts/email/new_device", to=user.email, user=user, context={...})

1. ``send`` renders ``<template>_subject.txt``, ``<template>_message.txt`` and, when it exists,
   ``<template>_message.html`` (allauth's naming) in the active language, puts
   ``MAIL_SUBJECT_PREFIX`` before the subject, and writes a ``Delivery`` in the caller's
   transaction: a message exists exactly when the change that asked for it was committed.
2. After commit, the ``deliver_email`` task sends it. A temporary failure (a 4xx answer, a
   refused connection, a timeout) is retried after each of ``RETRY_DELAYS``; a permanent refusal
   (5xx) or the last failed attempt marks it FAILED, logged without the address.
3. ``mail.send_due`` (every minute) hands the queue whatever is due and not in it: a retry whose
   delayed task was lost, a message whose worker died mid-send (its claim ran out). A message
   is claimed with a conditional UPDATE before it is sent, so two workers never both send it.

Service mail (P29: verification, security, notices) always goes out and carries
``Auto-Submitted: auto-generated`` (RFC 3834), so auto-responders stay quiet. Promotional mail
must name its one-click unsubscribe address (``List-Unsubscribe`` with ``List-Unsubscribe-Post``,
RFC 8058); deciding *whether* someone gets it is the consent app's job, at the time of asking.

Attachments are stored as references (a kind registered with ``register_attachment`` and a row
id), and drawn again each time the message is sent, in the language its text was written in:
the retry queue holds a few bytes, not a PDF per attempt, and what is attached is the document
as it is then (an invoice row never changes, so it is the same file). A reference whose row is
gone fails the message for good (``AttachmentUnavailable``): an email promising a file never
goes out without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mosaic.accounts.models import User
from mosaic.mail.models import Delivery

logger = logging.getLogger(__name__)

SERVICE = Delivery.Kind.SERVICE
PROMOTIONAL = Delivery.Kind.PROMOTIONAL

#: Waits before each new attempt after a temporary failure (about two days in all); then FAILED.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
    dt.timedelta(hours=24),
)
#: How long a worker's claim on a message lasts; after that it counts as dead and the message
#: is sent again (well above EMAIL_TIMEOUT).
CLAIM = dt.timedelta(minutes=5)
#: A message handed to the queue this long ago and still not sent is handed again.
REHAND_AFTER = dt.timedelta(minutes=10)
#: ``mail.send_due`` hands at most this many messages to the queue per run.
DUE_BATCH = 1000

_UNFINISHED = (Delivery.Status.QUEUED, Delivery.Status.SENDING)


class Attachment(NamedTuple):
    """A file drawn from a row at send time: ``Attachment("billing.invoice_pdf", invoice.pk)``."""

    kind: str
    id: int


class File(NamedTuple):
    filename: str
    content: bytes
    mimetype: str


class AttachmentUnavailable(Exception):
    """An attachment's kind is not registered, or its row is gone: the message cannot go out."""


#: How to draw each kind of attachment from a row id (``register_attachment``), in the active
#: language; raising ``ObjectDoesNotExist`` when the row is gone.
_ATTACHMENT_MAKERS: dict[str, Callable[[int], File]] = {}


def register_attachment(kind: str, maker: Callable[[int], File]) -> None:
    """Let ``send`` attach files of ``kind`` (an app does this in its ``AppConfig.ready``)."""
    _ATTACHMENT_MAKERS[kind] = maker


def _draw(reference: Mapping[str, Any]) -> File:
    maker = _ATTACHMENT_MAKERS.get(str(reference.get("kind")))
    if maker is None:
        raise AttachmentUnavailable(f"no attachment maker for {reference.get('kind')!r}")
    try:
        with translation.override(reference.get("language") or settings.LANGUAGE_CODE):
            return maker(int(reference["id"]))
    except ObjectDoesNotExist as exc:
        raise AttachmentUnavailable(
            f"{reference.get('kind')} {reference.get('id')} is gone"
        ) from exc


def subject_line(subject: str) -> str:
    """One line, after the one subject prefix (MAIL_SUBJECT_PREFIX)."""
    line = " ".join(subject.split())
    return f"{settings.MAIL_SUBJECT_PREFIX} {line}" if settings.MAIL_SUBJECT_PREFIX else line


def render(
    template: str, context: Mapping[str, Any], *, request: HttpRequest | None = None
) -> tuple[str, str, str]:
    """(subject, text, html) from ``<template>_subject.txt``, ``_message.txt``, ``_message.html``;
    html is empty when the template has no html version."""
    subject = render_to_string(f"{template}_subject.txt", context, request)
    text = render_to_string(f"{template}_message.txt", context, request)
    try:
        html = str(render_to_string(f"{template}_message.html", context, request))
    except TemplateDoesNotExist:
        html = ""
    return subject_line(subject), str(text), html


def send(
    template: str,
    *,
    to: str,
    context: Mapping[str, Any] | None = None,
    user: User | None = None,
    kind: str = SERVICE,
    unsubscribe_url: str = "",
    request: HttpRequest | None = None,
    language: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> Delivery:
    """Render ``template`` for ``to`` and queue it; it is sent after the caller's commit.

    ``user`` links the record to an account (its export and erasure). Promotional mail must give
    ``unsubscribe_url``, which the headers and the template (as ``unsubscribe_url``) carry.
    ``attachments`` are drawn at send time in the same language as the text (see above).

    The language: ``language`` if given, else the account's (``User.language``, the one its
    owner last used Mosaic in: mail written by a periodic job or by another person's action
    reaches them in it), else the active one.
    """
    if kind == PROMOTIONAL and not unsubscribe_url:
        raise ValueError("promotional mail needs a one-click unsubscribe address (P29)")
    unknown = [item.kind for item in attachments if item.kind not in _ATTACHMENT_MAKERS]
    if unknown:
        raise ValueError(f"no attachment maker registered for {', '.join(unknown)}")
    if kind == PROMOTIONAL and _in_quarantine(to=to, user=user):
        # P08, P29: nothing promotional reaches an account in quarantine; nothing is recorded.
        return Delivery(template=template[:150], kind=kind, status=Delivery.Status.CANCELLED)
    context = {**(context or {}), "site_url": settings.SITE_URL}
    if unsubscribe_url:
        context["unsubscribe_url"] = unsubscribe_url
    language = (
        language
        or (user.language if user is not None else "")
        or translation.get_language()
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        subject, text, html = render(template, context, request=request)
    if kind == PROMOTIONAL:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        }
    else:
        headers = {"Auto-Submitted": "auto-generated"}
    now = timezone.now()
    delivery = Delivery.objects.create(
        template=template[:150],
        kind=kind,
        to=to,
        user=user if user is not None and user.pk else None,
        subject=subject,
        text=text,
        html=html,
        headers=headers,
        attachments=[
            {"kind": item.kind, "id": item.id, "language": language} for item in attachments
        ],
        message_id=make_msgid(domain=_sender_domain()),
        created_at=now,
        next_attempt_at=now,
        handed_at=now,
    )
    transaction.on_commit(lambda: _hand(delivery.pk), robust=True)
    return delivery


def _in_quarantine(*, to: str, user: User | None) -> bool:
    """Whether the recipient is an account in quarantine (P08), by the account or an address."""
    quarantined = User.objects.filter(scheduled_deletion_at__isnull=False)
    by_address = Q(email__iexact=to) | Q(emailaddress__email__iexact=to)
    return quarantined.filter(Q(pk=user.pk) | by_address if user else by_address).exists()


def _sender_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(" >")
    return address.rpartition("@")[2] or "localhost"


def _hand(delivery_id: int, *, run_after: dt.datetime | None = None) -> bool:
    """Give the message to the task queue; False if the queue refused it (``send_due`` will)."""
    from mosaic.mail.tasks import deliver_email

    task = deliver_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False  # no delayed tasks here: ``send_due`` sends it when it is due
        task = task.using(run_after=run_after)
    try:
        task.enqueue(delivery_id=delivery_id)
    except Exception:
        logger.exception(
            "mail %s: the task queue refused it; mail.send_due will retry", delivery_id
        )
        Delivery.objects.filter(pk=delivery_id).update(handed_at=None)
        return False
    return True


def message(delivery: Delivery) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to],
        headers={**delivery.headers, "Message-ID": delivery.message_id},
    )
    if delivery.html:
        email.attach_alternative(delivery.html, "text/html")
    for reference in delivery.attachments:
        email.attach(*_draw(reference))
    return email


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this message or its address: trying again cannot help."""
    if isinstance(error, AttachmentUnavailable):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False  # our configuration, not the message: it may be fixed meanwhile
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _describe(error: Exception) -> str:
    """The exception and SMTP code only: SMTP texts often quote the address."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = ",".join(str(code) for code, _text in error.recipients.values())
    return f"{type(error).__name__} {code}".strip() if code else type(error).__name__


def deliver(*, delivery_id: int) -> str:
    """Claim the message, send it, and record the outcome; returns the new status ("" when the
    message was not ours to send: sent, given up, not due yet, or another worker has it)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=_UNFINISHED, next_attempt_at__lte=now
    ).update(
        status=Delivery.Status.SENDING,
        next_attempt_at=now + CLAIM,
        attempts=F("attempts") + 1,
        handed_at=None,
    )
    if not claimed:
        return ""
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        message(delivery).send()
    except Exception as error:
        return _failed(delivery, error)
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=timezone.now(),
        text="",
        html="",
        headers={},
        attachments=[],
        last_error="",
    )
    return Delivery.Status.SENT


def _failed(delivery: Delivery, error: Exception) -> str:
    described = _describe(error)
    if _permanent(error) or delivery.attempts > len(RETRY_DELAYS):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED,
            last_error=described,
            text="",
            html="",
            headers={},
            attachments=[],
        )
        logger.warning(
            "mail %s (%s): given up after %s attempts: %s",
            delivery.pk,
            delivery.template,
            delivery.attempts,
            described,
        )
        return Delivery.Status.FAILED
    due = timezone.now() + RETRY_DELAYS[delivery.attempts - 1]
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED, next_attempt_at=due, handed_at=due, last_error=described
    )
    logger.info(
        "mail %s: attempt %s failed (%s), next at %s",
        delivery.pk,
        delivery.attempts,
        described,
        due,
    )
    if not _hand(delivery.pk, run_after=due):
        Delivery.objects.filter(pk=delivery.pk, handed_at=due).update(handed_at=None)
    return Delivery.Status.QUEUED


def hand_due(*, now: dt.datetime | None = None, limit: int = DUE_BATCH) -> int:
    """Hand the queue the messages that are due and not waiting in it (``mail.send_due``).

    Rows are claimed for handing with ``select_for_update(skip_locked=True)`` (on SQLite the
    transaction's write lock does the same), so two runs at once hand each message once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            Delivery.objects.filter(status__in=_UNFINISHED, next_attempt_at__lte=now)
            .filter(Q(handed_at__isnull=True) | Q(handed_at__lte=now - REHAND_AFTER))
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
        )
        ids = list(due.values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids).update(handed_at=now)
    for delivery_id in ids:
        _hand(delivery_id)
    return len(ids)


def cancel(*, to: str = "", user: User | None = None, kind: str = PROMOTIONAL) -> int:
    """Stop messages of ``kind`` to an address or an account that have not gone out yet (an
    unsubscribe, P29); returns how many."""
    if not to and user is None:
        raise ValueError("cancel mail to an address or an account")
    waiting = Delivery.objects.filter(kind=kind, status=Delivery.Status.QUEUED)
    if to:
        waiting = waiting.filter(to=to)
    if user is not None:
        waiting = waiting.filter(user=user)
    return waiting.update(
        status=Delivery.Status.CANCELLED, text="", html="", headers={}, attachments=[]
    )


def forget(*, to: str = "", user: User | None = None) -> int:
    """Delete the delivery records of an address or an account (erasure, unsubscribe)."""
    records = Delivery.objects.none()
    if to:
        records = records | Delivery.objects.filter(to=to)
    if user is not None:
        records = records | Delivery.objects.filter(user=user)
    return records.delete()[0]
