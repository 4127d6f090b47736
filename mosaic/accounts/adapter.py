from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from mosaic.accounts.models import User
from mosaic.mail.services import send, subject_line


class AccountAdapter(DefaultAccountAdapter):
    """Mosaic's hooks into allauth's account flows."""

    def format_email_subject(self, subject: str) -> str:
        return subject_line(subject)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails (verification, password reset, security notices, P19, P29) go
        through Mosaic's one mail room: rendered now, in the request's language, and sent
        after commit with retries."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        user = ctx.get("user")
        send(
            template_prefix,
            to=email,
            context=ctx,
            user=user if isinstance(user, User) else None,
            request=request,
        )
