"""Email preferences (owner panel), newsletter sign-up and unsubscribe links (public)."""

from __future__ import annotations

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mosaic.accounts.decorators import signed_in_user
from mosaic.consent import services
from mosaic.consent.mailing import read_unsubscribe_token
from mosaic.consent.models import Consent


class EmailPreferencesForm(forms.Form):
    promotional = forms.BooleanField(
        label=gettext_lazy("Send me news and offers from Mosaic"), required=False
    )


class NewsletterForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"), max_length=254)


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    """P29: service email always goes out; promotional email only if switched on here."""
    user = signed_in_user(request)
    wanted = services.has_consent(purpose=Consent.Purpose.PROMOTIONAL_EMAIL, user=user)
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None, initial={"promotional": wanted}
    )
    if request.method == "POST" and form.is_valid():
        services.set_promotional_email(user=user, wanted=form.cleaned_data["promotional"])
        messages.success(request, _("Your email preferences are saved."))
        return redirect("consent:email_preferences")
    return render(request, "consent/email_preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def newsletter(request: HttpRequest) -> HttpResponse:
    """P17: only an email address, confirmed by a link sent to it (double opt-in)."""
    form = NewsletterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not ratelimit.consume(request, action="newsletter"):
            form.add_error(None, _("Too many attempts: please try again in a few minutes."))
        elif form.is_valid():
            services.subscribe_newsletter(email=form.cleaned_data["email"])
            return render(request, "consent/newsletter_check_inbox.html")
    return render(request, "consent/newsletter.html", {"form": form}, status=200)


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email; a button press (POST) confirms, so a mail scanner
    opening the link does not subscribe anyone."""
    if request.method == "GET":
        return render(request, "consent/newsletter_confirm.html")
    try:
        services.confirm_newsletter(token=token)
    except services.InvalidLink:
        return render(request, "consent/invalid_link.html", status=400)
    return render(request, "consent/newsletter_confirmed.html")


@csrf_exempt  # RFC 8058: mail clients POST here without a session; the signed token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """P29: GET asks to confirm; POST (a mail client's one-click, or the button) unsubscribes."""
    if read_unsubscribe_token(token) is None:
        return render(request, "consent/invalid_link.html", status=400)
    if request.method == "GET":
        return render(request, "consent/unsubscribe.html")
    services.unsubscribe(token=token)
    return render(request, "consent/unsubscribed.html")
