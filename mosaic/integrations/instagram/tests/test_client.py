from __future__ import annotations

import json

import httpx
import pytest

from mosaic.integrations.instagram.client import (
    InstagramClient,
    InstagramError,
    InvalidToken,
    RateLimited,
    normalize_media,
    raise_for_error,
    strip_code,
    unwrap,
)
from mosaic.integrations.instagram.standin.data import POSTS_PER_ACCOUNT
from mosaic.integrations.instagram.standin.server import Code

pytestmark = pytest.mark.django_db


def graph_error(
    code: int, status: int = 400, headers: dict[str, str] | None = None
) -> httpx.Response:
    body = {"error": {"message": "boom", "type": "OAuthException", "code": code}}
    return httpx.Response(status, json=body, headers=headers)


def test_a_trailing_hash_underscore_is_not_part_of_the_code():
    assert strip_code("AQBx-123#_") == "AQBx-123"
    assert strip_code("AQBx-123") == "AQBx-123"


def test_an_object_is_read_wrapped_in_data_or_bare():
    assert unwrap({"data": [{"access_token": "t", "user_id": 1}]}) == {
        "access_token": "t",
        "user_id": 1,
    }
    assert unwrap({"access_token": "t", "user_id": 1}) == {"access_token": "t", "user_id": 1}
    with pytest.raises(InstagramError):
        unwrap({"data": []})


@pytest.mark.parametrize("wrapped", [True, False])
def test_the_code_exchange_reads_both_answer_shapes(stand_in, wrapped):
    stand_in.state.wrap_token_response = wrapped
    stand_in.state.codes["AQcode"] = Code("olivia.makes", "http://testserver/cb/", 2e9)
    with InstagramClient() as client:
        token = client.exchange_code(code="AQcode#_", redirect_uri="http://testserver/cb/")
    assert token.access_token.startswith("IGQ")
    assert token.user_id.isdigit()


def test_a_media_list_is_read_wrapped_or_bare():
    item = {"id": "1", "media_type": "IMAGE"}
    assert normalize_media(item)["caption"] == ""
    assert normalize_media({**item, "children": {"data": [{"id": "2"}]}})["children"] == [
        {"id": "2"}
    ]
    assert normalize_media({**item, "children": [{"id": "2"}]})["children"] == [{"id": "2"}]


def test_an_absent_caption_is_an_empty_string(stand_in):
    token = stand_in.state.issue_token("olivia.makes")
    with InstagramClient() as client:
        page = client.media_page(token=token, limit=10)
    assert all(isinstance(item["caption"], str) for item in page.items)
    assert any(item["caption"] == "" for item in page.items)
    assert any("#" in item["caption"] for item in page.items)


def test_it_pages_through_every_post_with_carousel_children(stand_in):
    token = stand_in.state.issue_token("olivia.makes")
    with InstagramClient() as client:
        first = client.media_page(token=token, limit=25)
        everything = list(client.all_media(token=token))
    assert len(first.items) == 25
    assert first.next_url
    assert len(everything) == POSTS_PER_ACCOUNT
    assert len({item["id"] for item in everything}) == POSTS_PER_ACCOUNT
    carousel = next(item for item in everything if item["media_type"] == "CAROUSEL_ALBUM")
    assert len(carousel["children"]) == 3
    video = next(item for item in everything if item["media_type"] == "VIDEO")
    assert video["thumbnail_url"]


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_rate_limit_error_codes_are_parsed_with_a_retry_after(code):
    usage = json.dumps({"1784": [{"type": "instagram", "estimated_time_to_regain_access": 7}]})
    with pytest.raises(RateLimited) as caught:
        raise_for_error(graph_error(code, headers={"X-Business-Use-Case-Usage": usage}))
    assert caught.value.code == code
    assert caught.value.retry_after == 7 * 60


def test_http_429_is_a_rate_limit_with_its_retry_after_header():
    with pytest.raises(RateLimited) as caught:
        raise_for_error(httpx.Response(429, text="slow down", headers={"Retry-After": "120"}))
    assert caught.value.retry_after == 120


def test_a_rate_limit_from_the_stand_in_reaches_the_caller(stand_in):
    token = stand_in.state.issue_token("olivia.makes")
    stand_in.state.fail_next("rate_limit_429")
    stand_in.state.fail_next("rate_limit")
    with InstagramClient() as client:
        with pytest.raises(RateLimited) as first:
            client.me(token=token)
        with pytest.raises(RateLimited) as second:
            client.me(token=token)
        assert client.me(token=token).username == "olivia.makes"
    assert first.value.retry_after == 120
    assert second.value.code == 4
    assert second.value.retry_after > 0


def test_error_190_is_an_invalid_token(stand_in):
    with InstagramClient() as client, pytest.raises(InvalidToken):
        client.me(token="IGAA-never-issued")


def test_other_errors_keep_instagrams_message():
    with pytest.raises(InstagramError, match="boom") as caught:
        raise_for_error(graph_error(100))
    assert not isinstance(caught.value, RateLimited | InvalidToken)


def test_an_unreachable_instagram_is_a_clear_error(settings):
    settings.INSTAGRAM_GRAPH_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with InstagramClient() as client, pytest.raises(InstagramError, match="cannot be reached"):
        client.me(token="t")
