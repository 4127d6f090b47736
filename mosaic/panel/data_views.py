"""The owner's "Your data" page: what Mosaic holds, and deleting or restoring the account."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mosaic.accounts.decorators import sensitive_action
from mosaic.accounts.models import User
from mosaic.privacy.registry import categories
from mosaic.privacy.services import request_account_deletion, restore_account


class DeleteAccountForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Type your username to confirm"), max_length=150, strip=True
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_username(self) -> str:
        value: str = self.cleaned_data["username"]
        if value != self.user.username:
            raise forms.ValidationError(_("That is not your username."))
        return value


@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    return render(request, "panel/your_data.html", {"categories": categories()})


@require_http_methods(["GET", "POST"])
@sensitive_action
def delete_account(request: HttpRequest) -> HttpResponse:
    """P08, P32: confirm identity, then the username, then quarantine the account."""
    user = request.user
    assert isinstance(user, User)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        request_account_deletion(user=user)
        logout(request)
        return render(request, "panel/account_deleted.html", {"deleted_user": user})
    return render(request, "panel/delete_account.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def restore(request: HttpRequest) -> HttpResponse:
    """P08: the only page an account in quarantine can use."""
    user = request.user
    assert isinstance(user, User)
    if not user.in_quarantine:
        return redirect("panel:home")
    if request.method == "POST":
        if request.POST.get("action") == "restore" and restore_account(user=user):
            messages.success(request, _("Welcome back: your account is restored."))
            return redirect("panel:home")
        logout(request)
        return redirect("home")
    return render(request, "panel/restore.html", {"deleted_user": user})
