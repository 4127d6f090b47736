from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from mosaic.accounts.devices import network_of
from mosaic.accounts.models import KnownDevice, User
from mosaic.accounts.ratelimits import login_failed_key
from mosaic.mail.services import send, subject_line


@dataclass(frozen=True)
class ServiceSite:
    """What allauth's emails call ``current_site``: the service's name (``SITE_NAME``), not
    the host the request happened to reach (``127.0.0.1:8000`` in development)."""

    name: str
    domain: str


def service_site() -> ServiceSite:
    return ServiceSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Mosaic's hooks into allauth's account flows."""

    def format_email_subject(self, subject: str) -> str:
        return subject_line(subject)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails (verification, password reset, security notices, P19, P29) go
        through Mosaic's one mail room: rendered now, in the request's language, and sent
        after commit with retries."""
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": service_site(),
            "site_url": settings.SITE_URL,
        }
        ctx.update(context)
        user = ctx.get("user")
        send(
            template_prefix,
            to=email,
            context=ctx,
            user=user if isinstance(user, User) else None,
            request=request,
        )

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """P11: wrong passwords from a network the account already knows (a known device, P19)
        count in a bucket of their own: a stranger guessing elsewhere fills the other bucket
        and cannot lock the owner out of their own phone or home network. The key does not
        name the host the request reached (allauth's does), so erasure can find it (P08)."""
        login = str(credentials.get("email", credentials.get("username", "")))
        return login_failed_key(login, known_network=self._from_known_network(request, login))

    def _from_known_network(self, request: HttpRequest, login: str) -> bool:
        if not login:
            return False
        users = User.objects.filter(username__iexact=login).values("pk")
        if "@" in login:
            users = EmailAddress.objects.filter(email__iexact=login).values("user_id")
        network = network_of(self.get_client_ip(request))
        return KnownDevice.objects.filter(user__in=users, network=network).exists()
