"""What others see of a person (P22): display name, initials, avatar; all optional (P28)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mosaic.accounts.models import User
from mosaic.profiles.identity import PublicIdentity, initials, public_identities, public_identity
from mosaic.profiles.models import Profile

pytestmark = pytest.mark.django_db


def test_p28_without_a_profile_the_username_and_its_initial_show(owner):
    identity = public_identity(owner.user)

    assert identity == PublicIdentity(
        display_name=owner.user.username, initials=owner.user.username[0].upper(), avatar_src=None
    )


def test_p22_the_display_name_shows_when_set(owner):
    owner.user.display_name = "Olivia Marsh"
    owner.user.save(update_fields=["display_name"])

    identity = public_identity(owner.user)

    assert (identity.display_name, identity.initials) == ("Olivia Marsh", "OM")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("olivia", "O"),
        ("Olivia Marsh", "OM"),
        ("olivia de la marsh", "OM"),
        ("Ольга Петрова", "ОП"),
        ("ёжик в тумане", "ЁТ"),
        ("🌸 Anna 🌸", "A"),
        ("🌸🌸", ""),
        ("", ""),
        ("   ", ""),
        ("Émile Zola", "ÉZ"),
        ("E\u0301mile", "É"),  # decomposed accent: one letter, composed
        ("straße", "S"),
        ("42 Ivan", "I"),
        ("Ǉubljana", "Ǉ"),
    ],
)
def test_initials_are_up_to_two_letters_of_any_script(name, expected):
    assert initials(name) == expected


def test_p28_a_name_without_letters_takes_its_initials_from_the_username(owner):
    owner.user.display_name = "🌸🌸"
    owner.user.save(update_fields=["display_name"])

    identity = public_identity(owner.user)

    assert identity.display_name == "🌸🌸"
    assert identity.initials == owner.user.username[0].upper()


def test_p22_public_identities_reads_any_number_of_people_in_one_query(owner, other_owner):
    owner.user.display_name = "Olivia"
    owner.user.save(update_fields=["display_name"])
    Profile.objects.create(user=other_owner.user, avatar_thumbnail=b"stale, no avatar")
    many = [User.objects.create(username=f"person{n}").pk for n in range(30)]

    with CaptureQueriesContext(connection) as queries:
        found = public_identities([owner.user.pk, other_owner.user.pk, *many, 999_999])

    assert len(queries) == 1
    assert set(found) == {owner.user.pk, other_owner.user.pk, *many}
    assert found[owner.user.pk] == public_identity(owner.user)
    assert found[owner.user.pk].display_name == "Olivia"
    assert found[other_owner.user.pk].avatar_src is None  # a thumbnail without an avatar
    assert found[many[3]].display_name == "person3"
    assert public_identities([]) == {}
