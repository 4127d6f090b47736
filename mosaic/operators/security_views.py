"""Security's screens (P09, P25): sealed archives and the audit-log viewer."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from mosaic.accounts.decorators import signed_in_user
from mosaic.operators.access import operator_view
from mosaic.operators.forms import ArchiveLookupForm, AuditLogFilterForm
from mosaic.privacy.archives import find_archives
from mosaic.privacy.models import LegalHold, SealedArchive
from mosaic.staff.models import AuditEntry
from mosaic.staff.roles import SECURITY
from mosaic.staff.services import record_action

LIST_LIMIT = 200
PAGE_SIZE = 100


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


@operator_view(SECURITY)
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    """P25: every operator action, filtered by operator, account and period, newest first.

    Reading the log is itself an action: it is recorded with the filter as its reason.
    """
    form = AuditLogFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("subject").order_by("-at", "-pk")
    if form.is_bound and not form.is_valid():
        return render(request, "operators/audit_log.html", {"form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    if data.get("operator"):
        entries = entries.filter(actor_name__iexact=data["operator"])
    account = data.get("account_user")
    if account is not None:
        entries = entries.filter(Q(subject=account) | Q(target=f"account:{account.pk}"))
    if data.get("since"):
        entries = entries.filter(at__date__gte=data["since"])
    if data.get("until"):
        entries = entries.filter(at__date__lte=data["until"])
    record_action(
        actor=signed_in_user(request),
        role=SECURITY,
        action="view audit log",
        target="audit-log",
        reason=form.describe() if form.is_bound else "the latest entries",
        subject=account,
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "operators/audit_log.html", context)
