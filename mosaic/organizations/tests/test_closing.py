"""An organization ends (C8, P08, P24, P34): its owner's account going into quarantine hands it
on or deletes it at once, and a deletion releases the members in batches in the background,
resumable after a worker dies; the reasons Mosaic writes are shown in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from mosaic.mail.models import Delivery
from mosaic.organizations import closing, powers, tasks
from mosaic.organizations.audit_checks import every_organization_has_an_owner
from mosaic.organizations.models import AdminAction, Domain, Membership, Organization
from mosaic.organizations.tests.helpers import (
    admin_of,
    admins_and_a_member,
    audits_clean,
    claimed_member,
    confirmed,
    role,
    totp,
)
from mosaic.privacy.services import erase_accounts, restore_account
from mosaic.staff.models import AuditEntry
from mosaic.staff.reasons import shown
from mosaic.websites import services as websites
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db

DELETE_ACCOUNT = "/panel/data/delete-account/"


def test_p08_p24_an_owner_deleting_their_account_hands_the_organization_on_at_once(
    school, owner, mailed
):
    anna, boris, paul = admins_and_a_member(school, owner.user)
    client = confirmed(owner.user)

    # Told beforehand what happens, with the two ways to choose herself.
    page = client.get(DELETE_ACCOUNT).content.decode()
    assert "You own Example School" in page
    assert "boris becomes the owner of Example School at once" in page
    assert "Restoring your account later does not give the organization back." in page
    assert 'href="/panel/organization/hand-over/"' in page
    assert 'href="/panel/organization/delete/"' in page

    mail.outbox.clear()
    with mailed():
        response = client.post(DELETE_ACCOUNT, {"username": "olivia"})
    assert response.status_code == 200
    owner.user.refresh_from_db()
    assert owner.user.in_quarantine
    # At the start of the quarantine, not 180 days later: someone answers for it now.
    assert (role(boris), role(owner.user), role(anna), role(paul)) == (
        "owner",
        "admin",
        "admin",
        "member",
    )
    action = AdminAction.objects.get(kind="hand_over")
    assert (action.member, action.admin, action.admin_name) == (boris, None, "")
    to = {message.to[0]: message for message in mail.outbox}
    assert "You are now the owner of Example School" in to["boris@school.example"].subject
    assert "boris is now the owner of Example School" in to["anna@school.example"].subject
    assert "paul@school.example" not in to
    audits_clean()

    # Restoring the account brings her back as an admin; the organization stays Boris's.
    assert restore_account(user=owner.user)
    assert (role(boris), role(owner.user)) == ("owner", "admin")
    assert confirmed(owner.user).get("/panel/organization/hand-over/").status_code == 403


def test_p08_a_quarantined_admin_is_passed_over_and_final_erasure_hands_on_nothing_twice(
    school, owner, mailed
):
    anna = admin_of(school, owner.user, "anna")
    boris = admin_of(school, owner.user, "boris")
    Membership.objects.filter(user=anna).update(claimed_at=timezone.now() - dt.timedelta(days=9))
    totp(anna)
    with mailed():
        from mosaic.privacy.services import request_account_deletion

        request_account_deletion(user=anna)  # the longest-standing admin is leaving herself
        request_account_deletion(user=owner.user)
    assert (role(boris), role(anna), role(owner.user)) == ("owner", "admin", "admin")
    # Nor can an owner hand it to an admin whose account is being deleted.
    totp(boris)
    with pytest.raises(powers.NotAllowed, match="being deleted"):
        powers.hand_over(owner=boris, to=anna, reason="Yours now.")
    page = confirmed(boris).get("/panel/organization/hand-over/").content.decode()
    assert f'value="{anna.pk}"' not in page
    with mailed():
        erase_accounts(users=[owner.user, anna])
    assert role(boris) == "owner"
    assert AdminAction.objects.filter(kind="hand_over").count() == 1
    audits_clean()


def test_p08_an_owner_without_another_admin_is_told_and_the_organization_goes_with_the_request(
    school, owner, mailed
):
    pia = claimed_member(school)
    site = websites.create_site(owner=pia, slug="pia", title="Pia")
    powers.suspend(admin=owner.user, member=pia, reason="Exam answers on the site.")
    client = confirmed(owner.user)
    page = client.get(DELETE_ACCOUNT).content.decode()
    assert "Example School has no other admin, so deleting your account deletes it at once" in page
    assert "its 1 other member is released" in page

    mail.outbox.clear()
    with mailed():
        client.post(DELETE_ACCOUNT, {"username": "olivia"})
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()
    assert not Site.objects.get(pk=site.pk).is_offline()
    closed = [message for message in mail.outbox if message.to == ["pia@school.example"]]
    assert len(closed) == 1
    assert "Example School was deleted" in closed[0].subject
    entry = AuditEntry.objects.get(action="organization.delete")
    assert (entry.actor, entry.reason_text) == (
        None,
        "The owner deleted their account and the organization had no other admin. "
        "Members released: 2.",
    )
    # Restoring the account does not bring the organization back.
    assert restore_account(user=owner.user)
    assert not Organization.objects.exists()
    audits_clean()


def test_c8_p24_a_large_organization_is_deleted_at_once_and_released_in_resumable_batches(
    school, owner, settings, mailed, django_capture_on_commit_callbacks
):
    settings.ORGANIZATIONS_RELEASE_BATCH = 2
    anna = admin_of(school, owner.user, "anna")
    people = [claimed_member(school, username=name) for name in ("pia", "paul", "rita", "sam")]
    site = websites.create_site(owner=people[0], slug="pia", title="Pia")
    powers.suspend(admin=owner.user, member=people[0], reason="Exam answers on the site.")
    totp(anna)
    mail.outbox.clear()

    # The owner's request: nobody is released in it, whatever the size.
    with django_capture_on_commit_callbacks() as queued:
        assert closing.delete_organization(owner=owner.user) == 5
    school.refresh_from_db()
    assert school.closing_at is not None
    assert not Domain.objects.exists()  # nobody new joins
    assert not Membership.objects.filter(user=owner.user).exists()
    assert Membership.objects.filter(organization=school).count() == 5
    assert len(queued) == 1  # the release task, after commit
    # No admin acts on a closing organization; its members see it is going.
    with pytest.raises(powers.NotAllowed):
        powers.lift_suspension(admin=anna, member=people[0], reason="Sorry.")
    anna_client = confirmed(anna)
    assert anna_client.get("/panel/organization/")["Location"] == "/panel/organization/me/"
    assert (
        "Example School is being deleted."
        in anna_client.get("/panel/organization/me/").content.decode()
    )
    assert every_organization_has_an_owner(timezone.now()) == []

    # One batch, then the worker dies before its follow-up task runs.
    with django_capture_on_commit_callbacks(execute=False) as lost:
        assert tasks.release_members.call(school.pk) == 2
    assert any("enqueue" in repr(callback) for callback in lost)
    assert Membership.objects.filter(organization=school).count() == 3
    told = Delivery.objects.filter(template="organizations/email/closed")
    assert told.count() == 2  # written with the batch: a batch done is done whole

    # The job leaves a live chain alone, then queues it again; it finishes the rest once.
    assert closing.resume() == 0
    later = timezone.now() + closing.RESUME_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False), mailed():
        assert closing.resume() == 1
    assert not Organization.objects.filter(pk=school.pk).exists()
    assert not Membership.objects.exists()
    assert told.count() == 5  # each of the five once
    assert sorted(told.values_list("to", flat=True)) == sorted(
        ["anna@school.example", *(f"{person.username}@school.example" for person in people)]
    )
    assert not Site.objects.get(pk=site.pk).is_offline()
    # Run again (a duplicate task): nothing left, nothing sent.
    with mailed():
        assert tasks.release_members.call(school.pk) is None
    assert told.count() == 5
    assert AdminAction.objects.filter(member=people[0], organization=None).count() == 1
    audits_clean()


def test_p24_the_audit_reports_a_deletion_whose_members_are_not_all_released(school, owner):
    claimed_member(school)
    closing.delete_organization(owner=owner.user)  # its task never runs
    assert every_organization_has_an_owner(timezone.now()) == []
    in_two_days = timezone.now() + dt.timedelta(days=2)
    assert every_organization_has_an_owner(in_two_days) == [
        "1 deleted organizations whose members are still not all released"
    ]


def test_p24_reasons_mosaic_writes_are_shown_in_the_readers_language(school, owner, mailed):
    pia = claimed_member(school)
    action = powers.view_member(admin=owner.user, member=pia)
    assert action.reason == "mosaic:organization.viewed"  # a code, not English
    entry = AuditEntry.objects.get(target=action.audit_target)
    assert entry.reason == action.reason
    with translation.override("ru"):
        russian = action.reason_text
        assert entry.reason_text == russian
    assert russian != "Opened the member's page in the organization panel."
    assert action.reason_text == "Opened the member's page in the organization panel."

    client = confirmed(pia)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert russian in client.get("/panel/organization/me/").content.decode()

    with mailed():
        closing.delete_organization(owner=owner.user)
    deleted = AuditEntry.objects.get(action="organization.delete")
    assert deleted.reason == "mosaic:organization.deleted_by_owner?count=2"
    with translation.override("ru"):
        assert "2" in deleted.reason_text
        assert "owner" not in deleted.reason_text
    # What a person typed, and anything stored before codes existed, is shown as it is.
    assert shown("The owner deleted the organization. Memberships ended: 4.") == (
        "The owner deleted the organization. Memberships ended: 4."
    )
    assert shown("mosaic:no.such.code") == "mosaic:no.such.code"


def test_p24_a_typed_reason_cannot_pass_for_one_mosaic_wrote(school, owner):
    pia = claimed_member(school)
    client = confirmed(owner.user)
    response = client.post(
        f"/panel/organization/members/{pia.pk}/act/",
        {"action": "suspend", "reason": "mosaic:organization.passed_on"},
    )
    assert response.status_code == 400
    assert "Start the reason with something other than" in response.content.decode()
    with pytest.raises(ValueError, match="pass for one Mosaic wrote"):
        powers.suspend(admin=owner.user, member=pia, reason="Mosaic:organization.viewed")
    assert not AdminAction.objects.exclude(kind="view").exists()
