"""The operator screens (C7, P25): each role sees only what its job needs.

Somebody who holds no operator role gets 404, as if the screens did not exist; an operator
without the screen's role gets 403. Every action goes through a service that writes its audit
entry (``record_action``) in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.audit.models import AuditRun
from mosaic.audit.services import report_lines
from mosaic.operators.forms import (
    AccountReasonForm,
    ArchiveLookupForm,
    LegalRequestForm,
    PlaceHoldForm,
    ReasonForm,
    ResolveCorrectionForm,
)
from mosaic.privacy.archives import find_archives
from mosaic.privacy.corrections import resolve_correction_request
from mosaic.privacy.holds import (
    NothingToHold,
    block_account,
    find_account,
    lift_hold,
    place_hold,
    record_legal_request,
    unblock_account,
)
from mosaic.privacy.models import (
    AccountBlock,
    CorrectionRequest,
    LegalHold,
    LegalRequest,
    SealedArchive,
)
from mosaic.staff.models import AuditEntry
from mosaic.staff.roles import LEGAL, MODERATION, SECURITY, SUPPORT, has_role, roles_of
from mosaic.staff.services import record_action

View = TypeVar("View", bound=Callable[..., HttpResponse])
LIST_LIMIT = 200


def operator_view(role: str | None) -> Callable[[View], View]:
    """404 for anyone without an operator role; 403 for an operator without ``role``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_of(request.user):
                raise Http404
            if role is not None and not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


@operator_view(None)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "operators/index.html", {"roles": roles_of(request.user)})


@operator_view(None)
def self_audit(request: HttpRequest) -> HttpResponse:
    """The last self-audit result (counts only, never who), for operators of any role."""
    run = AuditRun.objects.order_by("-started_at").first()
    lines = report_lines(run) if run else []
    return render(request, "operators/audit.html", {"run": run, "lines": lines})


# --- Support: correction requests (P33) ---------------------------------------------------------


@operator_view(SUPPORT)
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
        )
    return render(request, "operators/correction.html", {"item": item, "form": form})


# --- Security: sealed archives (P09) ------------------------------------------------------------


@operator_view(SECURITY)
@require_http_methods(["GET", "POST"])
def archives(request: HttpRequest) -> HttpResponse:
    """Archives and the audit trail of every opening. Opening itself is offline (the service
    holds no private key): ``manage.py open_sealed_archive``."""
    form = ArchiveLookupForm(request.POST or None)
    found: list[SealedArchive] | None = None
    if request.method == "POST" and form.is_valid():
        record_action(
            actor=signed_in_user(request),
            role=SECURITY,
            action="look up sealed archive",
            target="sealed-archive:lookup",
            reason=form.cleaned_data["reason"],
            case_reference=form.cleaned_data["case_reference"].strip(),
        )
        found = find_archives(form.cleaned_data["identifier"])
    active_holds = LegalHold.objects.filter(lifted_at__isnull=True)
    listed = (
        SealedArchive.objects.defer("ciphertext", "ephemeral_public_key", "nonce")
        .prefetch_related(Prefetch("holds", queryset=active_holds, to_attr="active_holds"))
        .order_by("-created_at")[:LIST_LIMIT]
    )
    trail = AuditEntry.objects.filter(target__startswith="sealed-archive:").order_by("-at")[
        :LIST_LIMIT
    ]
    context = {"form": form, "found": found, "archives": listed, "trail": trail}
    return render(request, "operators/archives.html", context)


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


@operator_view(LEGAL)
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


# --- Moderation: blocked accounts (P10) ---------------------------------------------------------


@operator_view(MODERATION)
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    form = AccountReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = find_account(form.cleaned_data["identifier"])
        if account is None:
            form.add_error("identifier", _("No account answers to this."))
        elif account.pk == request.user.pk:
            form.add_error("identifier", _("You cannot block yourself."))
        else:
            block_account(
                operator=signed_in_user(request), user=account, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The account is blocked and signed out everywhere."))
            return redirect("operators:moderation")
    blocks = (
        AccountBlock.objects.filter(lifted_at__isnull=True)
        .select_related("user", "blocked_by")
        .order_by("-blocked_at")[:LIST_LIMIT]
    )
    context = {"form": form, "blocks": blocks, "unblock_form": ReasonForm()}
    return render(request, "operators/moderation.html", context, status=400 if form.errors else 200)


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
