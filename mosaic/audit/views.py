"""The last self-audit result, for operators of any role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mosaic.audit.models import AuditRun
from mosaic.audit.services import report_lines
from mosaic.operators.roles import ROLES, has_role


@login_required
def last_result(request: HttpRequest) -> HttpResponse:
    if not any(has_role(request.user, role) for role in ROLES):
        raise PermissionDenied
    run = AuditRun.objects.order_by("-started_at").first()
    lines = report_lines(run) if run else []
    return render(request, "audit/last_result.html", {"run": run, "lines": lines})
