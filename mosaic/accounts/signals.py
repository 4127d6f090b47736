"""Receivers for allauth's signals; each hands over to a service at once."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from mosaic.accounts.models import User
from mosaic.accounts.services import record_sign_in


@receiver(user_logged_in)
def remember_sign_in_device(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    adapter = get_adapter(request)
    record_sign_in(
        user=user,
        ip=adapter.get_client_ip(request),
        user_agent=adapter.get_http_user_agent(request),
    )
