"""Receivers for allauth's signals; each hands over to a service at once."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.signals import user_logged_in
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_out
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


@receiver(user_logged_out)
def forget_signed_out_session(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """P03: the record of a session ends with it (the sweep takes records of sessions that
    expired; a sign-out is known at once)."""
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
