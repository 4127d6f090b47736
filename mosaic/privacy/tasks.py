from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from mosaic.accounts.models import User


@task()
def send_deletion_receipt(*, user_id: int) -> None:
    """P08: confirm a deletion request, with the date of final deletion and how to undo it."""
    user = User.objects.filter(pk=user_id, scheduled_deletion_at__isnull=False).first()
    if user is None or not user.email:
        return  # restored meanwhile, or already gone
    context = {"user": user, "login_url": settings.SITE_URL + reverse("account_login")}
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + render_to_string("privacy/email/deletion_receipt_subject.txt", context).strip(),
        render_to_string("privacy/email/deletion_receipt_message.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


@task()
def build_export(*, export_id: str) -> None:
    """P20: build a requested export; on failure the export is marked failed, never half-ready."""
    from mosaic.privacy.exports import build
    from mosaic.privacy.models import DataExport

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return  # deleted meanwhile, or another worker has it
    try:
        build(export)
    except Exception:
        DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED)
        raise


def _send(template: str, context: Mapping[str, object], recipients: list[str]) -> None:
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + render_to_string(f"privacy/email/{template}_subject.txt", context).strip(),
        render_to_string(f"privacy/email/{template}_message.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


@task()
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
    _send("correction_answer", context, [item.user.email])


@task()
def send_correction_reminders(*, request_ids: list[int]) -> None:
    """P33: remind every support operator of requests due soon or overdue (no personal data in
    the email: the operator screen shows the requests)."""
    from mosaic.privacy.models import CorrectionRequest
    from mosaic.staff.roles import SUPPORT

    items = list(
        CorrectionRequest.objects.open().filter(pk__in=request_ids).order_by("deadline", "pk")
    )
    recipients = list(
        User.objects.filter(groups__name=SUPPORT, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not items or not recipients:
        return
    context = {
        "items": items,
        "screen_url": settings.SITE_URL + reverse("operators:corrections"),
    }
    _send("correction_reminder", context, recipients)
