from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from mosaic.accounts.devices import browser_of, network_of
from mosaic.accounts.models import KnownDevice
from mosaic.accounts.tests.helpers import links_in_last_email, signup_data

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def sign_in(persona, *, ip: str, agent: str, capture) -> Client:
    with capture(execute=True):
        return persona.sign_in(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def alerts_to(email: str) -> list:
    return [m for m in mail.outbox if email in m.to and "New sign-in" in m.subject]


def test_p19_networks_are_grouped_by_ipv4_16_and_ipv6_64():
    assert network_of("203.0.113.77") == "203.0.0.0/16"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("::ffff:198.51.100.9") == "198.51.0.0/16"
    assert network_of("garbage") == "unknown"
    assert browser_of(FIREFOX) == "Firefox on Linux"


def test_p19_the_first_sign_in_after_sign_up_sends_no_alert(
    visitor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("/accounts/signup/", signup_data())
    link = next(url for url in links_in_last_email("nadia@example.com") if "confirm-email" in url)
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(link, HTTP_USER_AGENT=FIREFOX)

    assert KnownDevice.objects.filter(user__username="nadia").count() == 1
    assert alerts_to("nadia@example.com") == []


def test_p19_a_known_device_on_a_nearby_address_sends_no_alert(
    owner, django_capture_on_commit_callbacks
):
    sign_in(owner, ip="203.0.113.5", agent=FIREFOX, capture=django_capture_on_commit_callbacks)
    sign_in(owner, ip="203.0.200.9", agent=FIREFOX, capture=django_capture_on_commit_callbacks)

    assert alerts_to("olivia@example.com") == []
    assert KnownDevice.objects.filter(user=owner.user).count() == 1


@pytest.mark.parametrize(
    ("ip", "agent"),
    [("198.51.100.7", FIREFOX), ("203.0.113.5", IPHONE), ("2001:db8::1", FIREFOX)],
    ids=["new network", "new browser", "ipv6 network"],
)
def test_p19_a_new_browser_or_network_alerts_the_user(
    owner, django_capture_on_commit_callbacks, ip, agent
):
    sign_in(owner, ip="203.0.113.5", agent=FIREFOX, capture=django_capture_on_commit_callbacks)

    sign_in(owner, ip=ip, agent=agent, capture=django_capture_on_commit_callbacks)

    [alert] = alerts_to("olivia@example.com")
    device = KnownDevice.objects.get(
        user=owner.user, network=network_of(ip), browser=browser_of(agent)
    )
    assert device.browser in alert.body
    assert device.network in alert.body
    assert " UTC" in alert.body
    assert "http://127.0.0.1:8000/accounts/sessions/" in alert.body
    assert ip not in alert.body  # only the approximate network is shown


def test_p19_a_failed_sign_in_records_no_device(owner, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=IPHONE)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/", {"login": "olivia", "password": "wrong password!"})

    assert not KnownDevice.objects.filter(user=owner.user).exists()
    assert alerts_to("olivia@example.com") == []
