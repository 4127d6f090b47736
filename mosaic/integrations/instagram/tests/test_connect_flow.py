from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import time_machine
from django.utils import timezone

from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.integrations.instagram.services import STATE_SESSION_KEY
from mosaic.integrations.instagram.standin.data import user_id_for
from mosaic.integrations.instagram.tests.conftest import connect, consent

pytestmark = pytest.mark.django_db


def test_the_connect_button_sends_the_owner_to_instagram_with_a_state(owner, stand_in):
    page = owner.client.get("/panel/instagram/")
    assert b"Connect Instagram" in page.content
    start = owner.client.get("/panel/instagram/connect/")
    assert start["Location"].startswith(f"{stand_in.base_url}/oauth/authorize?")
    assert (
        "redirect_uri=http%3A%2F%2Ftestserver%2Fpanel%2Finstagram%2Fcallback%2F"
        in start["Location"]
    )
    state = owner.client.session[STATE_SESSION_KEY]["value"]
    assert f"state={state}" in start["Location"]


def test_connecting_instagram_records_the_account_and_a_working_60_day_token(owner, stand_in):
    response = connect(owner.client, username="olivia.makes")
    assert b"@olivia.makes" in response.content
    connection = InstagramConnection.objects.get(user=owner.user)
    assert connection.username == "olivia.makes"
    assert connection.instagram_user_id == user_id_for("olivia.makes")
    assert connection.is_active
    assert 59 <= (connection.token_expires_at - connection.token_issued_at).days <= 60
    me = httpx.get(
        f"{stand_in.base_url}/me",
        params={"fields": "username", "access_token": connection.access_token},
    )
    assert me.json() == {"username": "olivia.makes"}


def test_the_state_is_single_use(owner, stand_in):
    start = owner.client.get("/panel/instagram/connect/")
    callback = consent(start["Location"]).removeprefix("http://testserver").split("#")[0]
    owner.client.get(callback)
    InstagramConnection.objects.all().delete()
    replay = owner.client.get(callback, follow=True)
    assert b"was used up" in replay.content
    assert not InstagramConnection.objects.exists()


def test_a_callback_with_a_state_from_elsewhere_is_refused(owner, stand_in):
    start = owner.client.get("/panel/instagram/connect/")
    location = consent(start["Location"])
    forged = (
        location.replace("state=", "state=forged").removeprefix("http://testserver").split("#")[0]
    )
    response = owner.client.get(forged, follow=True)
    assert b"does not match" in response.content
    assert not InstagramConnection.objects.exists()


def test_a_callback_that_this_session_never_started_is_refused(owner, other_owner, stand_in):
    start = owner.client.get("/panel/instagram/connect/")
    callback = consent(start["Location"]).removeprefix("http://testserver").split("#")[0]
    response = other_owner.client.get(
        callback, follow=True
    )  # login CSRF: Oscar is fed Olivia's code
    assert b"was not started here" in response.content
    assert not InstagramConnection.objects.exists()


def test_a_code_ending_with_hash_underscore_is_accepted(owner, stand_in):
    start = owner.client.get("/panel/instagram/connect/")
    location = consent(start["Location"])
    assert location.endswith("#_")
    # Pasted by hand, the fragment arrives inside the code parameter.
    path = location.removeprefix("http://testserver").removesuffix("#_")
    assert "?code=" in path
    assert "&state=" in path
    response = owner.client.get(path.replace("&state=", "%23_&state="), follow=True)
    assert b"connected" in response.content
    assert InstagramConnection.objects.filter(user=owner.user).exists()


def test_cancelling_on_instagram_connects_nothing(owner, stand_in):
    start = owner.client.get("/panel/instagram/connect/")
    location = consent(start["Location"], decision="deny")
    response = owner.client.get(
        location.removeprefix("http://testserver").split("#")[0], follow=True
    )
    assert b"cancelled" in response.content
    assert not InstagramConnection.objects.exists()
    assert STATE_SESSION_KEY not in owner.client.session


def test_an_instagram_error_during_the_exchange_stores_nothing(owner, stand_in):
    start = owner.client.get("/panel/instagram/connect/")
    callback = consent(start["Location"]).removeprefix("http://testserver").split("#")[0]
    stand_in.state.fail_next("invalid_token")  # the long-lived swap fails
    response = owner.client.get(callback, follow=True)
    assert b"Instagram refused the connection" in response.content
    assert not InstagramConnection.objects.exists()


def test_disconnecting_forgets_the_token(owner, stand_in):
    connect(owner.client)
    response = owner.client.post("/panel/instagram/disconnect/", follow=True)
    assert b"no longer holds its token" in response.content
    assert not InstagramConnection.objects.exists()


def test_disconnect_needs_a_post(owner, stand_in):
    connect(owner.client)
    assert owner.client.get("/panel/instagram/disconnect/").status_code == 405
    assert InstagramConnection.objects.exists()


def test_another_owner_does_not_see_the_connection(owner, other_owner, stand_in):
    connect(owner.client, username="olivia.makes")
    page = other_owner.client.get("/panel/instagram/")
    assert b"olivia.makes" not in page.content
    assert b"Connect Instagram" in page.content


def test_the_instagram_pages_need_a_signed_in_owner(visitor):
    for path in ("/panel/instagram/", "/panel/instagram/connect/", "/panel/instagram/callback/"):
        response = visitor.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_p02_the_connect_page_never_asks_for_an_instagram_password(owner, stand_in):
    page = owner.client.get("/panel/instagram/")
    assert b'type="password"' not in page.content
    assert b"never asks for your Instagram password" in page.content
    fields = {field.name for field in InstagramConnection._meta.get_fields()}
    assert not any("password" in name for name in fields)


def test_a_state_older_than_fifteen_minutes_is_refused(owner, stand_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        start = owner.client.get("/panel/instagram/connect/")
        callback = consent(start["Location"]).removeprefix("http://testserver").split("#")[0]
        traveller.shift(timedelta(minutes=16))
        response = owner.client.get(callback, follow=True)
    assert b"took too long" in response.content
    assert not InstagramConnection.objects.exists()


def test_without_app_credentials_connecting_is_not_offered(owner, settings):
    settings.INSTAGRAM_APP_ID = ""
    page = owner.client.get("/panel/instagram/")
    assert b"Connect Instagram" not in page.content
    response = owner.client.get("/panel/instagram/connect/", follow=True)
    assert b"not available on this server" in response.content
