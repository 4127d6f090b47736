"""Legal's screens (P10, P15): legal requests and their decisions, holds, disclosures."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.legal.models import LegalRequest
from mosaic.legal.services import decide_legal_request, record_legal_request
from mosaic.operators.access import operator_view
from mosaic.operators.forms import (
    DecideLegalRequestForm,
    LegalRequestForm,
    PlaceHoldForm,
    ReasonForm,
)
from mosaic.privacy.holds import NothingToHold, lift_hold, place_hold
from mosaic.privacy.models import LegalHold
from mosaic.staff.roles import LEGAL
from mosaic.staff.services import record_action

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
    recorded = record_legal_request(
        operator=signed_in_user(request),
        authority=data["authority"],
        reference=data["reference"],
        kind=data["kind"],
        country=data["country"],
        legal_basis=data["legal_basis"],
        received_on=data["received_on"],
        scope=data["scope"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        accounts=data["accounts"],
        decision=data["decision"],
        reason=data["reason"],
    )
    messages.success(
        request,
        _("Legal request %(id)s is recorded. Disclosures against it name this number.")
        % {"id": recorded.pk},
    )
    return redirect("operators:legal_request", pk=recorded.pk)


@operator_view(LEGAL)
@require_http_methods(["GET", "POST"])
def legal_request(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what it asks, about whom, the decision and every disclosure made under it."""
    item = get_object_or_404(LegalRequest, pk=pk)
    operator = signed_in_user(request)
    form = DecideLegalRequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if decide_legal_request(
                operator=operator,
                legal_request=item,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            ):
                messages.success(request, _("The decision is recorded."))
            else:
                messages.error(request, _("This request was already decided."))
            return redirect("operators:legal_request", pk=item.pk)
    else:  # the accounts it names are personal data (P25)
        record_action(
            actor=operator,
            role=LEGAL,
            action="read legal request",
            target=f"legal-request:{item.pk}",
            reason="work on the request (P15)",
            case_reference=item.reference,
        )
    context = {
        "item": item,
        "form": form,
        "disclosures": item.disclosures.order_by("at"),
        "holds": item.holds.select_related("user").order_by("placed_at"),
    }
    return render(
        request, "operators/legal_request.html", context, status=400 if form.errors else 200
    )


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
