"""Organization records as personal data (P20, P08): exported, erased, and the member's own
things never deleted with a membership."""

from __future__ import annotations

import json

import pytest

from mosaic.organizations import powers, rights
from mosaic.organizations.models import AdminAction, Membership
from mosaic.organizations.tests.helpers import claimed_member, totp, verified_organization
from mosaic.privacy.registry import category
from mosaic.privacy.tests.batches import queries_to_erase

pytestmark = pytest.mark.django_db


def test_p20_p24_the_export_holds_the_membership_and_every_action_about_it(owner, dns_server):
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    powers.set_right(
        admin=owner.user, member=member, right=rights.INSTAGRAM, allowed=False, reason="Policy."
    )
    exported = category("organization").export(member)
    json.dumps(exported)  # JSON as it is
    assert exported["membership"]["organization"] == "Example School"
    assert exported["membership"]["restrictions"]["no_instagram"] is True
    assert exported["admin_actions_about_you"][0]["admin"] == "olivia"
    assert exported["admin_actions_about_you"][0]["reason"] == "Policy."
    assert category("organization").export(owner.user)["admin_actions_you_took"][0]["action"] == (
        "restrict"
    )


def test_p08_erasing_a_member_or_an_admin_takes_only_their_records(owner, dns_server):
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    other = claimed_member(organization, username="paul")
    powers.view_member(admin=owner.user, member=member)
    powers.view_member(admin=owner.user, member=other)
    category("organization").erase(member)
    assert not Membership.objects.filter(user=member).exists()
    assert not AdminAction.objects.filter(member=member).exists()
    assert AdminAction.objects.filter(member=other).count() == 1
    category("organization").erase(owner.user)  # the admin: their name goes, the entry stays
    action = AdminAction.objects.get(member=other)
    assert action.admin_name == ""
    assert action.admin is None


def test_p08_p24_erasing_a_batch_takes_each_members_records_and_spares_a_bystanders(
    owner, dns_server, mailed
):
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    first = [claimed_member(organization, username="anna")]
    batch = [claimed_member(organization, username=name) for name in ("boris", "clara")]
    bystander = claimed_member(organization, username="paul")
    for member in (*first, *batch, bystander):
        powers.view_member(admin=owner.user, member=member)

    assert queries_to_erase("organization", batch) == queries_to_erase("organization", first)

    assert list(Membership.objects.values_list("user", flat=True).order_by("user")) == sorted(
        [owner.user.pk, bystander.pk]
    )
    assert list(AdminAction.objects.values_list("member", flat=True)) == [bystander.pk]
    assert AdminAction.objects.get().admin_name == "olivia"

    with mailed():  # the bystander is released by a task after commit (closing)
        category("organization").erase_all([owner.user, *batch])  # the admin in a batch too
    action = AdminAction.objects.get()
    assert (action.member, action.admin, action.admin_name) == (bystander, None, "")
    # The owner had no other admin: the organization went with her account, releasing the
    # bystander (closing.after_owners_leave); the action about him stays his to see (P24).
    assert not Membership.objects.exists()
