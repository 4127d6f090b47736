from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mosaic import urls as mosaic_urls
from mosaic.accounts.decorators import sensitive_action


@sensitive_action
def export_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the sensitive thing")


urlpatterns = [path("sensitive/", export_view), *mosaic_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_p32_a_signed_out_visitor_is_sent_to_sign_in(visitor):
    response = visitor.get("/sensitive/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_p32_even_a_fresh_sign_in_confirms_the_password_before_acting(visitor, owner):
    owner.sign_in(visitor)

    response = visitor.get("/sensitive/")
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Fsensitive%2F"

    wrong = visitor.post(response["Location"], {"password": "not my password"})
    assert wrong.status_code == 200
    assert b"incorrect" in wrong.content.lower()
    assert visitor.get("/sensitive/").status_code == 302

    right = visitor.post(response["Location"], {"password": owner.password})
    assert right["Location"] == "/sensitive/"
    assert visitor.get("/sensitive/").content == b"the sensitive thing"


def test_p32_the_confirmation_lasts_five_minutes(visitor, owner):
    owner.sign_in(visitor)
    visitor.post("/accounts/reauthenticate/", {"password": owner.password})

    with time_machine.travel(dt.timedelta(minutes=4)):
        assert visitor.get("/sensitive/").status_code == 200
    with time_machine.travel(dt.timedelta(minutes=6)):
        assert visitor.get("/sensitive/").status_code == 302
