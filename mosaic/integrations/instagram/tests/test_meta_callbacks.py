from __future__ import annotations

import time
from datetime import timedelta

import pytest

from mosaic.integrations.instagram.models import DataDeletionRequest, InstagramConnection
from mosaic.integrations.instagram.signed_request import sign
from mosaic.integrations.instagram.tests.conftest import APP_SECRET, connection_with_token

pytestmark = pytest.mark.django_db

IG_USER = "17841400000000001"  # the id connection_with_token records


def signed(
    *, user_id: str = IG_USER, issued_at: int | None = None, secret: str = APP_SECRET, **extra
) -> str:
    payload = {
        "algorithm": "HMAC-SHA256",
        "issued_at": issued_at or int(time.time()),
        "user_id": user_id,
        **extra,
    }
    return sign(payload, secret=secret)


@pytest.fixture
def connected(owner, stand_in):
    return connection_with_token(owner.user, stand_in, age=timedelta(days=1))


def test_deauthorize_with_a_valid_signed_request_disconnects(visitor, connected):
    response = visitor.post("/instagram/deauthorize/", {"signed_request": signed()})
    assert response.status_code == 200
    assert not InstagramConnection.objects.exists()


def test_deauthorize_for_another_account_leaves_the_connection(visitor, connected):
    response = visitor.post("/instagram/deauthorize/", {"signed_request": signed(user_id="999")})
    assert response.status_code == 200
    assert InstagramConnection.objects.exists()


def test_a_tampered_signed_request_is_refused(visitor, connected):
    signature, _body = signed(user_id="999").split(".")
    forged_body = signed().split(".")[1]  # Olivia's payload under another payload's signature
    response = visitor.post(
        "/instagram/deauthorize/", {"signed_request": f"{signature}.{forged_body}"}
    )
    assert response.status_code == 400
    assert InstagramConnection.objects.exists()


def test_a_signed_request_signed_with_another_secret_is_refused(visitor, connected):
    response = visitor.post("/instagram/deauthorize/", {"signed_request": signed(secret="guess")})
    assert response.status_code == 400
    assert InstagramConnection.objects.exists()


def test_an_expired_signed_request_is_refused(visitor, connected):
    old = int(time.time()) - 2 * 24 * 3600
    response = visitor.post("/instagram/data-deletion/", {"signed_request": signed(issued_at=old)})
    assert response.status_code == 400
    assert InstagramConnection.objects.exists()
    assert not DataDeletionRequest.objects.exists()


@pytest.mark.parametrize("value", ["", "garbage", "a.b.c", "!!!.???"])
def test_a_malformed_signed_request_is_refused(visitor, connected, value):
    response = visitor.post("/instagram/deauthorize/", {"signed_request": value})
    assert response.status_code == 400


def test_a_signed_request_with_another_algorithm_is_refused(visitor, connected):
    response = visitor.post("/instagram/deauthorize/", {"signed_request": signed(algorithm="none")})
    assert response.status_code == 400


def test_data_deletion_answers_with_a_status_url_and_code_and_erases_the_data(
    visitor, connected, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post("/instagram/data-deletion/", {"signed_request": signed()})
    assert response.status_code == 200
    answer = response.json()
    request = DataDeletionRequest.objects.get()
    assert answer["confirmation_code"] == request.confirmation_code
    assert (
        answer["url"] == f"http://testserver/instagram/data-deletion/{request.confirmation_code}/"
    )
    assert not InstagramConnection.objects.exists()
    assert request.state == DataDeletionRequest.State.COMPLETED
    assert request.instagram_user_id == ""  # nothing left that names the person
    page = visitor.get(answer["url"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert b'data-state="completed"' in page.content
    assert request.confirmation_code.encode() in page.content


def test_the_status_page_shows_a_request_not_yet_carried_out(visitor, connected):
    response = visitor.post("/instagram/data-deletion/", {"signed_request": signed()})
    code = response.json()["confirmation_code"]  # the erasure waits for the commit
    page = visitor.get(f"/instagram/data-deletion/{code}/")
    assert b'data-state="received"' in page.content


def test_an_unknown_confirmation_code_has_no_status_page(visitor):
    assert visitor.get("/instagram/data-deletion/not-a-code/").status_code == 404


def test_the_callbacks_accept_only_post(visitor):
    assert visitor.get("/instagram/deauthorize/").status_code == 405
    assert visitor.get("/instagram/data-deletion/").status_code == 405
