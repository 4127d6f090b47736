"""Moderation's screens (C7, P10): the abuse-report queue, blocks and appeals.

Every decision goes through ``mosaic.moderation.services``, which audits it (P25) and takes
what it blocks offline through the one exposure rule.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.moderation.models import AbuseReport, ModerationAction
from mosaic.moderation.services import (
    AlreadyHandled,
    act_on_report,
    answer_appeal,
    dismiss_report,
    take_action,
    unblock_account,
)
from mosaic.operators.access import operator_view
from mosaic.operators.forms import (
    AnswerAppealForm,
    BlockAccountForm,
    ModerateReportForm,
    ReasonForm,
)
from mosaic.privacy.holds import find_account
from mosaic.privacy.models import AccountBlock
from mosaic.staff.roles import MODERATION
from mosaic.staff.services import record_action

LIST_LIMIT = 200


@operator_view(MODERATION, shows="abuse reports, blocked accounts and appeals")
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    form = BlockAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = find_account(form.cleaned_data["identifier"])
        if account is None:
            form.add_error("identifier", _("No account answers to this."))
        elif account.pk == request.user.pk:
            form.add_error("identifier", _("You cannot block yourself."))
        else:
            take_action(
                operator=signed_in_user(request),
                kind=ModerationAction.Kind.BLOCK_ACCOUNT,
                ground=form.cleaned_data["ground"],
                reason=form.cleaned_data["reason"],
                owner=account,
            )
            messages.success(request, _("The account is blocked and signed out everywhere."))
            return redirect("operators:moderation")
    context = {
        "form": form,
        "reports": AbuseReport.objects.filter(status=AbuseReport.Status.OPEN)
        .select_related("site")
        .order_by("created_at")[:LIST_LIMIT],
        "appeals": ModerationAction.objects.filter(appeal=ModerationAction.Appeal.PENDING)
        .select_related("owner", "site")
        .order_by("appealed_at")[:LIST_LIMIT],
        "blocks": AccountBlock.objects.filter(lifted_at__isnull=True)
        .select_related("user", "blocked_by")
        .order_by("-blocked_at")[:LIST_LIMIT],
        "unblock_form": ReasonForm(),
        "appeal_form": AnswerAppealForm(),
    }
    return render(request, "operators/moderation.html", context, status=400 if form.errors else 200)


@operator_view(MODERATION)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AbuseReport.objects.select_related("site", "post", "comment"), pk=pk)
    operator = signed_in_user(request)
    form = ModerateReportForm(request.POST or None, initial={"ground": item.ground})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == ModerateReportForm.DISMISS:
                dismiss_report(operator=operator, report=item, reason=data["reason"])
                messages.success(request, _("The report is dismissed."))
            else:
                act_on_report(
                    operator=operator,
                    report=item,
                    kind=data["decision"],
                    ground=data["ground"],
                    reason=data["reason"],
                )
                messages.success(request, _("Done: the owner is told why and may appeal once."))
            return redirect("operators:moderation")
        except AlreadyHandled:
            messages.error(request, _("Another moderator has handled this report."))
            return redirect("operators:moderation")
        except ValueError:
            form.add_error(
                "decision", _("This report is not about a photo or a comment: choose another.")
            )
    elif request.method == "GET":  # the report may hold the reporter's address (P25)
        record_action(
            actor=operator,
            role=MODERATION,
            action="read abuse report",
            target=f"abuse-report:{item.pk}",
            reason="handle the report",
            subject=item.site.owner,
        )
    status = 400 if form.errors else 200
    return render(request, "operators/report.html", {"item": item, "form": form}, status=status)


@operator_view(MODERATION)
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ModerationAction, pk=pk)
    form = AnswerAppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an answer and give the owner a reason."))
    elif answer_appeal(
        operator=signed_in_user(request),
        action=action,
        reverse=form.cleaned_data["outcome"] == "reverse",
        answer=form.cleaned_data["answer"],
    ):
        messages.success(request, _("The appeal is answered and the owner is emailed."))
    else:
        messages.error(request, _("This appeal was already answered."))
    return redirect("operators:moderation")


@operator_view(MODERATION)
@require_POST
def unblock(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(AccountBlock, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to unblock."))
    elif unblock_account(
        operator=signed_in_user(request), block=block, reason=form.cleaned_data["reason"]
    ):
        messages.success(request, _("The block is lifted."))
    else:
        messages.error(request, _("This block was already lifted."))
    return redirect("operators:moderation")
