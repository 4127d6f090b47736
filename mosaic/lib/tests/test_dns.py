"""DNS lookups against a real DNS server (dnsmasq on loopback), and against servers that fail."""

from __future__ import annotations

import socket

import pytest

from mosaic.lib import dns
from mosaic.lib.dns import LookupFailed, NoRecord, parse_server
from tests.dnsmasq import free_udp_and_tcp_port


def test_it_reads_every_txt_record_at_a_name(dns_server):
    dns_server.set_txt("_mosaic-verify.example.org", "mosaic-verify=abc", "v=spf1 -all")

    assert sorted(dns.txt_records("_mosaic-verify.example.org")) == [
        "mosaic-verify=abc",
        "v=spf1 -all",
    ]


def test_it_keeps_commas_inside_one_txt_value(dns_server):
    dns_server.set_txt("example.org", "a,b,c")

    assert dns.txt_records("Example.ORG.") == ["a,b,c"]


def test_it_sees_a_record_changed_after_the_first_lookup(dns_server):
    dns_server.set_txt("_mosaic-verify.example.org", "old")
    assert dns.txt_records("_mosaic-verify.example.org") == ["old"]

    dns_server.set_txt("_mosaic-verify.example.org", "new")

    assert dns.txt_records("_mosaic-verify.example.org") == ["new"]


def test_a_missing_name_is_no_record_with_a_readable_message(dns_server):
    with pytest.raises(NoRecord, match=r"nothing\.example\.org does not exist"):
        dns.txt_records("nothing.example.org")


def test_a_name_without_that_type_is_no_record(dns_server):
    dns_server.set_host("shop.example", "127.0.0.7")

    with pytest.raises(NoRecord, match="has no TXT record"):
        dns.txt_records("shop.example")


def test_it_follows_a_cname_and_reads_addresses(dns_server):
    dns_server.set_host("sites.mosaic.test", "127.0.0.9", "::9")
    dns_server.set_cname("www.shop.example", "sites.mosaic.test")

    assert dns.cname_target("www.shop.example") == "sites.mosaic.test"
    assert dns.cname_target("sites.mosaic.test") is None
    assert sorted(dns.addresses("www.shop.example")) == ["127.0.0.9", "::9"]


def test_a_name_without_addresses_is_no_record(dns_server):
    with pytest.raises(NoRecord):
        dns.addresses("nowhere.example")


@pytest.mark.parametrize("name", ["a..b", "x" * 64 + ".example", ".".join(["abcdefgh"] * 40)])
def test_a_malformed_name_is_refused_without_asking(settings, name):
    settings.DNS_RESOLVERS = ["127.0.0.1:1"]

    with pytest.raises(LookupFailed, match="not a valid DNS name"):
        dns.txt_records(name)


def test_a_server_that_never_answers_is_a_lookup_failure_within_the_timeout(settings):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        settings.DNS_RESOLVERS = [f"127.0.0.1:{silent.getsockname()[1]}"]
        settings.DNS_TIMEOUT = 1

        with pytest.raises(LookupFailed, match=r"did not answer .* in time"):
            dns.txt_records("example.org")


def test_a_closed_port_is_a_lookup_failure(settings):
    settings.DNS_RESOLVERS = [f"127.0.0.1:{free_udp_and_tcp_port()}"]
    settings.DNS_TIMEOUT = 2

    with pytest.raises(LookupFailed):
        dns.txt_records("example.org")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("[::1]:5300", ("::1", 5300)),
        ("::1", ("::1", 53)),
    ],
)
def test_resolver_addresses_are_read_with_their_port(entry, expected):
    assert parse_server(entry) == expected


@pytest.mark.parametrize("entry", ["127.0.0.1:x", "127.0.0.1:0", "[::1]:99999", ":53"])
def test_a_bad_resolver_address_is_a_configuration_error(entry):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DNS_RESOLVERS"):
        parse_server(entry)
