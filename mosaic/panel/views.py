"""The owner's panel: the signed-in home of an owner. It calls the core apps, never the reverse."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mosaic.accounts.decorators import signed_in_user
from mosaic.websites.models import Site


@login_required
def home(request: HttpRequest) -> HttpResponse:
    sites = Site.objects.live().filter(owner=signed_in_user(request)).order_by("created_at")
    return render(request, "panel/home.html", {"sites": sites})


@login_required
def security(request: HttpRequest) -> HttpResponse:
    return render(request, "panel/security.html")
