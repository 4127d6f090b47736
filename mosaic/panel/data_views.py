"""The owner's "Your data" page: what Mosaic holds, correcting it, exporting it, and deleting
or restoring the account (P20)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mosaic.accounts.decorators import sensitive_action, signed_in_user
from mosaic.accounts.models import User
from mosaic.organizations.closing import fate_if_owner_leaves
from mosaic.panel.data_summary import summarise
from mosaic.photos.storage import private_storage
from mosaic.privacy.corrections import file_correction_request
from mosaic.privacy.exports import ExportTooSoon, request_export
from mosaic.privacy.models import CorrectionRequest, DataExport
from mosaic.privacy.registry import categories
from mosaic.privacy.services import request_account_deletion, restore_account
from mosaic.profiles.forms import DisplayNameField
from mosaic.profiles.signals import send_identity_changed


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


class ProfileForm(forms.Form):
    """P20: the account fields a person gave us and can correct themselves (the email address
    and password have allauth's own pages, with their verification and alerts)."""

    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    display_name = DisplayNameField(
        help_text=gettext_lazy("Optional. Shown with the comments you write.")
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"username": user.username, "display_name": user.display_name})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_username(self) -> str:
        value: str = self.cleaned_data["username"]
        if value != self.user.username:
            # allauth's own rules: allowed characters, reserved names, and not already taken.
            value = get_account_adapter().clean_username(value)
        return value


class CorrectionForm(forms.Form):
    what = forms.CharField(
        label=gettext_lazy("What is wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    correction = forms.CharField(
        label=gettext_lazy("What should it say?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    summaries = [summarise(user, category) for category in categories()]
    context = {
        # What Mosaic holds first; the kinds it holds nothing of, named together after (P01).
        "held": [summary for summary in summaries if summary.count],
        "not_held": [summary for summary in summaries if not summary.count],
        "exports": DataExport.objects.filter(user=user).order_by("-requested_at")[:5],
        "corrections": CorrectionRequest.objects.filter(user=user).order_by("-created_at")[:10],
    }
    return render(request, "panel/your_data.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    """P20: correct the account details you gave."""
    user = signed_in_user(request)
    form = ProfileForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        before = (user.username, user.display_name)
        user.username = form.cleaned_data["username"]
        user.display_name = form.cleaned_data["display_name"]
        user.save(update_fields=["username", "display_name"])
        if (user.username, user.display_name) != before:  # the name others see (P22)
            send_identity_changed([user.pk])
        messages.success(request, _("Your details are saved."))
        return redirect("panel:your_data")
    return render(request, "panel/edit_profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_correction(request: HttpRequest) -> HttpResponse:
    """P20, P33: ask us to correct what you cannot change yourself; answered within a deadline."""
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = file_correction_request(
            user=signed_in_user(request),
            what=form.cleaned_data["what"],
            correction=form.cleaned_data["correction"],
        )
        when = formats.date_format(item.deadline, "DATE_FORMAT")
        messages.success(
            request, _("Your request is filed. We will answer by %(when)s.") % {"when": when}
        )
        return redirect("panel:your_data")
    context = {"form": form, "correction_days": settings.PRIVACY_CORRECTION_DAYS}
    return render(request, "panel/request_correction.html", context)


@require_http_methods(["GET", "POST"])
@sensitive_action
def request_data_export(request: HttpRequest) -> HttpResponse:
    """P20, P32: confirm identity, then build a copy of everything in the background."""
    if request.method == "GET":
        return render(request, "panel/request_export.html")
    try:
        export = request_export(user=signed_in_user(request))
    except ExportTooSoon as refusal:
        when = formats.date_format(refusal.available_at, "DATETIME_FORMAT")
        messages.error(
            request,
            _("You can ask for one export a day; the next one from %(when)s UTC.") % {"when": when},
        )
        return redirect("panel:your_data")
    return redirect("panel:data_export", export_id=export.pk)


@login_required
def data_export(request: HttpRequest, export_id: str) -> HttpResponse:
    export = get_object_or_404(DataExport, pk=export_id, user=signed_in_user(request))
    return render(request, "panel/data_export.html", {"export": export})


@login_required
def download_data_export(request: HttpRequest, export_id: str) -> HttpResponseBase:
    """Only the owner, only until it expires (P20)."""
    export = get_object_or_404(DataExport, pk=export_id, user=signed_in_user(request))
    if not export.is_ready:
        raise Http404
    filename = f"mosaic-data-{export.requested_at:%Y-%m-%d}.zip"
    response = FileResponse(
        private_storage().open(export.file_name, "rb"), as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@sensitive_action
def delete_account(request: HttpRequest) -> HttpResponse:
    """P08, P32: confirm identity, then the username, then quarantine the account. An owner
    of an organization is told first what happens to it (C8: handed on to its longest-standing
    admin, or deleted, when the quarantine starts) and offered to hand it over or delete it."""
    user = signed_in_user(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        request_account_deletion(user=user)
        logout(request)
        return render(request, "panel/account_deleted.html", {"deleted_user": user})
    fate = fate_if_owner_leaves(user)
    context: dict[str, object] = {"form": form}
    if fate is not None:
        context.update(organization=fate[0], heir=fate[1], other_members=fate[2])
    return render(request, "panel/delete_account.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def restore(request: HttpRequest) -> HttpResponse:
    """P08: the only page an account in quarantine can use."""
    user = signed_in_user(request)
    if not user.in_quarantine:
        return redirect("panel:home")
    if request.method == "POST":
        if request.POST.get("action") == "restore" and restore_account(user=user):
            messages.success(request, _("Welcome back: your account is restored."))
            return redirect("panel:home")
        logout(request)
        return redirect("home")
    return render(request, "panel/restore.html", {"deleted_user": user})
