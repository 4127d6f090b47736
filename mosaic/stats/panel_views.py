"""The owner's statistics pages in the panel (``/panel/stats/``): owner-only, 404 for others."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.billing.plans import plan_for
from mosaic.stats.charts import bar_chart
from mosaic.stats.dashboard import PERIODS, Report, report
from mosaic.stats.visitors import NO_COUNT_COOKIE
from mosaic.websites.models import Site

NO_COUNT_MAX_AGE = 60 * 60 * 24 * 365


def _periods(request: HttpRequest) -> list[int]:
    """The periods the owner's plan shows (``billing.plans``: statistics history)."""
    limit = plan_for(signed_in_user(request)).stats_days
    return [period for period in PERIODS if period <= limit]


def _days(request: HttpRequest) -> int | None:
    raw = request.GET.get("days", "7")
    return int(raw) if raw in {str(period) for period in _periods(request)} else None


def _bad_days(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("days", "")
    if raw in {str(period) for period in PERIODS}:
        message = _("Statistics for the last %(days)s days come with the paid plan.") % {
            "days": raw
        }
    else:
        message = _("The period must be 7, 30 or 90 days.")
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _report(request: HttpRequest, site_id: int, days: int) -> Report:
    site = get_object_or_404(Site, pk=site_id, owner=signed_in_user(request))
    return report(site=site, days=days, today=timezone.now().date())


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    sites = Site.objects.filter(owner=signed_in_user(request)).only("pk", "slug", "title")
    return render(
        request,
        "stats/overview.html",
        {"sites": sites, "counting_off": bool(request.COOKIES.get(NO_COUNT_COOKIE))},
    )


@login_required
def site_stats(request: HttpRequest, site_id: int) -> HttpResponse:
    days = _days(request)
    if days is None:
        return _bad_days(request)
    data = _report(request, site_id, days)
    labels = [point.day.isoformat() for point in data.series]
    charts = [
        (
            title,
            bar_chart(
                name=name,
                title=title,
                description=_("%(title)s per day from %(first)s to %(last)s: %(total)s in all.")
                % {
                    "title": title,
                    "first": date_format(data.first, "DATE_FORMAT"),
                    "last": date_format(data.last, "DATE_FORMAT"),
                    "total": total,
                },
                points=list(zip(labels, values, strict=True)),
                # "25 November", "25 ноября": Russian's short month ("Ноя") reads wrongly here
                start=date_format(data.first, "MONTH_DAY_FORMAT"),
                end=date_format(data.last, "MONTH_DAY_FORMAT"),
            ),
        )
        for name, title, total, values in (
            ("views", _("Views"), data.views, [p.views for p in data.series]),
            ("visitors", _("Unique visitors"), data.visitors, [p.visitors for p in data.series]),
            ("clicks", _("Link clicks"), data.clicks, [p.clicks for p in data.series]),
        )
    ]
    return render(
        request,
        "stats/site.html",
        {
            "report": data,
            "charts": charts,
            "periods": _periods(request),
            "longer_with_paid": len(_periods(request)) < len(PERIODS),
            "counting_off": bool(request.COOKIES.get(NO_COUNT_COOKIE)),
        },
    )


@login_required
def site_csv(request: HttpRequest, site_id: int) -> HttpResponse:
    days = _days(request)
    if days is None:
        return _bad_days(request)
    data = _report(request, site_id, days)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{data.site.slug}-statistics-{data.first}-{data.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["date", "views", "unique_visitors", "link_clicks", "ctr_percent"])
    for point in data.series:
        ctr = f"{100 * point.clicks / point.views:.1f}" if point.views else "0.0"
        writer.writerow([point.day.isoformat(), point.views, point.visitors, point.clicks, ctr])
    writer.writerow([])
    writer.writerow(["table", "item", "count"])
    for table, rows in (
        ("page", data.pages),
        ("photo", data.photos),
        ("link", data.links),
        ("referring_site", data.referrers),
        ("device", data.devices),
    ):
        for row in rows:
            writer.writerow([table, _safe_cell(row.url or row.label), row.count])
    return response


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with these as formulas (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_POST
def count_my_visits(request: HttpRequest) -> HttpResponse:
    """P12, P13: the owner's explicit switch. "off" sets the ``mosaic_nocount`` cookie in this
    browser (the counter then skips it); "on" removes it. Nothing is set without this click."""
    choice = request.POST.get("count")
    if choice not in ("on", "off"):
        return HttpResponseBadRequest(
            _("Choose whether to count your visits."), content_type="text/plain; charset=utf-8"
        )
    site_id = request.POST.get("site", "")
    response = (
        redirect("stats_panel:site", site_id=int(site_id))
        if site_id.isdigit()
        else redirect("stats_panel:overview")
    )
    if choice == "off":
        response.set_cookie(
            NO_COUNT_COOKIE,
            "1",
            max_age=NO_COUNT_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(NO_COUNT_COOKIE, samesite="Lax")
    return response
