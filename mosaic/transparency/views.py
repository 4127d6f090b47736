"""The public transparency report (P26): no sign-in, no JavaScript, nobody named."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mosaic.legal.models import LegalRequest
from mosaic.transparency.models import TransparencyReport
from mosaic.transparency.services import next_publication


def _periods() -> list[TransparencyReport]:
    return list(TransparencyReport.objects.defer("figures").order_by("-period_start"))


def kinds_of(shown: TransparencyReport | None) -> list[tuple[str, int]]:
    """The report's requests by kind, each kind in the reader's language."""
    if shown is None:
        return []
    labels = dict(LegalRequest.Kind.choices)
    return [
        (str(labels.get(kind, kind)), count) for kind, count in shown.figures["legal"]["by_kind"]
    ]


def report(request: HttpRequest, period: str | None = None) -> HttpResponse:
    """The latest published half-year, or the one ``period`` names (``2026-h1``), with the
    list of every period published."""
    reports = TransparencyReport.objects.order_by("-period_start")
    if period is None:
        shown = reports.first()
    else:
        year, half = period.split("-h")
        month = 1 if half == "1" else 7
        shown = reports.filter(period_start__year=int(year), period_start__month=month).first()
        if shown is None:
            raise Http404
    context = {
        "report": shown,
        "kinds": kinds_of(shown),
        "periods": _periods(),
        "next_publication": next_publication(),
    }
    return render(request, "transparency/report.html", context)
