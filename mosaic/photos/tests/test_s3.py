"""The pipeline once against a real S3 API: moto's server on a loopback port."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
from collections.abc import Iterator

import boto3
import httpx
import pytest
from PIL import Image

from mosaic.photos.delivery import guarded_response
from mosaic.photos.exposure import set_exposed
from mosaic.photos.models import Original, Photo
from mosaic.photos.services import delete_photo
from mosaic.photos.tests.images import SERIAL, exif_with_secrets, make_image

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE = "mosaic-public", "mosaic-private"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{PUBLIC}/photos/*",
        }
    ],
}
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # up to ~20 s for the server to answer
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=0.1)
                break
            except httpx.TransportError:
                try:
                    server.wait(timeout=0.1)
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail("moto_server exited at start")
        else:
            pytest.fail("moto_server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    for bucket in (PUBLIC, PRIVATE):
        client.create_bucket(Bucket=bucket)
    # As in production (docs/images.md): anyone may read variants; the private bucket has no
    # policy at all.
    client.put_bucket_policy(Bucket=PUBLIC, Policy=json.dumps(PUBLIC_READ))
    common = {
        "access_key": "test",
        "secret_key": "test",
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "file_overwrite": True,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "photos_public": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": PUBLIC, "querystring_auth": False},
        },
        "photos_private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": PRIVATE,
                "location": "private",
                "default_acl": "private",
            },
        },
        "photos_guarded": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": PRIVATE,
                "location": "guarded",
                "default_acl": "private",
                "querystring_expire": 60,
            },
        },
    }
    yield client
    for bucket in (PUBLIC, PRIVATE):
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)


def keys(client, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_p05_p31_the_pipeline_runs_on_s3_with_only_exposed_copies_public(
    s3, s3_endpoint, add, on_commit, owner
):
    with on_commit():
        photo = add(make_image("JPEG", (900, 600), exif=exif_with_secrets()))
    original = Original.objects.get(pk=photo.original_id)
    variants = sorted(f"{width}.{fmt}" for width in (320, 640, 900) for fmt in ("jpeg", "webp"))

    # Every variant is guarded (private bucket) until a public site shows the photo.
    assert keys(s3, PRIVATE) == sorted(
        [f"private/{original.name}"] + [f"guarded/photos/{original.token}/{v}" for v in variants]
    )
    assert keys(s3, PUBLIC) == []
    assert original.status == Original.Status.READY
    variant = Photo.objects.with_variants().get(pk=photo.pk).fallback()
    assert variant is not None
    assert httpx.get(f"{s3_endpoint}/{PRIVATE}/guarded/{variant.name}").status_code == 403
    handed_out = guarded_response(variant.name, cache_control="private")
    assert handed_out.status_code == 302  # a presigned address, valid briefly
    assert httpx.get(handed_out["Location"]).status_code == 200

    with on_commit():
        set_exposed(owner_id=owner.user.pk, wanted=Photo.objects.filter(pk=photo.pk))
    token = Original.objects.get(pk=original.pk).public_token
    assert keys(s3, PUBLIC) == [f"photos/{token}/{v}" for v in variants]
    variant = Photo.objects.with_variants().get(pk=photo.pk).fallback()
    assert variant is not None
    response = httpx.get(variant.url)
    assert response.status_code == 200
    assert SERIAL.encode() not in response.content
    assert Image.open(io.BytesIO(response.content)).size == (900, 600)
    assert httpx.get(f"{s3_endpoint}/{PRIVATE}/private/{original.name}").status_code == 403

    set_exposed(owner_id=owner.user.pk, wanted=Photo.objects.none())  # offline at once
    assert keys(s3, PUBLIC) == []
    assert httpx.get(variant.url).status_code in (403, 404)

    with on_commit():
        delete_photo(photo=photo)
    assert keys(s3, PUBLIC) == []
    assert keys(s3, PRIVATE) == []


def test_storage_backend_s3_is_configured_from_the_environment():
    env = {
        "PATH": "/usr/bin:/bin",
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "site-photos",
        "AWS_PRIVATE_BUCKET_NAME": "site-originals",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_S3_REGION_NAME": "eu-west-1",
        "MEDIA_PUBLIC_BASE_URL": "https://cdn.example.org/",
    }
    script = "import json, mosaic.settings as s; print(json.dumps(s.STORAGES))"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    storages_setting = json.loads(result.stdout)
    public = storages_setting["photos_public"]["OPTIONS"]
    private = storages_setting["photos_private"]["OPTIONS"]
    assert public["bucket_name"] == "site-photos"
    assert public["custom_domain"] == "cdn.example.org"
    assert public["url_protocol"] == "https:"
    assert public["querystring_auth"] is False
    assert private["bucket_name"] == "site-originals"
    assert private["default_acl"] == "private"
    assert private["endpoint_url"] == "http://127.0.0.1:9"


def test_storage_backend_s3_without_a_bucket_refuses_to_start():
    env = {"PATH": "/usr/bin:/bin", "STORAGE_BACKEND": "s3"}
    result = subprocess.run(
        [sys.executable, "-c", "import mosaic.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr
