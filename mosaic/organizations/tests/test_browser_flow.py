"""The whole organization flow in a browser, against the real DNS server (C8, P24, P32).

An owner creates an organization and verifies its domain through dnsmasq; an existing account
at the domain is told, then claimed after its notice; the owner (with a second factor and a
fresh password confirmation) forbids deleting content, and the member's delete button says
why; the owner suspends the member, whose site goes offline and whose sign-in is refused; the
member then sees both actions on their organization page. Every new page is screenshotted at
a phone and a laptop size into var/screens/, axe-checked and checked for sideways scrolling.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from conftest import PASSWORD, make_user
from mosaic.accounts.tests.helpers import totp_code
from mosaic.organizations import members, powers
from mosaic.organizations.models import AdminAction, Domain, Membership, Organization
from mosaic.organizations.tests.helpers import claimed_member, totp, verified_organization
from mosaic.staff.models import AuditEntry
from mosaic.websites import services as websites
from mosaic.websites.models import Site
from tests.browser import SCREENS, SIZES, WCAG_AA, own_tab, unfold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look(page, name: str) -> list[str]:
    """Screenshot the open page at both sizes; return axe violations and sideways scrolling."""
    found = []
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENS / size / f"organization-{name}.png", full_page=True)
        wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if wide[0] > wide[1]:
            found.append(f"{size} {name}: scrolls sideways, {wide[0]} px in {wide[1]}")
        for item in Axe().run(page, options=WCAG_AA).response["violations"]:
            found.append(f"{size} {name}: axe {item['id']}: {item['nodes'][0]['html'][:120]}")
    page.set_viewport_size({"width": 390, "height": 844})
    return found


def sign_in(page, username: str, secret: str = "") -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    if secret:
        page.wait_for_url("**/2fa/authenticate/")
        page.locator("#id_code").fill(totp_code(secret))
        page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_load_state()


def confirm_password(page) -> None:
    """P32: the re-authentication step before an admin's page, whichever form it offers."""
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_c8_p24_the_whole_organization_flow(page, browser, live_server, dns_server, settings):
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    problems: list[str] = []
    owner = make_user("olivia", email="olivia@school.example")
    secret = totp(owner)
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        pia = make_user("pia", email="pia@school.example")  # an account from before
    site = websites.create_site(owner=pia, slug="pia", title="Pia's photos")
    websites.publish(site=site)
    assert page.context.request.get(f"{live_server.url}/pia/").status == 200

    # 1. The owner creates the organization and verifies the domain.
    sign_in(page, "olivia", secret)
    page.goto("/panel/organization/")
    problems += look(page, "create")
    page.get_by_label("Organization name").fill("Example School")
    page.get_by_label("Email domain").fill("school.example")
    page.get_by_role("button", name="Create").click()
    domain = Domain.objects.get()
    assert domain.record_value in page.content()
    problems += look(page, "admin-pending")
    dns_server.set_txt(domain.record_name, domain.record_value)
    mail.outbox.clear()
    page.get_by_role("button", name="Check now").click()
    assert "school.example is verified." in page.content()

    # 2. Pia, who had an account already, is told and claimed after the notice period.
    assert [message.to for message in mail.outbox] == [["pia@school.example"]]
    assert "14 days" in mail.outbox[0].body
    membership = Membership.objects.get(user=pia)
    assert membership.claimed_at is None
    with time_machine.travel(membership.claim_after + dt.timedelta(minutes=1)):
        assert members.claim_due() == 1
    assert "You are now a member of Example School" in mail.outbox[-1].subject
    page.goto("/panel/organization/")
    problems += look(page, "admin")

    # 3. The owner forbids deleting content (re-authenticating first).
    page.get_by_role("link", name="pia").click()
    confirm_password(page)
    assert "pia@school.example" in page.content()
    problems += look(page, "member")
    page.get_by_label("Action").select_option("restrict")
    page.get_by_label("Right (to take away or give back)").select_option("no_deleting")
    page.get_by_label("Reason (the member reads it)").fill("Coursework must stay until grading.")
    page.get_by_role("button", name="Do it").click()
    assert "Done." in page.content()
    assert "Coursework must stay until grading." in mail.outbox[-1].body

    # ... and Pia's delete button says why.
    member_context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    member_page = member_context.new_page()
    sign_in(member_page, "pia")
    member_page.goto(f"/panel/sites/{site.pk}/")
    button = unfold(member_page, "delete").get_by_role("button", name="Delete this site…")
    assert button.is_disabled()
    why = member_page.locator("#delete-why")
    assert "does not allow its members to delete content" in why.inner_text()
    assert button.get_attribute("aria-describedby") == "delete-why"

    # 4. The owner suspends Pia: her site goes offline and her sign-in is refused.
    page.get_by_label("Action").select_option("suspend")
    page.get_by_label("Reason (the member reads it)").fill("Sharing exam answers on the site.")
    page.get_by_role("button", name="Do it").click()
    assert "Done." in page.content()
    assert page.context.request.get(f"{live_server.url}/pia/").status == 410
    assert Site.objects.get(pk=site.pk).is_offline()
    member_page.goto("/panel/organization/me/")
    assert "/accounts/login/" in member_page.url  # her session ended
    sign_in(member_page, "pia")
    assert "Your account is suspended" in member_page.content()
    assert "Sharing exam answers on the site." in member_page.content()
    problems += look(member_page, "suspended")

    # 5. The suspension is lifted; Pia sees both actions, with who, when and why.
    page.get_by_label("Action").select_option("unsuspend")
    page.get_by_label("Reason (the member reads it)").fill("Answers removed.")
    page.get_by_role("button", name="Do it").click()
    sign_in(member_page, "pia")
    member_page.goto("/panel/organization/me/")
    text = member_page.locator("main").inner_text()
    assert "Coursework must stay until grading." in text
    assert "Sharing exam answers on the site." in text
    assert "suspended the account" in text
    assert "restricted a right: Delete content" in text
    assert "olivia" in text
    assert "Delete content: sites, posts, photos" in text  # restricted now
    problems += look(member_page, "mine")
    member_page.goto(f"/panel/sites/{site.pk}/delete/")
    confirm_password(member_page)
    assert member_page.get_by_role("button", name="Delete the site").is_disabled()
    assert "does not allow" in member_page.locator("#delete-why").inner_text()
    problems += look(member_page, "delete-explained")
    member_context.close()

    kinds = list(AdminAction.objects.order_by("at").values_list("kind", flat=True))
    assert kinds == ["view", "restrict", "suspend", "unsuspend"]
    assert problems == []


def confirm_if_asked(page) -> None:
    """P32: confirm the password when the page asks for it (a fresh sign-in may be enough)."""
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" in page.url:
        confirm_password(page)


def test_c8_p24_the_owner_hands_over_and_the_new_owner_deletes_the_organization(
    page, browser, live_server, dns_server, settings
):
    """Olivia hands Example School over to Pia, an admin, after confirming her password and
    in two steps; Olivia, now an admin, is refused the owner's pages; Pia deletes the
    organization after typing its name (a wrong name first), which releases Paul, suspended,
    whose site comes back; Paul still sees what was done about him."""
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    problems: list[str] = []
    owner = make_user("olivia", email="olivia@school.example")
    secret = totp(owner)
    organization, _domain = verified_organization(dns_server, owner)
    pia = claimed_member(organization, username="pia")
    pia_secret = totp(pia)
    powers.set_role(admin=owner, member=pia, role="admin", reason="Runs the art club.")
    paul = claimed_member(organization, username="paul")
    site = websites.create_site(owner=paul, slug="paul", title="Paul's photos")
    websites.publish(site=site)
    powers.suspend(admin=owner, member=paul, reason="Exam answers on the site.")
    assert page.context.request.get(f"{live_server.url}/paul/").status == 410

    # 1. Olivia hands the organization over: choose, then confirm.
    sign_in(page, "olivia", secret)
    page.goto("/panel/organization/")
    problems += look(page, "admin-owner")
    page.get_by_role("link", name="Hand over…").click()
    confirm_if_asked(page)
    problems += look(page, "hand-over")
    page.get_by_role("combobox", name="New owner").select_option(label="pia")
    page.get_by_label("Reason (the new owner reads it)").fill("I am leaving the school.")
    page.get_by_role("button", name="Continue").click()
    assert "Make pia the owner?" in page.content()
    problems += look(page, "hand-over-confirm")
    mail.outbox.clear()
    page.get_by_role("button", name="Hand it over to pia").click()
    assert "pia is now the owner" in page.content()
    assert Membership.objects.get(user=pia).role == "owner"
    assert Membership.objects.get(user=owner).role == "admin"
    assert [message.to for message in mail.outbox] == [
        ["pia@school.example"],
        ["olivia@school.example"],  # her receipt
    ]
    assert "I am leaving the school." in mail.outbox[0].body
    with own_tab(browser, live_server) as refused:  # a 403, which the page fixture fails on
        refused.context.add_cookies(page.context.cookies())  # still Olivia
        refused.goto("/panel/organization/hand-over/")
        assert "Only the owner can do this" in refused.content()
        problems += look(refused, "owner-only")

    # 2. Pia, the owner now, deletes it: a wrong name is refused, then the right one.
    pia_context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    pia_page = pia_context.new_page()
    sign_in(pia_page, "pia", pia_secret)
    pia_page.goto("/panel/organization/")
    pia_page.get_by_role("link", name="Delete the organization…").click()
    confirm_if_asked(pia_page)
    assert "2 other accounts stop being members" in pia_page.content()
    problems += look(pia_page, "delete")
    pia_page.get_by_label("Type the organization's name to confirm").fill("Example")
    pia_page.get_by_role("button", name="Delete the organization").click()
    assert "That is not the organization" in pia_page.content()
    problems += look(pia_page, "delete-wrong-name")
    mail.outbox.clear()
    pia_page.get_by_label("Type the organization's name to confirm").fill("Example School")
    pia_page.get_by_role("button", name="Delete the organization").click()
    assert "Example School is deleted" in pia_page.content()
    assert not Organization.objects.exists()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "olivia@school.example",
        "paul@school.example",
    ]
    assert page.context.request.get(f"{live_server.url}/paul/").status == 200
    pia_context.close()

    # 3. Paul's suspension ended with the organization; what was done about him stays.
    paul_context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    paul_page = paul_context.new_page()
    sign_in(paul_page, "paul")
    paul_page.goto("/panel/organization/me/")
    text = paul_page.locator("main").inner_text()
    assert "not in an organization" in text
    assert "Exam answers on the site." in text
    assert "Example School (deleted since)" in text
    problems += look(paul_page, "mine-after-delete")
    paul_context.close()

    assert AuditEntry.objects.filter(action="organization.delete", actor=pia).exists()
    assert problems == []
