"""What organizations tell the apps above them (which it must not import).

``member_offline`` is sent (in the transaction) when a member is suspended, with
``user_id``; ``member_online`` when the suspension ends or the membership does. The websites
app takes the member's sites offline and brings them back (``websites/apps.py``)."""

from __future__ import annotations

from django.dispatch import Signal

member_offline = Signal()
member_online = Signal()
