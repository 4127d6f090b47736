"""The public transparency report (P26): no sign-in, no JavaScript, nobody named."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mosaic.legal.models import LegalRequest
from mosaic.lib.countries import country_name
from mosaic.moderation.models import Ground, ModerationAction
from mosaic.transparency.models import TransparencyReport
from mosaic.transparency.services import next_publication


def _periods() -> list[TransparencyReport]:
    return list(TransparencyReport.objects.defer("figures").order_by("-period_start"))


def labelled(pairs: list[list[Any]], choices: list[tuple[str, Any]]) -> list[tuple[str, int]]:
    """A report's ``[key, count]`` pairs with each key in the reader's language."""
    labels = dict(choices)
    return [(str(labels.get(key, key)), count) for key, count in pairs]


def tables_of(shown: TransparencyReport | None) -> dict[str, list[tuple[str, int]]]:
    if shown is None:
        return {}
    legal, moderation = shown.figures["legal"], shown.figures.get("moderation", {})
    return {
        "kinds": labelled(legal["by_kind"], LegalRequest.Kind.choices),
        # the report keeps ISO codes; the reader sees names in their language
        "countries": [(country_name(code), count) for code, count in legal["by_country"]],
        "report_grounds": labelled(moderation.get("reports_by_ground", []), Ground.choices),
        "action_kinds": labelled(
            moderation.get("actions_by_kind", []), ModerationAction.Kind.choices
        ),
        "action_grounds": labelled(moderation.get("actions_by_ground", []), Ground.choices),
    }


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
        **tables_of(shown),
        "periods": _periods(),
        "next_publication": next_publication(),
    }
    return render(request, "transparency/report.html", context)
