"""The directory fieldset of the site editor: the owner's choices apply at once (P28, P18)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.discovery import services
from mosaic.discovery.forms import ChoicesForm
from mosaic.websites.models import Site


@login_required
@require_POST
def save_choices(request: HttpRequest, site_id: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.live().filter(owner=signed_in_user(request)), pk=site_id)
    form = ChoicesForm(request.POST, auto_id="directory-%s")
    if not form.is_valid():  # booleans: only a tampered form gets here
        return render(request, "400.html", status=400)
    services.set_choices(site=site, **form.cleaned_data)
    if form.cleaned_data["listed"] and site.visibility != Site.Visibility.PUBLIC:
        messages.warning(
            request, _("Saved. Only a public site is listed: make it public to be found.")
        )
    else:
        messages.success(request, _("Directory choices saved; they apply at once."))
    return redirect(site.editor_url("directory"))
