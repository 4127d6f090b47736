from __future__ import annotations

import datetime as dt
import io
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mosaic.lib.safe_http import (
    FetchError,
    FetchPolicy,
    TooLarge,
    UnsafeURL,
    _default_tls_context,
    fetch,
)

pytestmark = pytest.mark.django_db  # the shared autouse fixture clears the database cache

BODY = b"\xff\xd8\xff" + b"photo" * 100


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/photo.jpg":
            self.reply(200, BODY, {"Content-Type": "image/jpeg"})
        elif url.path == "/host":
            self.reply(200, self.headers["Host"].encode())
        elif url.path == "/redirect":
            self.reply(302, b"", {"Location": query["to"]})
        elif url.path == "/loop":
            self.reply(302, b"", {"Location": "/loop"})
        elif url.path == "/big":
            self.reply(200, b"x" * 5000)
        elif url.path == "/big-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"3e8\r\n" + b"y" * 1000 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.reply(404, b"missing")

    def reply(self, status, body, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(server: ThreadingHTTPServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def origin() -> Iterator[str]:
    """host:port of a real HTTP server on loopback."""
    yield from serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))


def relaxed(*hosts: str, **kwargs) -> FetchPolicy:
    """The development policy: http and loopback allowed, for these hosts only."""
    return FetchPolicy(allowed_hosts=hosts, allow_insecure=True, **kwargs)


def strict(*hosts: str, **kwargs) -> FetchPolicy:
    return FetchPolicy(allowed_hosts=hosts, **kwargs)


def test_it_streams_an_allowed_media_url_into_a_file(origin):
    into = io.BytesIO()
    result = fetch(f"http://{origin}/photo.jpg", policy=relaxed("127.0.0.1"), into=into)
    assert into.getvalue() == BODY
    assert result.size == len(BODY)
    assert result.content_type == "image/jpeg"


def test_it_refuses_plain_http_in_production_mode(origin):
    with pytest.raises(UnsafeURL, match="plain http"):
        fetch(f"http://{origin}/photo.jpg", policy=strict("127.0.0.1"), into=io.BytesIO())


def test_it_refuses_and_logs_a_host_not_on_the_allow_list(origin, caplog):
    with pytest.raises(UnsafeURL, match="not on the allow-list"):
        fetch(f"http://{origin}/photo.jpg", policy=relaxed("cdninstagram.com"), into=io.BytesIO())
    assert "refused to fetch media from host '127.0.0.1'" in caplog.text


def test_the_allow_list_matches_subdomains_but_not_lookalikes():
    policy = strict("cdninstagram.com")
    assert policy.host_allowed("scontent-ams2-1.cdninstagram.com")
    assert policy.host_allowed("cdninstagram.com")
    assert not policy.host_allowed("evilcdninstagram.com")
    assert not policy.host_allowed("cdninstagram.com.evil.example")


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.1.1", "[::1]", "[fd00::1]"]
)
def test_it_refuses_a_media_url_to_a_private_address(address):
    host = address.strip("[]")
    with pytest.raises(UnsafeURL, match="non-public address"):
        fetch(f"https://{address}/photo.jpg", policy=strict(host), into=io.BytesIO())


def test_it_refuses_an_allowed_name_that_resolves_to_a_private_address():
    def rebinding(host, port):
        return ["93.184.216.34", "127.0.0.1"]

    policy = strict("scontent.cdninstagram.com", resolver=rebinding)
    with pytest.raises(UnsafeURL, match="non-public address"):
        fetch("https://scontent.cdninstagram.com/x.jpg", policy=policy, into=io.BytesIO())


def test_it_connects_to_the_address_it_checked_and_sends_the_name_as_host(origin):
    port = origin.split(":")[1]
    # "media.test" exists in no DNS: the fetch can only work by connecting to the checked address.
    policy = relaxed("media.test", resolver=lambda host, port: ["127.0.0.1"])
    into = io.BytesIO()
    fetch(f"http://media.test:{port}/host", policy=policy, into=into)
    assert into.getvalue() == f"media.test:{port}".encode()


def test_it_follows_a_redirect_within_the_allow_list(origin):
    into = io.BytesIO()
    url = f"http://{origin}/redirect?to=/photo.jpg"
    result = fetch(url, policy=relaxed("127.0.0.1"), into=into)
    assert into.getvalue() == BODY
    assert result.final_url == f"http://{origin}/photo.jpg"


def test_it_refuses_a_redirect_to_another_host(origin):
    port = origin.split(":")[1]
    url = f"http://{origin}/redirect?to=http://localhost:{port}/photo.jpg"
    into = io.BytesIO()
    with pytest.raises(UnsafeURL, match="'localhost' is not on the allow-list"):
        fetch(url, policy=relaxed("127.0.0.1"), into=into)
    assert into.getvalue() == b""


def test_it_refuses_a_redirect_to_another_scheme(origin):
    url = f"http://{origin}/redirect?to=file:///etc/passwd"
    with pytest.raises(UnsafeURL, match="only https"):
        fetch(url, policy=relaxed("127.0.0.1"), into=io.BytesIO())


def test_it_stops_after_too_many_redirects(origin):
    with pytest.raises(UnsafeURL, match="more than 3 redirects"):
        fetch(f"http://{origin}/loop", policy=relaxed("127.0.0.1"), into=io.BytesIO())


def test_it_refuses_an_oversize_file_announced_by_its_length(origin):
    into = io.BytesIO()
    with pytest.raises(TooLarge, match="5000 bytes"):
        fetch(f"http://{origin}/big", policy=relaxed("127.0.0.1", max_bytes=4000), into=into)
    assert into.getvalue() == b""


def test_it_refuses_an_oversize_file_while_streaming_it(origin):
    into = io.BytesIO()
    url = f"http://{origin}/big-chunked"
    with pytest.raises(TooLarge, match="bigger than the limit of 4000"):
        fetch(url, policy=relaxed("127.0.0.1", max_bytes=4000), into=into)
    assert len(into.getvalue()) <= 4000


def test_a_missing_file_is_a_clear_error(origin):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"http://{origin}/gone.jpg", policy=relaxed("127.0.0.1"), into=io.BytesIO())


# --- https: the pinned connection still verifies the certificate for the host name ----------


def certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_origin(tmp_path) -> Iterator[tuple[str, Path]]:
    """A real HTTPS server on loopback whose certificate names media.test; yields (port, cert)."""
    cert_path, key_path = certificate(tmp_path, "media.test")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for address in serve(server):
        yield address.split(":")[1], cert_path


def test_it_verifies_the_certificate_for_the_name_while_connecting_to_the_address(tls_origin):
    port, cert_path = tls_origin
    trust = ssl.create_default_context(cafile=str(cert_path))
    policy = relaxed("media.test", resolver=lambda host, port: ["127.0.0.1"], tls_context=trust)
    into = io.BytesIO()
    fetch(f"https://media.test:{port}/photo.jpg", policy=policy, into=into)
    assert into.getvalue() == BODY


def test_it_refuses_a_certificate_for_another_name(tls_origin, tmp_path):
    port, _cert_path = tls_origin
    other_cert, _key = certificate(tmp_path, "other.test")
    trust = ssl.create_default_context(cafile=str(other_cert))
    policy = relaxed("media.test", resolver=lambda host, port: ["127.0.0.1"], tls_context=trust)
    with pytest.raises(FetchError, match="ConnectError"):
        fetch(f"https://media.test:{port}/photo.jpg", policy=policy, into=io.BytesIO())


def test_by_default_it_trusts_only_the_public_roots_every_time(tls_origin):
    """The default verification is built once and shared by every fetch: each fetch still
    refuses a certificate no public root signed, and it is the same context each time."""
    port, _cert_path = tls_origin
    policy = relaxed("media.test", resolver=lambda host, port: ["127.0.0.1"])
    for _ in range(2):
        with pytest.raises(FetchError, match="ConnectError"):
            fetch(f"https://media.test:{port}/photo.jpg", policy=policy, into=io.BytesIO())
    assert _default_tls_context() is _default_tls_context()
    assert _default_tls_context().verify_mode == ssl.CERT_REQUIRED
