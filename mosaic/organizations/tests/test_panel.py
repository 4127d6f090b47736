"""The organization pages (interface) and the restrictions where they bite (C8, P24, P32)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import make_user
from mosaic.integrations.instagram import services as instagram
from mosaic.organizations import powers, rights
from mosaic.organizations.models import AdminAction, Domain, Membership, Organization
from mosaic.organizations.tests.helpers import (
    claimed_member,
    confirmed,
    totp,
    verified_organization,
)
from mosaic.posts.models import Post
from mosaic.privacy.services import request_account_deletion
from mosaic.websites import services as websites
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db


def test_an_owner_creates_an_organization_and_verifies_its_domain(owner, dns_server):
    response = owner.client.post(
        "/panel/organization/", {"name": "Example School", "domain": "gmail.com"}
    )
    assert response.status_code == 400
    assert "webmail" in response.content.decode()
    assert not Organization.objects.exists()
    response = owner.client.post(
        "/panel/organization/", {"name": "Example School", "domain": "School.Example"}
    )
    assert response.status_code == 302
    domain = Domain.objects.get()
    page = owner.client.get("/panel/organization/").content.decode()
    assert domain.record_name in page
    assert domain.record_value in page
    check = f"/panel/organization/domains/{domain.pk}/check/"
    owner.client.post(check)
    domain.refresh_from_db()
    assert domain.status == Domain.Status.PENDING
    dns_server.set_txt(domain.record_name, domain.record_value)
    owner.client.post(check)
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED


def test_strangers_and_members_cannot_reach_the_admin_pages(owner, other_owner, dns_server):
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    stranger = confirmed(other_owner.user)
    assert stranger.get(f"/panel/organization/members/{member.pk}/").status_code == 404
    assert (
        stranger.post(
            f"/panel/organization/members/{member.pk}/act/",
            {"action": "suspend", "reason": "x"},
        ).status_code
        == 404
    )
    as_member = confirmed(member)
    assert as_member.get("/panel/organization/").status_code == 302  # to "Your organization"
    assert as_member.get(f"/panel/organization/members/{owner.user.pk}/").status_code == 404
    assert not AdminAction.objects.exists()


def test_p32_admin_actions_need_a_recent_password_and_a_second_factor(owner, dns_server):
    organization, _domain = verified_organization(dns_server, owner.user)
    member = claimed_member(organization)
    url = f"/panel/organization/members/{member.pk}/"
    response = owner.client.get(url)  # signed in long ago: confirm first
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    client = confirmed(owner.user)
    response = client.get(url)
    assert response.status_code == 403
    assert "second factor" in response.content.decode()
    totp(owner.user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "pia@school.example" in page
    member.refresh_from_db()
    assert member.password not in page  # not even the hash
    assert "argon2" not in page
    assert AdminAction.objects.get().kind == "view"


def test_p24_an_action_through_the_panel_is_emailed_and_listed_for_the_member(
    owner, dns_server, mailed
):
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    client = confirmed(owner.user)
    url = f"/panel/organization/members/{member.pk}/act/"
    response = client.post(url, {"action": "restrict", "right": "", "reason": "x"})
    assert response.status_code == 400  # which right?
    response = client.post(url, {"action": "suspend", "reason": " "})
    assert response.status_code == 400
    mail.outbox.clear()
    with mailed():
        response = client.post(
            url, {"action": "restrict", "right": rights.DELETING, "reason": "Keep the coursework."}
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["pia@school.example"]]
    page = confirmed(member).get("/panel/organization/me/").content.decode()
    assert "Keep the coursework." in page
    assert "olivia" in page
    assert "Delete content" in page  # restricted now, and listed among the powers
    assert "cannot read your password" in page


def test_a_forbidden_deletion_is_refused_in_every_path_and_explained(owner, dns_server):
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    site = websites.create_site(owner=member, slug="pia", title="Pia")
    post = Post.objects.create(owner=member, caption="Coursework", taken_at="2026-01-01T00:00Z")
    powers.set_right(
        admin=owner.user, member=member, right=rights.DELETING, allowed=False, reason="Exams."
    )
    client = confirmed(member)
    edit = client.get(f"/panel/sites/{site.pk}/").content.decode()
    assert "does not allow its members to delete" in edit
    assert 'disabled aria-describedby="delete-why"' in edit
    response = client.post(f"/panel/sites/{site.pk}/delete/", {"slug": "pia"})
    assert response.status_code == 403
    assert "Example School" in response.content.decode()
    response = client.post(f"/panel/sites/{site.pk}/posts/{post.pk}/remove/")
    assert response.status_code == 403
    response = client.post("/panel/data/delete-account/", {"username": "pia"})
    assert response.status_code == 403
    # the services every other path (commands, tasks) goes through
    with pytest.raises(rights.Restricted):
        websites.delete_site(site=site)
    with pytest.raises(rights.Restricted):
        websites.remove_post(post=post)
    with pytest.raises(rights.Restricted):
        request_account_deletion(user=member)
    assert Site.objects.get(pk=site.pk).deleted_at is None
    assert Post.objects.filter(pk=post.pk).exists()
    member.refresh_from_db()
    assert member.scheduled_deletion_at is None


def test_privacy_settings_and_instagram_restrictions_bite(owner, dns_server, settings):
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    site = websites.create_site(owner=member, slug="pia", title="Pia")
    for right in (rights.PRIVACY_CHANGES, rights.INSTAGRAM):
        powers.set_right(admin=owner.user, member=member, right=right, allowed=False, reason="R.")
    with pytest.raises(rights.Restricted):
        websites.update_settings(
            site=site, slug="pia", visibility="private", hide_from_search=site.hide_from_search
        )
    websites.update_settings(  # the address is no privacy setting
        site=site, slug="pia-b", visibility=site.visibility, hide_from_search=site.hide_from_search
    )
    assert Site.objects.get(pk=site.pk).slug == "pia-b"
    client = confirmed(member)
    page = client.get(f"/panel/sites/{site.pk}/").content.decode()
    assert "does not allow its members to change privacy settings" in page
    radios = re.findall(r'<input type="radio" name="visibility"[^>]*>', page)
    assert radios
    assert all("disabled" in radio for radio in radios)
    response = client.post(  # the disabled fields keep their values; the address still changes
        f"/panel/sites/{site.pk}/settings/",
        {"slug": "pia-c", "visibility": "private", "hide_from_search": "on"},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.slug, site.visibility, site.hide_from_search) == ("pia-c", "public", False)
    page = client.get("/panel/instagram/").content.decode()
    assert "does not allow its members to connect an Instagram account" in page
    with pytest.raises(rights.Restricted):
        instagram.complete_authorization(user=member, session=client.session, code="c", state="s")


def test_a_member_without_an_organization_sees_what_membership_would_mean(db):
    person = make_user("paul", email="paul@home.example")
    client = Client()
    client.force_login(person)
    page = client.get("/panel/organization/me/").content.decode()
    assert "not in an organization" in page
    assert not Membership.objects.exists()


def test_accounts_in_their_notice_period_are_only_counted_for_the_admins(owner, dns_server):
    make_user("pia", email="pia@school.example")  # existed before: a notice period
    verified_organization(dns_server, owner.user)
    assert Membership.objects.get(user__username="pia").claimed_at is None
    page = owner.client.get("/panel/organization/").content.decode()
    assert "pia" not in page
    assert "1 more account is in its notice period" in page


def test_a_taken_domain_leaves_no_half_made_organization(owner, other_owner, dns_server):
    verified_organization(dns_server, other_owner.user)
    response = owner.client.post(
        "/panel/organization/", {"name": "Copycat", "domain": "school.example"}
    )
    assert response.status_code == 400
    assert "already belongs" in response.content.decode()
    assert not Organization.objects.filter(name="Copycat").exists()
    assert not Membership.objects.filter(user=owner.user).exists()


def test_bad_and_foreign_input_is_refused_and_changes_nothing(owner, other_owner, dns_server):
    organization, domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    rival = confirmed(other_owner.user)
    other_owner.client.post("/panel/organization/", {"name": "Rival", "domain": "rival.example"})
    # another organization's domain and member are not there for the rival's admin
    assert rival.post(f"/panel/organization/domains/{domain.pk}/check/").status_code == 404
    assert rival.get(f"/panel/organization/members/{member.pk}/").status_code == 404
    # a member cannot add a domain to their organization
    as_member = confirmed(member)
    assert (
        as_member.post("/panel/organization/domains/", {"domain": "x.example"}).status_code == 404
    )
    client = confirmed(owner.user)
    url = f"/panel/organization/members/{member.pk}/act/"
    for data in (
        {"action": "sign_in_as", "reason": "x"},
        {"action": "restrict", "right": "read_passwords", "reason": "x"},
        {"action": "suspend", "reason": "x" * 1001},
    ):
        assert client.post(url, data).status_code == 400
    assert client.get(url).status_code == 405
    assert (
        client.post(
            f"/panel/organization/members/{owner.user.pk}/act/",
            {"action": "suspend", "reason": "myself"},
        ).status_code
        == 302
    )  # refused with a message: an admin never acts on themselves
    assert not Membership.objects.filter(suspended_at__isnull=False).exists()
    assert not AdminAction.objects.exclude(kind="view").exists()
    response = client.post("/panel/organization/domains/", {"domain": "co.uk"}, follow=True)
    assert "public suffix" in response.content.decode()
    assert not Domain.objects.filter(name="co.uk").exists()


def test_an_owner_removes_a_domain_and_the_memberships_through_it_end(owner, dns_server, mailed):
    organization, domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    member = claimed_member(organization)
    Membership.objects.filter(user=member).update(role="admin")
    as_admin = confirmed(member)
    as_admin.post(f"/panel/organization/domains/{domain.pk}/remove/")
    assert Domain.objects.filter(pk=domain.pk).exists()  # admins are not owners
    page = owner.client.get("/panel/organization/").content.decode()
    assert "Remove school.example" in page
    with mailed():
        owner.client.post(f"/panel/organization/domains/{domain.pk}/remove/")
    assert not Domain.objects.filter(pk=domain.pk).exists()
    assert not Membership.objects.filter(user=member).exists()
    assert Membership.objects.filter(user=owner.user, role="owner").exists()
    assert "no longer a member" in mail.outbox[-1].subject
    newcomer = make_user("nina", email="nina@school.example")
    from mosaic.organizations.members import sync_user

    assert sync_user(user=newcomer) is None
