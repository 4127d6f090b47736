"""The privacy promise ledger (P01-P34, /work/shared/SPEC.md) as the self-audit reports it.

``manage.py privacy_audit`` prints exactly one line per promise, in order:

- ``P08 ok: <what was checked>`` when every check of that promise found nothing;
- ``P08 BREACH: <counts>`` when one did (the command then exits 1);
- ``P24 not applicable: <why>`` only while the feature that would keep it is truly absent:
  its app (``feature``) is not installed. Installing that app makes the promise applicable, and
  an applicable promise without a registered check is itself reported as a breach, so a new
  feature cannot ship without its audit line (``mosaic.audit.registry.audit_check``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Promise:
    id: str
    #: what the checks look at, shown after "ok"
    checked: str
    #: the app whose code keeps it; "" for the core, always applicable
    feature: str = ""
    #: why it does not apply while ``feature`` is not installed
    absent: str = ""

    @property
    def applicable(self) -> bool:
        return not self.feature or apps.is_installed(self.feature)


PROMISES = [
    Promise("P01", "every category listed can be exported and erased; policy from the registry"),
    Promise("P02", "every stored Instagram token is encrypted"),
    Promise("P03", "security-log IPs cut on time; the cache holds no expired rows, no raw keys"),
    Promise("P04", "every processor on the policy page has a purpose and a location"),
    Promise("P05", "no imported posts kept past their period without a site"),
    Promise("P06", "no inactive site past its deletion date"),
    Promise("P07", "no served page of a removed post"),
    Promise("P08", "no account past its quarantine; quarantined accounts have nothing online"),
    Promise("P09", "no sealed archive past its period"),
    Promise("P10", "every active hold names what it holds, and it is still there"),
    Promise("P11", "rate limits for sign-in, sign-up, reset and newsletter are configured"),
    Promise("P12", "no raw statistics event or visitor hash past its period"),
    Promise("P13", "every cookie declared; none non-essential without a dialog"),
    Promise("P14", "every policy version was published with its notice period"),
    Promise("P15", "every disclosure stands on a recorded request that allows it"),
    Promise("P16", "signed-out preferences are browser cookies only, declared"),
    Promise("P17", "no unconfirmed newsletter address past its period"),
    Promise(
        "P18",
        "recommendations can be switched off",
        feature="mosaic.discovery",
        absent="there are no recommendations (no discovery app)",
    ),
    Promise("P19", "sign-ins are told apart by network (proxy setting matches the traffic)"),
    Promise("P20", "no export past its period, no stray export file"),
    Promise("P21", "only public sites not hidden from search are served for indexing"),
    Promise(
        "P22",
        "comments show their author as told",
        feature="mosaic.comments",
        absent="nobody can post a comment on Mosaic (imported comments only)",
    ),
    Promise("P23", "every consent records the policy version it was given under"),
    Promise(
        "P24",
        "organization admins' powers are shown and audited",
        feature="mosaic.organizations",
        absent="there are no organizations (no organizations app)",
    ),
    Promise("P25", "every operator has a second factor"),
    Promise(
        "P26",
        "the transparency report counts legal requests",
        feature="mosaic.transparency",
        absent="there is no transparency report yet (no transparency app)",
    ),
    Promise(
        "P27",
        "a change of hands notifies every user",
        feature="mosaic.controller",
        absent="no change of hands is handled yet (no controller app)",
    ),
    Promise("P28", "profile fields are optional"),
    Promise("P29", "promotional mail has one-click unsubscribe and reaches no quarantined account"),
    Promise("P30", "statistics leave the service only as aggregates (no third-party analytics)"),
    Promise("P31", "no public copy of a file no public site shows; no public build of others"),
    Promise("P32", "sensitive actions ask for the password again"),
    Promise("P33", "no correction request past its deadline"),
    Promise("P34", "no audit entry past its period"),
]


def promise_ids() -> list[str]:
    return [promise.id for promise in PROMISES]
