from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from allauth.account.decorators import reauthentication_required as allauth_reauthentication
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest

from mosaic.accounts.models import User

View = TypeVar("View", bound=Callable[..., Any])


def signed_in_user(request: HttpRequest) -> User:
    """The user of a view behind ``login_required``: typed for mypy, checked at run time."""
    user = request.user
    assert isinstance(user, User)
    return user


def sensitive_action(view: View) -> View:
    """P32: re-verify the person's identity before a sensitive action (export, deletion, ...).

    Signed-out visitors go to the sign-in page. A signed-in user who has not entered their
    password (or a two-factor code) within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds is asked
    to do so, then brought back to the page, where the action can then be taken.
    """
    return login_required(allauth_reauthentication(view))
