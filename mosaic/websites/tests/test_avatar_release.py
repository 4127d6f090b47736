"""A site's uploaded avatar is deleted, files and all, once nothing names it (P05, P07, P08, P20):
not the draft, not any published snapshot, not a post, not a profile (``websites.avatars``).

The files are looked for in the storage folders themselves (private originals, guarded variants,
public copies), not only in the rows.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from PIL import Image

from mosaic.audit.tests.running import audit, line
from mosaic.jobs.registry import registered_jobs
from mosaic.photos.models import Photo
from mosaic.photos.storage import guarded_storage, private_storage, public_storage
from mosaic.privacy.services import erase_account, request_account_deletion
from mosaic.websites import avatars, services
from mosaic.websites.models import Site
from mosaic.websites.privacy import erase_deleted_sites
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db


def png(colour: str) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 48), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def stored() -> set[str]:
    """Every file in the three photo storages, as ``<storage>:<name>``."""
    found = set()
    for label, storage in (
        ("private", private_storage()),
        ("guarded", guarded_storage()),
        ("public", public_storage()),
    ):
        root = Path(storage.path(""))
        found |= {f"{label}:{p.relative_to(root)}" for p in root.rglob("*") if p.is_file()}
    return found


def files_of(photo: Photo) -> set[str]:
    """The photo's files as ``stored`` names them: original, variants and public copies."""
    photo = Photo.objects.with_variants().get(pk=photo.pk)
    files = {f"private:{photo.original.name}"}
    for variant in photo.variants:
        files.add(f"guarded:{variant.name}")
        if variant.public_name:
            files.add(f"public:{variant.public_name}")
    return files


@pytest.fixture
def site(owner, commit):
    with commit():
        return services.create_site(owner=owner.user, slug="olivia", title="Olivia")


def upload(site: Site, colour: str, commit) -> Photo:
    with commit():
        return services.upload_avatar(site=site, source=png(colour), filename=f"{colour}.png")


def publish(site: Site, commit) -> None:
    with commit():
        services.publish(site=Site.objects.get(pk=site.pk))


def test_p07_replaced_site_avatar_is_released(site, commit):
    first = upload(site, "red", commit)
    files = files_of(first)
    assert files <= stored()

    second = upload(site, "blue", commit)

    assert not Photo.objects.filter(pk=first.pk).exists()
    assert not files & stored()
    assert Site.objects.get(pk=site.pk).avatar_id == second.pk
    assert files_of(second) <= stored()


def test_p07_a_removed_site_avatar_is_released(site, commit):
    avatar = upload(site, "red", commit)
    files = files_of(avatar)

    with commit():
        services.choose_avatar(site=site, photo=None)

    assert not Photo.objects.filter(pk=avatar.pk).exists()
    assert not files & stored()


def test_p07_a_published_avatar_stays_until_the_new_build_is_published_then_goes(
    site, commit, client
):
    old = upload(site, "red", commit)
    publish(site, commit)
    files = files_of(old)
    assert any(name.startswith("public:") for name in files)  # a public site shows it

    new = upload(site, "blue", commit)

    assert Photo.objects.filter(pk=old.pk).exists()  # the published site still shows it
    assert files <= stored()
    assert f"/media/{Photo.objects.with_variants().get(pk=old.pk).variants[0].public_name}" in (
        client.get("/olivia/").content.decode()
    )

    publish(site, commit)

    assert not Photo.objects.filter(pk=old.pk).exists()
    assert not files & stored()  # the original, the variants and the public copies
    assert avatars.snapshot_avatar(Site.objects.get(pk=site.pk).published) == new.pk


def test_p07_a_chosen_post_photo_survives_being_replaced_removed_and_published_over(
    owner, site, commit
):
    post = make_post(owner.user, "Me at the sea")
    photo = post.items.get().photo
    assert photo is not None
    with commit():
        services.choose_avatar(site=site, photo=photo)
    publish(site, commit)
    files = files_of(photo)

    upload(site, "blue", commit)
    publish(site, commit)
    with commit():
        services.choose_avatar(site=site, photo=None)
    publish(site, commit)

    assert Photo.objects.filter(pk=photo.pk).exists()
    assert files <= stored()
    assert post.items.get().photo_id == photo.pk


def test_p07_an_avatar_another_site_still_names_stays(owner, site, commit):
    avatar = upload(site, "red", commit)
    with commit():
        other = services.create_site(owner=owner.user, slug="olivia-two", title="Two")
        same = services.upload_avatar(site=other, source=png("red"), filename="red.png")
    assert same.pk == avatar.pk  # the same file is the same photo

    upload(site, "blue", commit)

    assert Photo.objects.filter(pk=avatar.pk).exists()
    assert files_of(avatar) <= stored()


def test_p08_a_deleted_sites_avatar_stays_in_quarantine_and_goes_with_the_erased_site(site, commit):
    avatar = upload(site, "red", commit)
    publish(site, commit)
    with commit():
        services.delete_site(site=site)
    files = files_of(avatar)  # its public copies went offline with the site
    assert files <= stored()

    days = settings.PRIVACY_QUARANTINE_DAYS
    with commit():
        erase_deleted_sites(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=days - 1), False)
    assert Photo.objects.filter(pk=avatar.pk).exists()  # restorable: the avatar is kept
    assert files <= stored()

    with commit():
        erase_deleted_sites(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=days + 1), False)

    assert not Site.objects.filter(pk=site.pk).exists()
    assert not Photo.objects.filter(pk=avatar.pk).exists()
    assert not files & stored()


def test_p08_a_restored_site_has_its_avatar_back(site, commit):
    avatar = upload(site, "red", commit)
    publish(site, commit)
    with commit():
        services.delete_site(site=site)
        assert services.restore_site(site=site)

    assert Site.objects.get(pk=site.pk).avatar_id == avatar.pk
    assert Photo.objects.filter(pk=avatar.pk).exists()


def test_p07_the_upkeep_finds_a_leftover_avatar_and_the_audit_reports_it(site, commit):
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        avatar = upload(site, "red", commit)
    files = files_of(avatar)
    # Left behind the way it was before releases existed: the draft lets go, nobody releases.
    Site.objects.filter(pk=site.pk).update(avatar=None)

    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        text = line(audit()[0], "P07")
        assert text.startswith("P07 BREACH: "), text
        assert "1 photos kept that no post, avatar or site names" in text
        [upkeep] = [job for job in registered_jobs() if job.name == "photos.upkeep"]
        with commit():
            upkeep.task.call()
        assert line(audit()[0], "P07").startswith("P07 ok: ")

    assert not Photo.objects.filter(pk=avatar.pk).exists()
    assert not files & stored()


def test_p07_the_upkeep_leaves_every_named_photo_alone(owner, site, commit):
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        post = make_post(owner.user, "Kept")
        draft = upload(site, "red", commit)
        publish(site, commit)
        published = draft
        draft = upload(site, "blue", commit)  # the red one: named by the snapshot only
    before = stored()

    with time_machine.travel(start + dt.timedelta(days=3), tick=False), commit():
        [upkeep] = [job for job in registered_jobs() if job.name == "photos.upkeep"]
        upkeep.task.call()

    kept = {published.pk, draft.pk, post.items.get().photo_id}
    assert set(Photo.objects.values_list("pk", flat=True)) == kept
    assert stored() == before


def test_p08_an_erased_account_leaves_no_file_of_its_sites_avatars(owner, site, commit):
    old = upload(site, "red", commit)
    publish(site, commit)
    new = upload(site, "blue", commit)  # the red one stays: the published site shows it
    files = files_of(old) | files_of(new)
    with commit():
        request_account_deletion(user=owner.user)
    # In quarantine: offline (no public copy), restorable (the rest kept).
    assert {name for name in files if not name.startswith("public:")} == files & stored()

    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=settings.PRIVACY_QUARANTINE_DAYS + 1)
    with commit():
        assert erase_account(user=owner.user, now=later)

    assert not Photo.objects.exists()
    assert not files & stored()
