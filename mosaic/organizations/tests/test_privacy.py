"""Organization records as personal data (P20, P08): exported, erased, and the member's own
things never deleted with a membership."""

from __future__ import annotations

import json

import pytest

from mosaic.organizations import powers, rights
from mosaic.organizations.models import AdminAction, Membership
from mosaic.organizations.tests.helpers import claimed_member, totp, verified_organization
from mosaic.privacy.registry import category

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
