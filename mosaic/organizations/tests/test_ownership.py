"""The owner hands the organization over or deletes it (C8, P24, P32, P34), and an owner's
erased account never leaves an organization ownerless (P08)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from mosaic.audit.registry import checks
from mosaic.organizations import closing, powers, rights, services
from mosaic.organizations.audit_checks import (
    every_organization_has_an_owner,
)
from mosaic.organizations.models import AdminAction, Domain, Membership, Organization
from mosaic.organizations.tests.helpers import (
    admin_of,
    admins_and_a_member,
    audits_clean,
    claimed_member,
    confirmed,
    role,
    totp,
    verified_organization,
    waiting_member,
)
from mosaic.privacy.services import erase_accounts
from mosaic.staff.models import AuditEntry
from mosaic.websites import services as websites
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db

HAND_OVER = "/panel/organization/hand-over/"
DELETE = "/panel/organization/delete/"


def test_p24_the_owner_hands_the_organization_over_to_an_admin_who_is_told(school, owner, mailed):
    pia = admin_of(school, owner.user, "pia")
    paul = claimed_member(school, username="paul")
    client = confirmed(owner.user)
    page = client.get(HAND_OVER).content.decode()
    assert f'<option value="{pia.pk}">pia</option>' in page
    assert f'value="{paul.pk}"' not in page  # a member, not an admin

    # Step 1 only shows what will happen.
    response = client.post(HAND_OVER, {"to": pia.pk, "reason": "I am leaving the school."})
    assert response.status_code == 200
    assert "Make pia the owner?" in response.content.decode()
    assert (role(owner.user), role(pia)) == ("owner", "admin")
    assert not AdminAction.objects.filter(kind="hand_over").exists()

    mail.outbox.clear()
    with mailed():
        response = client.post(
            HAND_OVER, {"to": pia.pk, "reason": "I am leaving the school.", "confirm": "yes"}
        )
    assert response.status_code == 302
    assert (role(owner.user), role(pia)) == ("admin", "owner")
    action = AdminAction.objects.get(kind="hand_over")
    assert (action.admin, action.member, action.organization_name) == (
        owner.user,
        pia,
        "Example School",
    )
    entry = AuditEntry.objects.get(target=action.audit_target)
    assert (entry.action, entry.subject, entry.actor_name) == (
        "organization.hand_over",
        pia,
        "olivia",
    )
    assert [message.to for message in mail.outbox] == [
        ["pia@school.example"],
        ["olivia@example.com"],
    ]
    assert "You are now the owner of Example School" in mail.outbox[0].subject
    assert "I am leaving the school." in mail.outbox[0].body
    assert "/panel/organization/" in mail.outbox[0].body
    # The old owner's receipt: what she did, and an alarm if it was not her.
    receipt = mail.outbox[1]
    assert "You handed Example School over to pia" in receipt.subject
    assert "pia is now its owner, and you are one of its admins." in receipt.body
    assert "I am leaving the school." in receipt.body
    assert "If you did not do this, change your password" in receipt.body
    mine = confirmed(pia).get("/panel/organization/me/").content.decode()
    assert "handed the organization over to this account" in mine
    # The old owner is an admin now: the owner's pages are closed to them.
    assert client.get(HAND_OVER).status_code == 403
    audits_clean()


def test_p24_the_old_owner_gets_a_receipt_in_the_language_they_handed_over_in(
    school, owner, mailed
):
    pia = admin_of(school, owner.user, "pia")
    client = confirmed(owner.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    mail.outbox.clear()
    with mailed():
        response = client.post(
            HAND_OVER, {"to": pia.pk, "reason": "Ухожу из школы.", "confirm": "yes"}
        )
    assert response.status_code == 302
    receipt = next(message for message in mail.outbox if message.to == [owner.user.email])
    assert receipt.subject.endswith("Вы передали Example School пользователю pia")
    assert "Ухожу из школы." in receipt.body
    assert "Если это были не вы" in receipt.body
    assert "/panel/organization/" in receipt.body


def test_only_the_owner_hands_over_or_deletes_admins_and_members_are_refused(school, owner):
    pia = admin_of(school, owner.user, "pia")
    totp(pia)
    paul = claimed_member(school, username="paul")
    for person in (pia, paul):
        client = confirmed(person)
        for response in (
            client.get(HAND_OVER),
            client.post(HAND_OVER, {"to": pia.pk, "reason": "Mine now.", "confirm": "yes"}),
            client.get(DELETE),
            client.post(DELETE, {"name": "Example School"}),
        ):
            assert response.status_code == 403
            assert "Only the organization's owner can hand it over or delete it" in (
                response.content.decode()
            )
    with pytest.raises(powers.NotAllowed):
        powers.hand_over(owner=pia, to=owner.user, reason="Mine now.")
    with pytest.raises(powers.NotAllowed):
        closing.delete_organization(owner=pia)
    assert (role(owner.user), role(pia), role(paul)) == ("owner", "admin", "member")
    assert Organization.objects.filter(pk=school.pk).exists()
    assert not AdminAction.objects.filter(kind="hand_over").exists()
    assert not AuditEntry.objects.filter(action="organization.delete").exists()


def test_p32_hand_over_and_delete_need_a_recent_password_and_a_second_factor(owner, dns_server):
    organization, _domain = verified_organization(dns_server, owner.user)
    pia = claimed_member(organization)
    Membership.objects.filter(user=pia).update(role="admin")
    for url in (HAND_OVER, DELETE):
        response = owner.client.get(url)  # signed in long ago: confirm first
        assert response.status_code == 302
        assert "/accounts/reauthenticate/" in response["Location"]
    client = confirmed(owner.user)
    for url in (HAND_OVER, DELETE):
        response = client.get(url)
        assert response.status_code == 403
        assert "second factor" in response.content.decode()
    response = client.post(HAND_OVER, {"to": pia.pk, "reason": "Leaving.", "confirm": "yes"})
    assert response.status_code == 403
    with pytest.raises(powers.NotAllowed):
        powers.hand_over(owner=owner.user, to=pia, reason="Leaving.")
    with pytest.raises(powers.NotAllowed):
        closing.delete_organization(owner=owner.user)
    assert role(owner.user) == "owner"
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_a_hand_over_to_anyone_but_a_claimed_admin_or_without_a_reason_writes_nothing(
    school, owner, other_owner, dns_server
):
    pia = admin_of(school, owner.user, "pia")
    paul = claimed_member(school, username="paul")
    waiting = waiting_member("nina")
    Membership.objects.filter(user=waiting).update(role="admin")
    client = confirmed(owner.user)
    mail.outbox.clear()
    for data in (
        {"to": paul.pk, "reason": "x"},  # a member
        {"to": waiting.pk, "reason": "x"},  # not claimed yet
        {"to": owner.user.pk, "reason": "x"},  # herself
        {"to": other_owner.user.pk, "reason": "x"},  # not in the organization
        {"to": "", "reason": "x"},
        {"to": "pia", "reason": "x"},
        {"to": pia.pk, "reason": "   "},
        {"to": pia.pk, "reason": "x" * 1001},
    ):
        for confirm in ("", "yes"):
            response = client.post(HAND_OVER, {**data, "confirm": confirm})
            assert response.status_code == 400, data
    page = client.post(HAND_OVER, {"to": pia.pk, "reason": " "}).content.decode()
    assert "Say why: the new owner reads it." in page
    for target in (paul, waiting, owner.user, other_owner.user):
        with pytest.raises(powers.NotAllowed):
            powers.hand_over(owner=owner.user, to=target, reason="x")
    with pytest.raises(ValueError, match="stated reason"):
        powers.hand_over(owner=owner.user, to=pia, reason=" ")
    assert (role(owner.user), role(pia), role(paul)) == ("owner", "admin", "member")
    assert not AdminAction.objects.filter(kind="hand_over").exists()
    assert not AuditEntry.objects.filter(action="organization.hand_over").exists()
    assert mail.outbox == []


def test_p24_p34_deleting_the_organization_releases_every_member_and_keeps_only_the_ledger(
    school, owner, mailed
):
    services.add_domain(organization=school, name="staff.school.example")  # still pending
    pia = claimed_member(school)
    site = websites.create_site(owner=pia, slug="pia", title="Pia")
    powers.set_right(
        admin=owner.user, member=pia, right=rights.DELETING, allowed=False, reason="Exams."
    )
    powers.suspend(admin=owner.user, member=pia, reason="Exam answers on the site.")
    assert Site.objects.get(pk=site.pk).is_offline()
    paul = claimed_member(school, username="paul")
    powers.block(admin=owner.user, member=paul, reason="Left the school.")
    waiting_member("nina")  # in her notice period: released and told too
    kept = set(AdminAction.objects.values_list("pk", flat=True))
    client = confirmed(owner.user)
    page = client.get(DELETE).content.decode()
    assert "3 other accounts stop being members" in page
    assert "school.example, staff.school.example" in page

    # The wrong name is refused and changes nothing.
    mail.outbox.clear()
    for name in ("example school", "", "Example"):
        response = client.post(DELETE, {"name": name})
        assert response.status_code == 400
    assert "That is not the organization&#x27;s name." in response.content.decode()
    assert Membership.objects.count() == 4
    assert Domain.objects.count() == 2
    assert mail.outbox == []

    with mailed():
        response = client.post(DELETE, {"name": " Example School "})
    assert response.status_code == 302
    assert not Organization.objects.exists()
    assert not Domain.objects.exists()
    assert not Membership.objects.exists()  # the owner's own too
    # Released: the suspended site is back, the restriction and the block are gone.
    assert not Site.objects.get(pk=site.pk).is_offline()
    assert rights.restriction(pia, rights.DELETING) == ""
    assert sorted(message.to[0] for message in mail.outbox) == [
        "nina@school.example",
        "paul@school.example",
        "pia@school.example",
    ]
    assert all("Example School was deleted" in message.subject for message in mail.outbox)
    # The ledger stays (P24), each entry until its own period ends (P34).
    assert set(AdminAction.objects.values_list("pk", flat=True)) == kept
    assert set(AdminAction.objects.values_list("organization", "organization_name")) == {
        (None, "Example School")
    }
    for action in AdminAction.objects.all():
        assert AuditEntry.objects.filter(target=action.audit_target).exists()
    entry = AuditEntry.objects.get(action="organization.delete")
    assert (entry.actor, entry.subject, entry.target) == (
        owner.user,
        None,
        f"organization:{school.pk}",
    )
    assert entry.reason_text == "The owner deleted the organization. Members released: 4."
    mine = confirmed(pia).get("/panel/organization/me/").content.decode()
    assert "not in an organization" in mine
    assert "Exam answers on the site." in mine
    assert "Example School (deleted since)" in mine
    audits_clean()
    page = client.get("/panel/organization/", follow=True).content.decode()
    assert "Organization name" in page  # she may start a new one


def test_p08_p24_erasing_the_owner_passes_the_organization_to_the_longest_standing_admin(
    school, owner, mailed
):
    anna, boris, paul = admins_and_a_member(school, owner.user)
    mail.outbox.clear()
    with mailed():
        assert erase_accounts(users=[owner.user])[0] == 1
    assert (role(boris), role(anna), role(paul)) == ("owner", "admin", "member")
    action = AdminAction.objects.get(kind="hand_over")
    assert (action.member, action.admin, action.admin_name) == (boris, None, "")
    assert not AdminAction.objects.filter(admin_name="olivia").exists()
    assert not AuditEntry.objects.filter(actor_name="olivia").exists()
    assert [message.to for message in mail.outbox] == [
        ["boris@school.example"],
        ["anna@school.example"],  # the other admin learns who answers for it now
    ]
    assert "You are now the owner of Example School" in mail.outbox[0].subject
    assert "owner of Example School deleted their account" in mail.outbox[0].body
    assert "boris is now the owner of Example School" in mail.outbox[1].subject
    assert Domain.objects.filter(organization=school).exists()
    audits_clean()


def test_p08_erasing_the_owner_and_the_only_admin_together_deletes_the_organization(
    school, owner, mailed
):
    anna = admin_of(school, owner.user, "anna")
    pia = claimed_member(school)
    site = websites.create_site(owner=pia, slug="pia", title="Pia")
    powers.suspend(admin=owner.user, member=pia, reason="Exam answers on the site.")
    mail.outbox.clear()
    with mailed():
        assert erase_accounts(users=[owner.user, anna])[0] == 2
    assert not Organization.objects.exists()
    assert not Domain.objects.exists()
    assert not Membership.objects.exists()
    assert not Site.objects.get(pk=site.pk).is_offline()
    assert [message.to for message in mail.outbox] == [["pia@school.example"]]  # not the erased
    entry = AuditEntry.objects.get(action="organization.delete")
    assert (entry.actor, entry.actor_name) == (None, "")
    assert AdminAction.objects.get(kind="suspend").member == pia  # hers to see, P24
    audits_clean()


def test_p24_the_audit_reports_an_organization_without_an_owner(school, owner):
    assert any(check.name.endswith("every_organization_has_an_owner") for check in checks())
    audits_clean()
    Membership.objects.filter(user=owner.user).update(role="admin")
    assert every_organization_has_an_owner(timezone.now()) == ["1 organizations without an owner"]
