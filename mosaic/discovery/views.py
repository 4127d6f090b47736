"""The public directory at ``/explore/``: tags, search and the similar-sites frame (P18, P28,
P31). No JavaScript; every page shows only ``Site.objects.listed()`` sites, checked now."""

from __future__ import annotations

from allauth.core.internal import ratelimit
from csp.decorators import csp_replace
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from mosaic.discovery import services
from mosaic.discovery.forms import SearchForm
from mosaic.discovery.search import search
from mosaic.posts.hashtags import MAX_HASHTAG_LENGTH, tag_key
from mosaic.web.preferences import SIMILAR_COOKIE
from mosaic.websites.models import Site

SITES_PER_PAGE = 24
COOKIE_AGE = 60 * 60 * 24 * 365


def _page(request: HttpRequest, sites: QuerySet[Site]) -> Page[Site]:
    paginator: Paginator[Site] = Paginator(sites, SITES_PER_PAGE)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404 from None


@require_safe
def explore(request: HttpRequest) -> HttpResponse:
    context = {
        "tags": services.popular_tags(),
        "page": _page(request, services.newest_sites()),
        "form": SearchForm(),
    }
    return render(request, "discovery/explore.html", context)


@require_safe
def tag(request: HttpRequest, key: str) -> HttpResponse:
    if len(key) > MAX_HASHTAG_LENGTH or tag_key(key) != key:
        raise Http404
    sites = services.sites_tagged(key)
    page = _page(request, sites)
    context = {"tag": key, "page": page, "form": SearchForm()}
    return render(request, "discovery/tag.html", context, status=200 if sites.exists() else 404)


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    """Search by name, title, about text and hashtags; rate-limited per address."""
    form = SearchForm(request.GET)
    context: dict[str, object] = {"form": form, "results": None}
    status = 200
    # allauth's public helper never limits a GET; its core does when asked (same rates,
    # same cache, settings.ACCOUNT_RATE_LIMITS).
    usage = ratelimit.consume(
        request, app="allauth.account", action="discovery_search", limit_get=True
    )
    if not usage:
        form.add_error(None, _("Too many searches from here: please wait a minute."))
        status = 429
    elif not form.is_valid():
        status = 400
    elif form.cleaned_data["q"]:
        results = search(form.cleaned_data["q"], page=form.cleaned_data["page"] or 1)
        context["results"] = results
    return render(request, "discovery/search.html", context, status=status)


@require_safe
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})  # type: ignore[arg-type]
def similar(request: HttpRequest, site_id: int) -> HttpResponse:
    """P18, P16: the "similar sites" frame a listed site's home page embeds. Its sites are
    chosen from shared tags only and checked now; a visitor who hid the block sees only the
    way to show it again (a cookie in their browser, nothing kept here)."""
    site = get_object_or_404(Site.objects.listed(), pk=site_id)
    hidden = request.COOKIES.get(SIMILAR_COOKIE) == "hide"
    sites = [] if hidden else services.similar_to(site)
    context = {"site": site, "sites": sites, "hidden": hidden}
    response = render(request, "discovery/similar.html", context)
    # Asked again at every view: a hide, or a site leaving, shows at the next page (P16, P31).
    response["Cache-Control"] = "private, no-cache"
    return response


@csrf_exempt  # the frame sets no cookie (not even CSRF's) on a visitor who does not click
@require_POST
def similar_preference(request: HttpRequest, site_id: int) -> HttpResponse:
    """P16: hide or show similar sites on every site, remembered by the visitor's browser.
    Without CSRF protection on purpose: a forged post can only hide or show a block in the
    forger's victim's browser, and the frame must not set a CSRF cookie on every visitor."""
    response = HttpResponseRedirect(reverse("discovery:similar", args=[site_id]))
    if request.POST.get("similar") == "hide":
        response.set_cookie(
            SIMILAR_COOKIE,
            "hide",
            max_age=COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(SIMILAR_COOKIE, samesite="Lax")
    return response
