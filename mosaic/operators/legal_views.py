"""Legal's screens (P10, P15): legal requests, holds, disclosures."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.operators.access import operator_view
from mosaic.operators.forms import LegalRequestForm, PlaceHoldForm, ReasonForm
from mosaic.privacy.holds import NothingToHold, lift_hold, place_hold, record_legal_request
from mosaic.privacy.models import LegalHold, LegalRequest
from mosaic.staff.roles import LEGAL

LIST_LIMIT = 200


# --- Legal: requests and holds (P10, P15) -------------------------------------------------------


def _legal_page(
    request: HttpRequest,
    *,
    request_form: LegalRequestForm | None = None,
    hold_form: PlaceHoldForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "request_form": request_form or LegalRequestForm(prefix="request"),
        "hold_form": hold_form or PlaceHoldForm(prefix="hold"),
        "legal_requests": LegalRequest.objects.order_by("-received_on", "-pk")[:LIST_LIMIT],
        "holds": LegalHold.objects.filter(lifted_at__isnull=True)
        .select_related("user", "request", "placed_by")
        .order_by("-placed_at")[:LIST_LIMIT],
        "lift_form": ReasonForm(),
    }
    return render(request, "operators/legal.html", context, status=status)


@operator_view(LEGAL, shows="legal requests and holds")
def legal(request: HttpRequest) -> HttpResponse:
    return _legal_page(request)


@operator_view(LEGAL)
@require_POST
def add_legal_request(request: HttpRequest) -> HttpResponse:
    form = LegalRequestForm(request.POST, prefix="request")
    if not form.is_valid():
        return _legal_page(request, request_form=form, status=400)
    data = form.cleaned_data
    record_legal_request(
        operator=signed_in_user(request),
        authority=data["authority"],
        reference=data["reference"],
        received_on=data["received_on"],
        scope=data["scope"],
        decision=data["decision"],
        reason=data["reason"],
    )
    messages.success(request, _("The legal request is recorded."))
    return redirect("operators:legal")


@operator_view(LEGAL)
@require_POST
def add_hold(request: HttpRequest) -> HttpResponse:
    form = PlaceHoldForm(request.POST, prefix="hold")
    if not form.is_valid():
        return _legal_page(request, hold_form=form, status=400)
    data = form.cleaned_data
    try:
        place_hold(
            operator=signed_in_user(request),
            identifier=data["identifier"],
            case_reference=data["case_reference"],
            reason=data["reason"],
            legal_request=data["legal_request"],
        )
    except NothingToHold:
        form.add_error("identifier", _("No account or sealed archive answers to this."))
        return _legal_page(request, hold_form=form, status=400)
    messages.success(request, _("The hold is in place: no sweep touches this data until lifted."))
    return redirect("operators:legal")


@operator_view(LEGAL)
@require_POST
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to lift the hold."))
    elif lift_hold(operator=signed_in_user(request), hold=hold, reason=form.cleaned_data["reason"]):
        messages.success(request, _("The hold is lifted."))
    else:
        messages.error(request, _("This hold was already lifted."))
    return redirect("operators:legal")
