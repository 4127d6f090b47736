from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mosaic.controller.models import ControllerChange


def changes(request: HttpRequest) -> HttpResponse:
    """P27: every change of hands announced, newest first."""
    return render(request, "controller/changes.html", {"changes": ControllerChange.objects.all()})
