"""The privacy policy and the terms: as they read today, and every published version (P14)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from mosaic.policy.content import render_body
from mosaic.policy.models import PolicyVersion


def _kind(kind: str) -> tuple[str, str]:
    if kind not in PolicyVersion.Kind.values:
        raise Http404
    return kind, str(PolicyVersion.Kind(kind).label)


def policy_page(request: HttpRequest, kind: str) -> HttpResponse:
    """P01, P04, P13: rendered from the category registry and the live settings."""
    kind, title = _kind(kind)
    now = timezone.now()
    context = {
        "kind": kind,
        "title": title,
        # Our own template's output, rendered just now (values in it are escaped there).
        "body": mark_safe(render_body(kind, language=get_language())),  # noqa: S308
        "current": PolicyVersion.objects.in_effect(kind, now),
        "upcoming": PolicyVersion.objects.upcoming(now).filter(kind=kind),
    }
    return render(request, "policy/page.html", context)


def versions(request: HttpRequest, kind: str) -> HttpResponse:
    kind, title = _kind(kind)
    listed = PolicyVersion.objects.filter(kind=kind).order_by("-number").defer("body")
    live_url = reverse("policy:privacy" if kind == "privacy" else "policy:terms")
    context = {"kind": kind, "title": title, "versions": listed, "live_url": live_url}
    return render(request, "policy/versions.html", context)


def version(request: HttpRequest, kind: str, number: str) -> HttpResponse:
    kind, title = _kind(kind)
    found = get_object_or_404(PolicyVersion, kind=kind, number=int(number))
    return render(request, "policy/version.html", {"kind": kind, "title": title, "version": found})
