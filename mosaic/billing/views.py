"""Billing's pages: ``/pricing/`` (public), the owner's plan and invoices at ``/billing/``,
and the payment provider's webhook at ``/billing/webhook/<provider>/``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing as django_signing
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from mosaic.accounts.decorators import signed_in_user
from mosaic.billing import invoices, offline, providers, services, signing
from mosaic.billing.forms import BillingDetailsForm, ChooseSitesForm
from mosaic.billing.models import BillingDetails, Invoice, Subscription
from mosaic.billing.plans import FREE, PAID, PLANS, plan_for
from mosaic.billing.vat import vat_for
from mosaic.websites.models import Site
from mosaic.websites.plans import TooManySites, choose_online

log = logging.getLogger(__name__)


@require_safe
def pricing(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/pricing.html", {"plans": PLANS, "free": FREE, "paid": PAID})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    plan = plan_for(user)
    subscription = Subscription.objects.filter(user=user).first()
    details = BillingDetails.objects.filter(user=user).first()
    sites = list(Site.objects.live().filter(owner=user).order_by("created_at"))
    choose = ChooseSitesForm(
        choices=[(site.pk, f"{site.title} (/{site.slug}/)") for site in sites],
        limit=plan.sites,
        initial={"sites": [site.pk for site in sites if site.plan_paused_at is None]},
    )
    country = details.country if details else settings.BILLING_SELLER_COUNTRY
    vat = vat_for(net=PAID.price, country=country, vat_id=details.vat_id if details else "")
    context = {
        "plan": plan,
        "paid": PAID,
        "subscription": subscription,
        "details_form": BillingDetailsForm(instance=details),
        "invoices": Invoice.objects.filter(user=user),
        "sites": sites,
        "paused": [site for site in sites if site.plan_paused_at is not None],
        "choose_form": choose,
        "gross": PAID.price + vat.amount,
        "vat": vat,
        "can_upgrade": settings.BILLING_PROVIDER in providers.PROVIDERS,
    }
    return render(request, "billing/account.html", context)


def _back(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse(name))


@login_required
@require_POST
def upgrade(request: HttpRequest) -> HttpResponseBase:
    """P17: the billing details are asked for here, when an invoice will need them."""
    user = signed_in_user(request)
    if plan_for(user).paid:
        return redirect("billing:account")
    form = BillingDetailsForm(
        request.POST, instance=BillingDetails.objects.filter(user=user).first()
    )
    if not form.is_valid():
        messages.error(request, _("Please check your billing details."))
        return account(request)
    services.save_billing_details(user=user, **form.cleaned_data)
    try:
        url = providers.provider().checkout_url(
            user=user,
            success_url=_back(request, "billing:done"),
            cancel_url=_back(request, "billing:account"),
        )
    except providers.ProviderError as exc:
        messages.error(request, str(exc))
        return redirect("billing:account")
    return redirect(url)


@login_required
@require_safe
def done(request: HttpRequest) -> HttpResponseBase:
    """Where the provider's checkout returns: the webhook may be a moment behind."""
    if plan_for(signed_in_user(request)).paid:
        messages.success(request, _("Thank you: your paid plan is active."))
    else:
        messages.info(
            request, _("Your payment is being confirmed; this page will show it shortly.")
        )
    return redirect("billing:account")


@login_required
@require_POST
def manage(request: HttpRequest) -> HttpResponseBase:
    subscription = Subscription.objects.filter(user=signed_in_user(request)).first()
    if subscription is None or not subscription.customer_ref:
        return redirect("billing:account")
    try:
        url = providers.provider(subscription.provider).portal_url(
            subscription=subscription, return_url=_back(request, "billing:account")
        )
    except providers.ProviderError as exc:
        messages.error(request, str(exc))
        return redirect("billing:account")
    return redirect(url)


@login_required
@require_POST
def choose_sites(request: HttpRequest) -> HttpResponseBase:
    user = signed_in_user(request)
    plan = plan_for(user)
    sites = Site.objects.live().filter(owner=user).order_by("created_at")
    form = ChooseSitesForm(
        request.POST, choices=[(site.pk, site.slug) for site in sites], limit=plan.sites
    )
    if not form.is_valid():
        for error in form.errors.get("sites", []):
            messages.error(request, str(error))
        return redirect("billing:account")
    try:
        choose_online(owner_id=user.pk, keep=form.cleaned_data["sites"], plan=plan)
    except TooManySites:
        messages.error(request, _("Your plan does not allow that many online sites."))
    else:
        messages.success(request, _("Your choice is saved: the sites you chose are online."))
    return redirect("billing:account")


def _own_invoice(request: HttpRequest, number: str) -> Invoice:
    return get_object_or_404(Invoice, number=number, user=signed_in_user(request))


@login_required
@require_safe
def invoice(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "billing/invoice.html", {"invoice": _own_invoice(request, number)})


@login_required
@require_safe
def invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    shown = _own_invoice(request, number)
    response = HttpResponse(invoices.render_pdf(shown), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoices.pdf_filename(shown)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider_key: str) -> HttpResponse:
    """Signed events from the configured provider only; each applied once (by event id)."""
    if provider_key != settings.BILLING_PROVIDER or provider_key not in providers.PROVIDERS:
        raise Http404
    provider = providers.provider(provider_key)
    try:
        event = provider.parse_webhook(request.body, request.headers.get(signing.HEADER))
    except signing.InvalidSignature:
        return HttpResponse("bad signature", status=400, content_type="text/plain")
    except ValueError:
        return HttpResponse("bad payload", status=400, content_type="text/plain")
    try:
        applied = services.receive_event(provider=provider_key, event=event)
    except services.EventRejected as exc:
        log.warning("Webhook event refused: %s", exc)
        return HttpResponse("refused", status=400, content_type="text/plain")
    return HttpResponse("ok" if applied else "seen", content_type="text/plain")


# --- The offline provider's checkout and portal (make run without Stripe) -----------------
def _offline_token(token: str, max_age: int = 3600) -> dict[str, object]:
    if settings.BILLING_PROVIDER != "offline":
        raise Http404
    try:
        data = django_signing.loads(token, salt="mosaic.billing.offline", max_age=max_age)
    except django_signing.BadSignature as exc:
        raise Http404 from exc
    if not isinstance(data, dict):
        raise Http404
    return data


@login_required
def offline_checkout(request: HttpRequest, token: str) -> HttpResponseBase:
    """The test provider's checkout page: for the signed-in account that started it only."""
    data = _offline_token(token)
    user = signed_in_user(request)
    if data.get("user") != user.pk:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "pay" and not plan_for(user).paid:
            offline.complete_checkout(user_id=user.pk)
            return redirect(str(data["success"]))
        return redirect(str(data["cancel"]))
    details = BillingDetails.objects.filter(user=user).first()
    vat = vat_for(
        net=PAID.price,
        country=details.country if details else settings.BILLING_SELLER_COUNTRY,
        vat_id=details.vat_id if details else "",
    )
    context = {"paid": PAID, "vat": vat, "gross": PAID.price + vat.amount}
    return render(request, "billing/offline_checkout.html", context)


@login_required
def offline_portal(request: HttpRequest, token: str) -> HttpResponseBase:
    data = _offline_token(token)
    user = signed_in_user(request)
    subscription = Subscription.objects.filter(user=user).first()
    if data.get("user") != user.pk or subscription is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in offline.ACTIONS:
            offline.portal_action(subscription=subscription, action=action)
        return redirect(str(data["return"]))
    return render(request, "billing/offline_portal.html", {"subscription": subscription})
