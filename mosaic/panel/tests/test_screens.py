"""Every panel page as a person sees it, at a phone and a laptop size, with a week of real use.

For each page: axe (WCAG 2.1 AA) finds nothing, nothing scrolls sideways, the page is no taller
than its stated bound, and every thumbnail shows one image at its intended size. The editor keeps
its preview beside the form on a laptop. The owner's pages are looked at in Russian on the phone
too, where longer words wrap most. Screenshots land in ``var/screens/<size>/`` (Russian in
``phone-ru/``) for review (CI keeps the folder as an artifact).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD, make_user
from mosaic.accounts.tests.helpers import totp_code
from mosaic.billing.models import Subscription
from mosaic.domains.services import set_domain
from mosaic.integrations.instagram.standin.server import StandInServer
from mosaic.integrations.instagram.tests.conftest import APP_ID, APP_SECRET
from mosaic.moderation.services import file_report
from mosaic.panel.tests import scene
from mosaic.photos.tests.images import make_image
from mosaic.privacy.archives import seal_account
from mosaic.privacy.corrections import file_correction_request
from mosaic.privacy.exports import request_export
from mosaic.profiles.services import set_avatar
from mosaic.transparency.services import publish_due
from mosaic.websites import collection_services as curate
from mosaic.websites import services
from tests.browser import SCREENS, SIZES, WCAG_AA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each size in light; the phone in dark too (colours do not depend on the width).
SCHEMES = {"phone": ("light", "dark"), "laptop": ("light",)}
# Russian words are longer, so on a phone headings and rows of buttons wrap onto more lines: the
# photos page, 7,270 px in English, is 9,654 in Russian, over its bound of 9,000. One allowance
# for every page rather than a second set of bounds, small enough that a lost rule still fails.
RUSSIAN_HEIGHT = 1.1
# The buttons the sign-in helpers press, in either language.
SIGN_IN = re.compile("^(sign in|войти)$", re.I)
SIGN_OUT = re.compile("sign out|выйти", re.I)


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    # The tallest the page may be, in CSS pixels, at the phone and at the laptop size: a lost
    # rule (a giant image, a column squeezed to one word per line) breaks it at once.
    max_height: tuple[int, int]


def screens(site_id: int, draft_id: int, collection_id: int, comment_page: str) -> list[Screen]:
    return [
        Screen("panel", "/panel/", (1800, 1100)),
        Screen("sites", "/panel/sites/", (1400, 1000)),
        # the editor: its sections folded (a heading each), the preview below or beside
        Screen("editor", f"/panel/sites/{site_id}/", (3000, 1800)),
        Screen("editor-unpublished", f"/panel/sites/{draft_id}/", (3000, 1800)),
        # the link buttons unfolded, as after saving a link
        Screen("editor-links", f"/panel/sites/{site_id}/?open=links", (3800, 2200)),
        Screen("photos", f"/panel/sites/{site_id}/posts/", (9000, 6500)),
        Screen("share", f"/panel/sites/{site_id}/share/", (2600, 1600)),
        Screen("collections", f"/panel/sites/{site_id}/collections/", (2400, 1600)),
        # a collection: its photos, then the 30 others to tick, a thumbnail each
        Screen("collection", f"/panel/sites/{site_id}/collections/{collection_id}/", (9000, 6500)),
        Screen("instagram", "/panel/instagram/", (4200, 2800)),
        Screen("statistics", "/panel/stats/", (1600, 1100)),
        Screen("statistics-site", f"/panel/stats/{site_id}/", (5200, 3600)),
        # a card per category held, then one naming the kinds held nothing of
        Screen("your-data", "/panel/data/", (8600, 7200)),
        Screen("profile", "/panel/data/profile/", (1400, 1000)),
        Screen("display-name-and-avatar", "/panel/profile/", (1900, 1300)),
        Screen("correction", "/panel/data/correction/", (1600, 1100)),
        Screen("security", "/panel/security/", (1400, 1000)),
        Screen("email", "/accounts/email/", (1800, 1200)),
        Screen("password-change", "/accounts/password/change/", (1600, 1100)),
        Screen("two-factor", "/accounts/2fa/", (1600, 1100)),
        Screen("sessions", "/accounts/sessions/", (1600, 1100)),
        Screen("confirm-it-is-you", "/accounts/reauthenticate/", (1400, 1000)),
        Screen("sign-out", "/accounts/logout/", (1400, 1000)),
        Screen("email-preferences", "/panel/email/", (1600, 1100)),
        Screen("moderation-decisions", "/panel/moderation/", (1400, 1000)),
        Screen("report", f"/report/{site_id}/?photo=0", (2400, 1800)),
        # comments (mosaic.comments): the owner's moderation page, the author's own list, and
        # the notice before a first comment (Olivia on her own site's first photo)
        Screen("comments", f"/panel/sites/{site_id}/comments/", (3200, 2000)),
        Screen("comments-mine", "/comments/mine/", (1600, 1100)),
        Screen("comment-notice", comment_page, (1600, 1100)),
    ]


SIGNED_OUT = [
    Screen("home", "/", (3200, 2200)),
    Screen("sign-up", "/accounts/signup/", (1800, 1200)),
    Screen("sign-in", "/accounts/login/", (1600, 1100)),
    Screen("password-reset", "/accounts/password/reset/", (1400, 1000)),
    Screen("password-reset-sent", "/accounts/password/reset/done/", (1400, 1000)),
    Screen("password-reset-expired", "/accounts/password/reset/key/1-bad/", (1400, 1000)),
    Screen("password-changed", "/accounts/password/reset/key/done/", (1400, 1000)),
    Screen("verification-sent", "/accounts/confirm-email/", (1400, 1000)),
    Screen("email-confirmation-expired", "/accounts/confirm-email/no-such-key/", (1400, 1000)),
    Screen("not-found", "/no-such-page/", (1400, 1000)),
    Screen("site-collection", "/olivia/c/harbour/", (3200, 2400)),  # a public page (issue #20)
    Screen("change-of-control", "/change-of-control/", (1400, 1000)),
]


def organization_screens(member_id: int) -> list[Screen]:
    """An organization's owner (C8, P24): members, a member's page with the admins' actions,
    their own organization page, hand-over, deletion, and account deletion naming what
    happens to the organization."""
    return [
        Screen("organization", "/panel/organization/", (2000, 1700)),
        Screen("organization-member", f"/panel/organization/members/{member_id}/", (2800, 2400)),
        Screen("organization-mine", "/panel/organization/me/", (2200, 1600)),
        Screen("organization-hand-over", "/panel/organization/hand-over/", (1300, 1100)),
        Screen("organization-delete", "/panel/organization/delete/", (1400, 1100)),
        Screen("delete-account-owner", "/panel/data/delete-account/", (1500, 1100)),
    ]


OPERATOR = [
    Screen("operators", "/operators/", (1600, 1100)),
    Screen("operators-corrections", "/operators/corrections/", (1600, 1100)),
    # an archive and the look-up of it: each table a card a row on a phone
    Screen("operators-archives", "/operators/archives/", (2000, 1500)),
    Screen("operators-legal", "/operators/legal/", (3600, 2800)),  # two forms, a table
    Screen(
        "operators-moderation", "/operators/moderation/", (2600, 1800)
    ),  # queue, appeals, blocks
    Screen("operators-audit", "/operators/audit/", (2400, 1600)),
    # with the organization's entries (its admins log their powers there too, P24); on a
    # phone a card an entry, its three cells one under the other, each with its label
    Screen("operators-audit-log", "/operators/audit-log/", (4600, 2600)),
]

# Layout facts read in the page: sideways scroll, height, and every thumbnail's images.
MEASURE = r"""() => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
      && style.display !== "none" && style.opacity !== "0";
  };
  // What the sizes attribute told the browser the image would measure, in CSS pixels.
  const probe = document.createElement("div");
  probe.style.position = "absolute";
  document.body.append(probe);
  const intended = (img) => {
    if (!img) return null;
    for (const entry of img.sizes.split(",")) {
      const match = entry.trim().match(/^(\(.*\))?\s*(\S+)$/);
      if (match && (!match[1] || matchMedia(match[1]).matches)) {
        probe.style.width = match[2];
        return probe.getBoundingClientRect().width;
      }
    }
    return null;
  };
  const thumbs = [...document.querySelectorAll(".photo")].filter(visible).map((el) => {
    const box = el.getBoundingClientRect();
    const images = [...el.querySelectorAll("img")].filter(visible).map((img) => {
      const r = img.getBoundingClientRect();
      return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
    });
    return {width: Math.round(box.width), height: Math.round(box.height), images,
            intended: intended(el.querySelector("img[sizes]"))};
  });
  probe.remove();
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
    height: document.documentElement.scrollHeight,
    thumbs,
  };
}"""


def problems_on(page, screen: Screen, size: str) -> list[str]:
    """Open ``screen`` in each colour scheme, save its screenshots, and return what is wrong."""
    found = []
    for scheme in SCHEMES[size]:
        page.emulate_media(color_scheme=scheme)
        look = size if scheme == "light" else f"{size}-{scheme}"
        found += [f"{look} {screen.path}: {problem}" for problem in look_at(page, screen, look)]
    return found


def problems_here(page, screen: Screen, size: str) -> list[str]:
    """Like ``problems_on`` for the page already open (a step of a flow that cannot be
    opened by its address), in the light scheme only."""
    page.emulate_media(color_scheme="light")
    return [f"{size} {screen.path}: {p}" for p in look_at(page, screen, size, open_it=False)]


def look_at(page, screen: Screen, look: str, *, open_it: bool = True) -> list[str]:
    found = []
    if open_it:
        response = page.goto(screen.path)
        expected = 404 if screen.name == "not-found" else 200
        if response is None or response.status != expected:
            found.append(f"answered {response.status if response else 'nothing'}")
    page.evaluate(LOAD_IMAGES)
    page.screenshot(path=SCREENS / look / f"{screen.name}.png", full_page=True)
    facts = page.evaluate(MEASURE)
    if facts["scrollWidth"] > facts["width"]:
        found.append(f"scrolls sideways: {facts['scrollWidth']} px wide in {facts['width']}")
    bound = screen.max_height[0 if look.startswith("phone") else 1]
    if look.endswith("-ru"):
        bound = round(bound * RUSSIAN_HEIGHT)
    if facts["height"] > bound:
        found.append(f"{facts['height']} px tall, more than {bound}")
    # Images stacked in one place (a placeholder under its photo) share their centre.
    doubled = [thumb for thumb in facts["thumbs"] if len({tuple(i) for i in thumb["images"]}) > 1]
    if doubled:
        found.append(f"{len(doubled)} thumbnails show more than one image, e.g. {doubled[0]}")
    off = [
        thumb
        for thumb in facts["thumbs"]
        if thumb["intended"]
        and not 0.8 * thumb["intended"] <= thumb["width"] <= 1.1 * thumb["intended"] + 2
    ]
    if off:
        found.append(
            f"{len(off)} thumbnails are not at their intended size (the sizes attribute), e.g. "
            f"{off[0]['width']} px wide for {off[0]['intended']}"
        )
    results = Axe().run(page, options=WCAG_AA)
    found += [
        f"axe {item['id']} ({len(item['nodes'])}): {item['nodes'][0]['html'][:120]}"
        for item in results.response["violations"]
    ]
    return found


LOAD_IMAGES = """async () => {
  for (const image of document.images) {
    if (image.loading === "lazy") image.loading = "eager";
    if (!image.complete) {
      await new Promise(done => {
        image.addEventListener("load", done); image.addEventListener("error", done);
        setTimeout(done, 3000);
      });
    }
  }
}"""


@pytest.fixture
def stand_in(settings):
    server = StandInServer(app_id=APP_ID, app_secret=APP_SECRET)
    url = server.start()
    settings.INSTAGRAM_APP_ID = APP_ID
    settings.INSTAGRAM_APP_SECRET = APP_SECRET
    settings.INSTAGRAM_AUTHORIZE_URL = f"{url}/oauth/authorize"
    settings.INSTAGRAM_API_URL = url
    settings.INSTAGRAM_GRAPH_URL = url
    settings.INSTAGRAM_MEDIA_HOSTS = ["127.0.0.1"]
    settings.INSTAGRAM_ALLOW_INSECURE_MEDIA = True
    server.state.photo_size = 640
    yield server
    server.stop()


@pytest.fixture
def world(settings, tmp_path, stand_in):
    """Olivia after a week: 30 imported posts, a site with three links, visits, requests."""
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    settings.STATS_SPOOL_DIR = tmp_path / "spool"
    settings.STATS_REDIS_PREFIX = f"test:stats:{scene.unique('screens')}:"
    settings.PHOTOS_WIDTHS = (160, 320, 640)
    user = make_user("olivia")
    user.display_name = "Olivia"
    user.save(update_fields=["display_name"])
    scene.import_stand_in_posts(user, stand_in, username="olivia.makes")
    site = scene.site_with_links(user)
    scene.a_week_of_visits(site, spool=tmp_path / "spool")
    file_correction_request(
        user=user, what="My display name on an old invoice", correction="Olivia M."
    )
    request_export(user=user)
    set_avatar(user=user, source=io.BytesIO(make_image("JPEG")), filename="me.jpg")
    services.create_site(owner=user, slug="olivia-prints", title="Olivia's prints")
    harbour = curate.create_collection(site=site, title="The harbour", name="harbour")
    curate.add_posts(kept=harbour, post_ids=list(user.posts.values_list("pk", flat=True)[:6]))
    curate.show_on_home(kept=harbour, shown=True)
    services.publish(site=site)
    return site


def sign_in(page, username: str, totp_secret: str = "", *, look: Callable | None = None) -> None:
    """Sign in; ``look`` is called on the second-factor step (to look at that screen too)."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    if totp_secret:  # operators sign in with a second factor (P25)
        page.wait_for_url("**/2fa/authenticate/")
        if look:
            look()
        page.locator("#id_code").fill(totp_code(totp_secret))
        page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url("**/panel/")


@pytest.mark.parametrize("size", SIZES)
def test_every_panel_page_is_readable_at_a_phone_and_a_laptop_size(
    browser, live_server, world, dns_server, size
):
    for scheme in SCHEMES[size]:
        (SCREENS / (size if scheme == "light" else f"{size}-{scheme}")).mkdir(
            parents=True, exist_ok=True
        )
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    found: list[str] = []
    for screen in SIGNED_OUT:
        found += problems_on(page, screen, size)

    sign_in(page, "olivia")
    draft = world.owner.sites.get(slug="olivia-prints")
    harbour = world.collections.get(name="harbour")
    owner_screens = screens(world.pk, draft.pk, harbour.pk, scene.commented(world))
    for screen in owner_screens:
        found += problems_on(page, screen, size)
        if screen.name == "editor" and size == "laptop":
            found += preview_beside_the_form(page)
    if size == "phone":
        found += in_russian(context, page, owner_screens)
    # on the paid plan, a custom domain waiting for its DNS records: the table of records
    Subscription.objects.create(user=world.owner, provider="offline", status="active")
    set_domain(site=world, raw="shop.example.com")
    found += problems_on(page, Screen("domains", "/domains/", (1700, 1100)), size)
    page.get_by_role("button", name=SIGN_OUT).first.click()

    member = scene.an_organization(dns_server)
    sign_in(page, "orla", scene.ORGANIZATION_TOTP_SECRET)
    confirm_it_is_you(page)  # P32: the organization's pages need a recent confirmation
    for screen in organization_screens(member):
        found += problems_on(page, screen, size)
    page.get_by_role("button", name=SIGN_OUT).first.click()

    operator = scene.an_operator("opal")
    legal_request = scene.a_legal_request(operator)
    code_step = Screen("two-factor-code", "/accounts/2fa/authenticate/", (1400, 1000))
    sign_in(
        page,
        "opal",
        scene.OPERATOR_TOTP_SECRET,
        look=lambda: found.extend(problems_here(page, code_step, size)),
    )
    publish_due()  # the half-year of that request has ended: its report is public (P26)
    look_up_an_archive(page, seal_account(user=make_user("erik")).pk)
    request_page = f"/operators/legal/requests/{legal_request}/"
    report = file_report(site=world, post=None, ground="spam", details="Fake giveaway")
    for screen in [
        *OPERATOR,
        Screen("operators-legal-request", request_page, (2400, 1600)),
        Screen("operators-report", f"/operators/moderation/reports/{report.pk}/", (2400, 1600)),
        Screen("transparency", "/transparency/", (2600, 1800)),
    ]:
        found += problems_on(page, screen, size)
    context.close()
    assert found == [], "\n".join(found)


def in_russian(context, page, owner_screens: list[Screen]) -> list[str]:
    """The owner's pages once more in Russian, light only, with the language picker's cookie;
    the cookie is cleared after, so the rest of the run reads English again."""
    (SCREENS / "phone-ru").mkdir(parents=True, exist_ok=True)
    origin = urlsplit(page.url)._replace(path="/", query="").geturl()  # the cookie's path is "/"
    context.add_cookies([{"name": "django_language", "value": "ru", "url": origin}])
    page.emulate_media(color_scheme="light")
    found = []
    for screen in owner_screens:
        found += [f"phone-ru {screen.path}: {p}" for p in look_at(page, screen, "phone-ru")]
        if page.evaluate("document.documentElement.lang") != "ru":  # else it looked at English
            found.append(f"phone-ru {screen.path}: not in Russian")
    context.clear_cookies(name="django_language")
    return found


def look_up_an_archive(page, archive: int) -> None:
    """Security looks up an erased account's sealed archive (P09): the archives page then
    lists it, and its audit trail has the look-up."""
    page.goto("/operators/archives/")
    page.locator("#id_identifier").fill("erik")
    page.locator("#id_case_reference").fill("LR-2026-014")
    page.locator("#id_reason").fill("Court order LR-2026-014 names this account.")
    page.get_by_role("button", name="Look up").click()
    page.get_by_text(f"Archive {archive}, sealed").wait_for()


def confirm_it_is_you(page) -> None:
    page.goto("/accounts/reauthenticate/?next=/panel/")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/panel/")


def preview_beside_the_form(page) -> list[str]:
    forms = page.locator(".site-editor-forms").bounding_box()
    preview = page.locator(".site-preview iframe").bounding_box()
    if forms is None or preview is None:
        return ["laptop editor: the form or the preview is missing"]
    if preview["x"] < forms["x"] + forms["width"] or preview["y"] > forms["y"] + 400:
        return [f"laptop editor: the preview is not beside the form ({forms} / {preview})"]
    return []
