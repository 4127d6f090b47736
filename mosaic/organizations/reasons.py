"""The reasons organizations' code writes into admin actions and the action log itself, as
codes shown in the reader's language (``staff.reasons``): a member reading their page in
Russian, or an operator reading the audit log, reads them in Russian."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.staff.reasons import declare

VIEWED = declare("organization.viewed", _("Opened the member's page in the organization panel."))
DELETED_BY_OWNER = declare(
    "organization.deleted_by_owner",
    _("The owner deleted the organization. Members released: %(count)s."),
)
DISSOLVED_OWNER_LEFT = declare(
    "organization.dissolved_owner_left",
    _(
        "The owner deleted their account and the organization had no other admin. "
        "Members released: %(count)s."
    ),
)
PASSED_ON = declare(
    "organization.passed_on",
    _(
        "The owner deleted their account. As the admin who has been a member longest, "
        "you are now the organization's owner."
    ),
)
