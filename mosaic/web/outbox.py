"""The development outbox: read the emails `make run` would have sent. Mounted only with DEBUG."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mosaic.lib import outbox

_MESSAGE_ID = re.compile(r"^[0-9T.]+-[0-9a-f]{8}$")


def outbox_list(request: HttpRequest) -> HttpResponse:
    messages = [
        {"id": message_id, "to": msg["To"], "subject": msg["Subject"], "date": msg["Date"]}
        for message_id, msg in outbox.list_messages()
    ]
    return render(request, "web/outbox_list.html", {"emails": messages})


def outbox_detail(request: HttpRequest, message_id: str) -> HttpResponse:
    if not _MESSAGE_ID.match(message_id):
        raise Http404
    try:
        msg = outbox.read_message(message_id)
    except FileNotFoundError as exc:
        raise Http404 from exc
    context = {
        "to": msg["To"],
        "subject": msg["Subject"],
        "date": msg["Date"],
        "body": outbox.text_body(msg),
        "attachments": outbox.attachments(msg),
    }
    return render(request, "web/outbox_detail.html", context)
