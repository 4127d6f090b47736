"""Moderation's screens (P10): abuse reports, blocks and appeals."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.operators.access import operator_view
from mosaic.operators.forms import AccountReasonForm, ReasonForm
from mosaic.privacy.holds import block_account, find_account, unblock_account
from mosaic.privacy.models import AccountBlock
from mosaic.staff.roles import MODERATION

LIST_LIMIT = 200


# --- Moderation: blocked accounts (P10) ---------------------------------------------------------


@operator_view(MODERATION, shows="blocked accounts")
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    form = AccountReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = find_account(form.cleaned_data["identifier"])
        if account is None:
            form.add_error("identifier", _("No account answers to this."))
        elif account.pk == request.user.pk:
            form.add_error("identifier", _("You cannot block yourself."))
        else:
            block_account(
                operator=signed_in_user(request), user=account, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The account is blocked and signed out everywhere."))
            return redirect("operators:moderation")
    blocks = (
        AccountBlock.objects.filter(lifted_at__isnull=True)
        .select_related("user", "blocked_by")
        .order_by("-blocked_at")[:LIST_LIMIT]
    )
    context = {"form": form, "blocks": blocks, "unblock_form": ReasonForm()}
    return render(request, "operators/moderation.html", context, status=400 if form.errors else 200)


@operator_view(MODERATION)
@require_POST
def unblock(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(AccountBlock, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to unblock."))
    elif unblock_account(
        operator=signed_in_user(request), block=block, reason=form.cleaned_data["reason"]
    ):
        messages.success(request, _("The block is lifted."))
    else:
        messages.error(request, _("This block was already lifted."))
    return redirect("operators:moderation")
