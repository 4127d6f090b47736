"""The owner's custom-domain page (``/domains/``) and Caddy's on-demand TLS ``ask`` endpoint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mosaic.accounts.decorators import signed_in_user
from mosaic.billing.plans import plan_for
from mosaic.domains import services
from mosaic.domains.models import CustomDomain
from mosaic.lib import dns
from mosaic.websites.models import Site


@login_required
@require_safe
def domains(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    sites = list(Site.objects.live().filter(owner=user).order_by("created_at"))
    found = {d.site_id: d for d in CustomDomain.objects.filter(site__in=sites)}
    rows = [
        {
            "site": site,
            "domain": found.get(site.pk),
            "records": services.records(found[site.pk]) if site.pk in found else [],
        }
        for site in sites
    ]
    return render(
        request, "domains/domains.html", {"rows": rows, "allowed": plan_for(user).custom_domain}
    )


def _own_site(request: HttpRequest, site_id: int) -> Site:
    return get_object_or_404(Site.objects.live(), pk=site_id, owner=signed_in_user(request))


@login_required
@require_POST
def set_domain(request: HttpRequest, site_id: int) -> HttpResponseBase:
    site = _own_site(request, site_id)
    try:
        services.set_domain(site=site, raw=request.POST.get("domain", "")[:300])
    except services.DomainRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Now create the two DNS records below, then check."))
    return redirect("domains:list")


@login_required
@require_POST
def check(request: HttpRequest, site_id: int) -> HttpResponseBase:
    domain = get_object_or_404(CustomDomain, site=_own_site(request, site_id))
    try:
        verified = services.check(domain=domain)
    except dns.LookupFailed as exc:
        messages.error(request, str(exc))
    else:
        if verified:
            messages.success(
                request,
                _("Verified: your site is served on %(domain)s.") % {"domain": domain.domain},
            )
        else:
            messages.error(request, domain.problem)
    return redirect("domains:list")


@login_required
@require_POST
def remove(request: HttpRequest, site_id: int) -> HttpResponseBase:
    services.remove_domain(site=_own_site(request, site_id))
    messages.success(request, _("The custom domain is removed."))
    return redirect("domains:list")


@require_safe
def ask(request: HttpRequest) -> HttpResponse:
    """Caddy's on-demand TLS asks before getting a certificate for a host: 200 only for a
    domain that is verified, paid for and whose site is online (docs/operations.md)."""
    name = request.GET.get("domain", "").strip().lower().rstrip(".")
    if name and CustomDomain.objects.serving().filter(domain=name).exists():
        return HttpResponse("ok", content_type="text/plain")
    return HttpResponse("unknown", status=404, content_type="text/plain")
