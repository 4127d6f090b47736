"""``plan_changed(user_id=, plan=)``: sent after an owner's plan changes (upgrade, downgrade).

Apps above billing that hold what a plan limits listen to it: ``mosaic.websites`` takes sites
over the free limit offline on a downgrade and brings them back on an upgrade. A signal, because
billing sits below them and must not import them.
"""

from __future__ import annotations

from django.dispatch import Signal

plan_changed = Signal()
