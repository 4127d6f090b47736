"""A realistic owner for looking at the panel: what a creator has after a week with Mosaic.

The stand-in's 30 posts (carousels, videos, captions in four scripts) imported over HTTP the
way a connected account's are, a published site with three link buttons, a week of visits
counted through the real `/_m/` endpoints, a correction request and a data export.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import time_machine
from django.test import Client
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection
from mosaic.integrations.instagram.standin.server import StandInServer
from mosaic.posts.models import Post
from mosaic.stats.services import flush, forget_sites
from mosaic.websites import services
from mosaic.websites.models import Site

LINKS = [
    ("Shop my prints", "https://shop.example/olivia"),
    ("Newsletter", "https://letters.example/olivia"),
    ("Book a shoot", "https://calendar.example/olivia/book"),
]
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
REFERRERS = ["instagram.com", "news.example.org", "", "search.example.com"]


def import_stand_in_posts(user: User, stand_in: StandInServer, *, username: str) -> ImportRun:
    """Connect ``user`` to the stand-in's ``username`` and import every post, as "Connect"
    does (a token the stand-in issued, then a full sync over HTTP)."""
    issued = timezone.now()
    token = stand_in.state.issue_token(username, issued_at=issued.timestamp())
    InstagramConnection.objects.create(
        user=user,
        instagram_user_id="17841400000000001",
        username=username,
        access_token=token,
        token_issued_at=issued,
        token_expires_at=issued + dt.timedelta(days=60),
    )
    run = runs.create_run(user=user, kind=ImportRun.Kind.FULL)
    execute(run_id=run.pk, budget=None)
    run.refresh_from_db()
    if run.state != ImportRun.State.COMPLETED:
        raise AssertionError(f"the stand-in import did not complete: {run.state} {run.error_text}")
    return run


def site_with_links(user: User, *, slug: str = "olivia") -> Site:
    site = services.create_site(owner=user, slug=slug, title="Olivia Makes")
    site.bio = "Prints, portraits and the harbour at dawn. Lisbon."
    site.save(update_fields=["bio"])
    for label, url in LINKS:
        services.add_link(site=site, label=label, url=url)
    services.publish(site=site)
    site.refresh_from_db()
    return site


def a_week_of_visits(site: Site, *, spool: Path) -> int:
    """Visits and clicks on each of the last seven days, sent to the real endpoints and flushed
    day by day; returns how many views were sent. More on some days than others."""
    posts = list(Post.objects.filter(owner=site.owner).values_list("pk", flat=True)[:6])
    links = list(site.links.values_list("pk", flat=True))
    today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    sent = 0
    for back in range(6, -1, -1):
        with time_machine.travel(today - dt.timedelta(days=back), tick=False):
            forget_sites()
            for visitor in range(3 + (back * 5) % 11):
                agent = PHONE if visitor % 3 else DESKTOP
                client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=f"198.51.100.{visitor + 1}")
                referrer = REFERRERS[visitor % len(REFERRERS)]
                client.get(
                    f"/_m/v/{site.pk}.gif", {"p": f"/{site.slug}/", "k": "page", "r": referrer}
                )
                sent += 1
                if visitor % 2:
                    post = posts[visitor % len(posts)]
                    path = f"/{site.slug}/p/{post}/"
                    client.get(f"/_m/v/{site.pk}.gif", {"p": path, "k": "photo"})
                    sent += 1
                if visitor % 3 == 1:
                    client.get(f"/_m/c/{site.pk}/{links[(visitor + back) % len(links)]}/")
            flush()
    forget_sites()
    return sent


#: The operator's authenticator secret: operators sign in with a second factor (P25).
OPERATOR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def an_operator(username: str = "opal") -> User:
    """Someone holding every operator role, to see every operator screen."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from conftest import make_user

    user = make_user(username)
    user.groups.add(*Group.objects.filter(name__in=["support", "security", "legal", "moderation"]))
    TOTP.activate(user, OPERATOR_TOTP_SECRET)
    return user


def a_legal_request(operator: User) -> int:
    """A court order naming Olivia, complied with, with a sealed-archive disclosure (P15)."""
    from mosaic.legal.models import Disclosure
    from mosaic.legal.services import record_legal_request

    item = record_legal_request(
        operator=operator,
        authority="Amtsgericht Berlin-Tiergarten",
        reference="LR-2026-014",
        received_on=dt.date(2026, 3, 2),
        scope="Sign-in records and profile of the account named, March 2026",
        kind="court-order",
        country="DE",
        legal_basis="§ 100g StPO",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        accounts="olivia\nolivia@example.com",
        decision="disclosed",
        reason="A valid order of a competent court, limited to the account named.",
    )
    Disclosure.objects.create(
        legal_request=item, kind="sealed-archive", at=item.recorded_at, target="sealed-archive:1"
    )
    return item.pk


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def commented(site: Site) -> str:
    """Comments held for approval on the site, two members' comments (one waiting, one
    published) and a blocked commenter; returns the address of the comment form of the first
    photo, where the owner, who has never commented, meets the notice (P22)."""
    from conftest import make_user
    from mosaic.comments import services as comments

    comments.set_mode(site=site, mode="hold")
    post = Post.objects.filter(owner=site.owner).order_by("-taken_at").first()
    assert post is not None
    for username, name, text in (
        ("cora", "Cora Mill", "What a light! Where is this?\nI was there last May."),
        ("dasha", "Дарья Ковалёва", "Очень красиво — а можно купить отпечаток?"),  # noqa: RUF001
    ):
        member = make_user(username)
        member.display_name = name
        member.save(update_fields=["display_name"])
        comments.acknowledge_notice(user=member)
        comments.post_comment(user=member, site=site, post=post, text=text)
    first = comments_of(site)[0]
    comments.approve(owner=site.owner, comment=first)
    spam = make_user("spammer")
    comments.block_commenter(owner=site.owner, commenter=spam)
    return f"/comments/{site.pk}/{post.pk}/new/?next=/{site.slug}/p/{post.pk}/"


def comments_of(site: Site) -> list:
    from mosaic.comments.models import Comment

    return list(Comment.objects.filter(site=site).order_by("created_at"))


ORGANIZATION_TOTP_SECRET = "KRUGS4ZANFZSA5DIMUQG64TH"


def an_organization(dns_server) -> int:
    """Orla's "Example School" (C8): its domain verified through the real DNS server, Anna an
    admin, Pia a member whose page lists a few of the admins' actions (P24). Orla has an
    authenticator app (admins need one). Returns Pia's id."""
    from allauth.mfa.totp.internal.auth import TOTP

    from conftest import make_user
    from mosaic.organizations import powers
    from mosaic.organizations.tests.helpers import admin_of, claimed_member, verified_organization

    orla = make_user("orla", email="orla@school.example")
    orla.display_name = "Orla"
    orla.save(update_fields=["display_name"])
    TOTP.activate(orla, ORGANIZATION_TOTP_SECRET)
    organization, _domain = verified_organization(dns_server, orla)
    admin_of(organization, orla, "anna")
    pia = claimed_member(organization, username="pia")
    powers.view_member(admin=orla, member=pia)
    powers.set_right(
        admin=orla, member=pia, right="no_deleting", allowed=False, reason="Exam week."
    )
    powers.suspend(admin=orla, member=pia, reason="Exam answers on the site.")
    powers.lift_suspension(admin=orla, member=pia, reason="Taken down, thank you.")
    return pia.pk
