"""The operator screens (C7, P25): the index, the self-audit, and support's correction requests.

Each role's other screens live beside this module (``security_views``, ``legal_views``,
``moderation_views``); ``access.operator_view`` guards them all. Every action goes through a
core service that writes its audit entry (``staff.services.record_action``) in the same
transaction as the change.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mosaic.accounts.decorators import signed_in_user
from mosaic.audit.models import AuditRun
from mosaic.audit.services import report_lines
from mosaic.operators.access import operator_view
from mosaic.operators.forms import ResolveCorrectionForm
from mosaic.privacy.corrections import resolve_correction_request
from mosaic.privacy.models import CorrectionRequest
from mosaic.privacy.sweep_runs import failing as failing_sweeps
from mosaic.staff.roles import SUPPORT, roles_of
from mosaic.staff.services import record_action

LIST_LIMIT = 200


@operator_view(None)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "operators/index.html", {"roles": roles_of(request.user)})


@operator_view(None)
def self_audit(request: HttpRequest) -> HttpResponse:
    """The last self-audit result (counts only, never who), for operators of any role."""
    run = AuditRun.objects.order_by("-started_at").first()
    lines = report_lines(run) if run else []
    context = {"run": run, "lines": lines, "failing_sweeps": failing_sweeps()}
    return render(request, "operators/audit.html", context)


# --- Support: correction requests (P33) ---------------------------------------------------------


@operator_view(SUPPORT, shows="correction requests")
def corrections(request: HttpRequest) -> HttpResponse:
    """Open requests, the nearest deadline first; only what is needed to pick one up."""
    items = (
        CorrectionRequest.objects.open()
        .select_related("user")
        .only("pk", "created_at", "deadline", "status", "user__username")
        .order_by("deadline", "pk")[:LIST_LIMIT]
    )
    return render(request, "operators/corrections.html", {"items": items, "now": timezone.now()})


@operator_view(SUPPORT)
@require_http_methods(["GET", "POST"])
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CorrectionRequest.objects.select_related("user"), pk=pk)
    operator = signed_in_user(request)
    form = ResolveCorrectionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            done = resolve_correction_request(
                operator=operator,
                correction_request=item,
                status=form.cleaned_data["status"],
                resolution=form.cleaned_data["resolution"],
            )
            if done:
                messages.success(request, _("The request is closed and the user is emailed."))
            else:
                messages.error(request, _("This request was already closed."))
            return redirect("operators:corrections")
    else:  # reading the request is an access to personal data (P25)
        record_action(
            actor=operator,
            role=SUPPORT,
            action="read correction request",
            target=f"correction-request:{item.pk}",
            reason="answer the request (P33)",
            subject=item.user,
        )
    return render(request, "operators/correction.html", {"item": item, "form": form})
