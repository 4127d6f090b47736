from __future__ import annotations

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail

LINK = re.compile(r"https?://\S+")


def totp_code(secret: str, *, offset_periods: int = 0) -> str:
    """The code an authenticator app shows now for ``secret`` (RFC 6238, 30 s periods).

    Taken with at least 5 s of its period left, as a person would wait for a fresh code:
    allauth accepts no code of another period (``MFA_TOTP_TOLERANCE`` 0), so a code taken as
    its period ends reached the server expired on a busy machine and the sign-in failed.
    """
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset_periods))


def links_in_last_email(to: str) -> list[str]:
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no email to {to}"
    return LINK.findall(str(messages[-1].body))


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "nadia@example.com",
        "username": "nadia",
        "password1": "a long and unusual passphrase",
        "password2": "a long and unusual passphrase",
    }
    data.update(overrides)
    return data
