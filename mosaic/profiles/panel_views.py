"""The owner's profile page: display name and avatar, both optional (P28), shown with the
comments the owner writes (P22)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mosaic.accounts.decorators import signed_in_user
from mosaic.photos.imaging import PhotoRejected
from mosaic.profiles import services
from mosaic.profiles.forms import AvatarForm, DisplayNameForm
from mosaic.profiles.identity import public_identity


@login_required
@require_GET
def edit(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def save_display_name(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DisplayNameForm(request.POST)
    if not form.is_valid():
        return _page(request, name_form=form, status=400)
    if services.set_display_name(user=user, display_name=form.cleaned_data["display_name"]):
        if user.display_name:
            messages.success(request, _("Your display name is saved."))
        else:
            messages.success(request, _("Your display name is cleared: your username shows."))
    return redirect("profiles:edit")


@login_required
@require_POST
def upload_avatar(request: HttpRequest) -> HttpResponse:
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["avatar"]
        try:
            services.set_avatar(
                user=signed_in_user(request), source=upload, filename=upload.name or ""
            )
        except PhotoRejected as rejected:
            form.add_error(
                "avatar",
                _("This file cannot be your avatar: %(reason)s.") % {"reason": rejected.reason},
            )
        else:
            messages.success(request, _("Your avatar is saved."))
            return redirect("profiles:edit")
    return _page(request, avatar_form=form, status=400)


@login_required
@require_POST
def remove_avatar(request: HttpRequest) -> HttpResponse:
    if services.remove_avatar(user=signed_in_user(request)):
        messages.success(request, _("Your avatar is removed: your initials show instead."))
    return redirect("profiles:edit")


def _page(
    request: HttpRequest,
    *,
    name_form: Form | None = None,
    avatar_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "identity": public_identity(user),
        "name_form": name_form or DisplayNameForm(initial={"display_name": user.display_name}),
        "avatar_form": avatar_form or AvatarForm(),
        "data_url": reverse("panel:your_data"),
    }
    return render(request, "profiles/edit.html", context, status=status)
