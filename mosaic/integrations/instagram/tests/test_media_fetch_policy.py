from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from PIL import Image

from mosaic.integrations.instagram.client import InstagramClient
from mosaic.integrations.instagram.services import fetch_media, media_fetch_policy
from mosaic.integrations.instagram.tests.conftest import production_settings
from mosaic.lib.safe_http import FetchError, UnsafeURL

pytestmark = pytest.mark.django_db


def first_media_url(stand_in) -> str:
    token = stand_in.state.issue_token("olivia.makes")
    with InstagramClient() as client:
        item = client.media_page(token=token, limit=1).items[0]
    return item["media_url"]


def test_development_fetches_the_stand_ins_generated_photos(stand_in):
    into = io.BytesIO()
    result = fetch_media(url=first_media_url(stand_in), into=into)
    assert result.content_type == "image/jpeg"
    into.seek(0)
    assert Image.open(into).size == (1080, 1080)


def test_a_media_url_answers_403_once_expired(stand_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        url = first_media_url(stand_in)
        traveller.shift(timedelta(hours=2))
        with pytest.raises(FetchError, match="HTTP 403"):
            fetch_media(url=url, into=io.BytesIO())


def test_a_media_url_with_a_forged_signature_answers_403(stand_in):
    url = first_media_url(stand_in)
    with pytest.raises(FetchError, match="HTTP 403"):
        fetch_media(url=url.replace("sig=", "sig=0"), into=io.BytesIO())


def test_without_the_development_switch_the_stand_in_is_refused(stand_in, settings):
    url = first_media_url(stand_in)
    settings.INSTAGRAM_ALLOW_INSECURE_MEDIA = False
    with pytest.raises(UnsafeURL, match="plain http"):
        fetch_media(url=url, into=io.BytesIO())


def test_a_media_url_outside_the_allow_list_is_refused(stand_in, settings):
    settings.INSTAGRAM_MEDIA_HOSTS = ["cdninstagram.com", "fbcdn.net"]
    with pytest.raises(UnsafeURL, match="not on the allow-list"):
        fetch_media(url=first_media_url(stand_in), into=io.BytesIO())


def test_production_defaults_allow_only_instagrams_cdns_over_https(settings):
    settings.INSTAGRAM_MEDIA_HOSTS = ["cdninstagram.com", "fbcdn.net"]
    settings.INSTAGRAM_ALLOW_INSECURE_MEDIA = False
    policy = media_fetch_policy()
    assert not policy.allow_insecure
    for url in ("https://169.254.169.254/latest/meta-data/", "https://10.0.0.5/x.jpg"):
        with pytest.raises(UnsafeURL):
            fetch_media(url=url, into=io.BytesIO())


def test_production_refuses_the_insecure_media_switch_at_run_time(settings):
    settings.PRODUCTION = True
    settings.INSTAGRAM_ALLOW_INSECURE_MEDIA = True
    with pytest.raises(ImproperlyConfigured, match="development only"):
        media_fetch_policy()


def test_production_refuses_to_start_with_the_insecure_media_switch():
    result = production_settings(TOKEN_ENCRYPTION_KEYS="k", INSTAGRAM_ALLOW_INSECURE_MEDIA="true")
    assert "INSTAGRAM_ALLOW_INSECURE_MEDIA is for development only" in result.stderr


def test_production_defaults_point_at_real_instagram_and_its_cdns():
    show = "print(s.INSTAGRAM_AUTHORIZE_URL, s.INSTAGRAM_MEDIA_HOSTS, "
    show += "s.INSTAGRAM_ALLOW_INSECURE_MEDIA)"
    result = production_settings(show, TOKEN_ENCRYPTION_KEYS="k")
    assert result.stdout.strip() == (
        "https://www.instagram.com/oauth/authorize ['cdninstagram.com', 'fbcdn.net'] False"
    )


def test_development_defaults_point_at_the_stand_in():
    show = "print(s.INSTAGRAM_GRAPH_URL, s.INSTAGRAM_MEDIA_HOSTS, s.INSTAGRAM_ALLOW_INSECURE_MEDIA)"
    result = production_settings(show, MOSAIC_ENV="development")
    assert result.stdout.strip() == "http://127.0.0.1:8001 ['127.0.0.1'] True"


def test_app_credentials_switch_development_to_real_instagram():
    show = "print(s.INSTAGRAM_API_URL, s.INSTAGRAM_ALLOW_INSECURE_MEDIA)"
    result = production_settings(
        show, MOSAIC_ENV="development", INSTAGRAM_APP_ID="1", INSTAGRAM_APP_SECRET="2"
    )
    assert result.stdout.strip() == "https://api.instagram.com False"
