"""Operator personas, one per role (C7): each signed in, each holding only that role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from conftest import PASSWORD, Persona, make_user
from mosaic.operators.roles import LEGAL, MODERATION, SECURITY, SUPPORT


@pytest.fixture
def make_operator(db) -> Callable[..., Persona]:
    def make(role: str, username: str | None = None) -> Persona:
        user = make_user(username or f"{role}-operator")
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        return Persona(user=user, password=PASSWORD, client=client)

    return make


@pytest.fixture
def support_operator(make_operator) -> Persona:
    """Sam from support: accounts and correction requests."""
    return make_operator(SUPPORT, "sam")


@pytest.fixture
def security_operator(make_operator) -> Persona:
    """Selma from security: sealed archives, case by case."""
    return make_operator(SECURITY, "selma")


@pytest.fixture
def legal_operator(make_operator) -> Persona:
    """Lena from legal: legal requests and holds."""
    return make_operator(LEGAL, "lena")


@pytest.fixture
def moderation_operator(make_operator) -> Persona:
    """Max from moderation: blocks."""
    return make_operator(MODERATION, "max")
