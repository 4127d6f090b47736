"""The owner's side of moderation: what was done to their sites and photos, why, and one
appeal each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.moderation.forms import AppealForm
from mosaic.moderation.models import ModerationAction
from mosaic.moderation.services import appeal


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    actions = (
        ModerationAction.objects.filter(owner=signed_in_user(request))
        .select_related("site", "post")
        .order_by("-decided_at")[:100]
    )
    return render(request, "moderation/decisions.html", {"actions": actions, "form": AppealForm()})


@login_required
@require_POST
def appeal_decision(request: HttpRequest, pk: int) -> HttpResponse:
    owner = signed_in_user(request)
    action = get_object_or_404(ModerationAction, pk=pk, owner=owner)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why we should look again."))
    elif appeal(owner=owner, action=action, text=form.cleaned_data["text"]):
        messages.success(request, _("Your appeal is sent. We will email you the answer."))
    else:
        messages.error(request, _("You have already appealed this decision."))
    return redirect("moderation_panel:decisions")
