"""The privacy emails: deletion receipts (P08) and correction answers and reminders (P33)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mosaic.accounts.models import User
from mosaic.mail.services import send


def send_deletion_receipt(*, user: User) -> None:
    """P08: confirm a deletion request, with the date of final deletion and how to undo it."""
    if not user.email:
        return
    context = {"user": user, "login_url": settings.SITE_URL + reverse("account_login")}
    send("privacy/email/deletion_receipt", to=user.email, user=user, context=context)


def send_correction_answer(*, request_id: int) -> None:
    """P33: tell the user how their correction request was answered."""
    from mosaic.privacy.models import CorrectionRequest

    item = CorrectionRequest.objects.select_related("user").filter(pk=request_id).first()
    if item is None or item.status == CorrectionRequest.Status.OPEN or not item.user.email:
        return
    context = {
        "user": item.user,
        "item": item,
        "data_url": settings.SITE_URL + reverse("panel:your_data"),
    }
    send("privacy/email/correction_answer", to=item.user.email, user=item.user, context=context)


def send_correction_reminders(*, request_ids: list[int]) -> int:
    """P33: remind every support operator of requests due soon or overdue (no personal data in
    the email: the operator screen shows the requests). Returns how many emails."""
    from mosaic.privacy.models import CorrectionRequest
    from mosaic.staff.roles import SUPPORT

    items = list(
        CorrectionRequest.objects.open().filter(pk__in=request_ids).order_by("deadline", "pk")
    )
    operators = list(
        User.objects.filter(groups__name=SUPPORT, is_active=True).exclude(email="").distinct()
    )
    if not items:
        return 0
    context = {"items": items, "screen_url": settings.SITE_URL + reverse("operators:corrections")}
    for operator in operators:
        send("privacy/email/correction_reminder", to=operator.email, user=operator, context=context)
    return len(operators)
