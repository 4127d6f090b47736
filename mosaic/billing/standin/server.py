"""A local stand-in for the part of Stripe's API that Mosaic uses, on loopback.

API (form-encoded, ``Authorization: Bearer <secret key>``, answers as Stripe's do):
``POST /v1/checkout/sessions`` (mode=subscription) and ``POST /v1/billing_portal/sessions``.
Hosted pages: ``/checkout/<session>`` (pay or cancel: redirects to the session's URLs) and
``/portal/<session>`` (cancel at period end or keep the subscription: back to return_url).

Every change sends the events Stripe would send, signed the way Stripe signs them
(``Stripe-Signature: t=..,v1=HMAC-SHA256("<t>.<body>")`` with the endpoint secret), to
``webhook_url`` when one is set, and keeps them in ``state.deliveries`` (tests replay them).
What time would bring is a method: ``state.renew(sub)``, ``state.fail(sub)``, ``state.end(sub)``.
"""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mosaic.billing import events, signing

PERIOD_SECONDS = 30 * 24 * 3600


@dataclass
class StandInState:
    secret_key: str
    webhook_secret: str
    price_id: str
    base_url: str = ""
    webhook_url: str = ""
    amount: int = 500
    currency: str = "eur"
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    portals: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    deliveries: list[tuple[bytes, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    #: Every API call's parameters (tests: what Mosaic tells Stripe, P23).
    forms: list[dict[str, str]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- events ---------------------------------------------------------------------------
    def send(self, kind: str, obj: dict[str, Any]) -> None:
        payload = json.dumps(events.event(kind, obj)).encode()
        header = signing.sign(payload, self.webhook_secret)
        with self.lock:
            self.deliveries.append((payload, header))
        if self.webhook_url:
            request = urllib.request.Request(  # noqa: S310 (a loopback URL the test sets)
                self.webhook_url,
                data=payload,
                headers={"Content-Type": "application/json", signing.HEADER: header},
            )
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310
                pass

    def _subscription_obj(self, sub: dict[str, Any]) -> dict[str, Any]:
        return events.subscription(
            subscription_id=sub["id"],
            user_id=int(sub["user"]),
            customer=sub["customer"],
            status=sub["status"],
            period_end=sub["period_end"],
            cancel_at_period_end=sub["cancel_at_period_end"],
        )

    def _invoice(self, sub: dict[str, Any], *, paid: bool) -> dict[str, Any]:
        start = int(time.time())
        return events.invoice(
            invoice_id=events.new_id("in"),
            user_id=int(sub["user"]),
            customer=sub["customer"],
            subscription_id=sub["id"],
            amount=self.amount,
            currency=self.currency,
            period_start=start,
            period_end=start + PERIOD_SECONDS,
            paid=paid,
        )

    # --- what the hosted pages and time do ----------------------------------------------------
    def complete(self, session_id: str) -> dict[str, Any]:
        with self.lock:
            session = self.sessions[session_id]
            customer = session.get("customer") or events.new_id("cus")
            self.customers.setdefault(customer, {"id": customer})
            sub = {
                "id": events.new_id("sub"),
                "customer": customer,
                "user": session["metadata_user"],
                "status": "active",
                "period_end": int(time.time()) + PERIOD_SECONDS,
                "cancel_at_period_end": False,
            }
            self.subscriptions[sub["id"]] = sub
            session.update(status="complete", customer=customer, subscription=sub["id"])
        self.send(
            "checkout.session.completed",
            events.checkout_session(
                session_id=session_id,
                user_id=int(session["client_reference_id"]),
                customer=customer,
                subscription=sub["id"],
            ),
        )
        self.send("customer.subscription.created", self._subscription_obj(sub))
        self.send("invoice.paid", self._invoice(sub, paid=True))
        return session

    def set_cancel(self, sub_id: str, cancel: bool) -> None:
        sub = self.subscriptions[sub_id]
        sub["cancel_at_period_end"] = cancel
        self.send("customer.subscription.updated", self._subscription_obj(sub))

    def renew(self, sub_id: str) -> None:
        sub = self.subscriptions[sub_id]
        sub.update(status="active", period_end=sub["period_end"] + PERIOD_SECONDS)
        self.send("invoice.paid", self._invoice(sub, paid=True))
        self.send("customer.subscription.updated", self._subscription_obj(sub))

    def fail(self, sub_id: str) -> None:
        sub = self.subscriptions[sub_id]
        sub["status"] = "past_due"
        self.send("invoice.payment_failed", self._invoice(sub, paid=False))
        self.send("customer.subscription.updated", self._subscription_obj(sub))

    def end(self, sub_id: str) -> None:
        sub = self.subscriptions[sub_id]
        sub["status"] = "canceled"
        self.send("customer.subscription.deleted", self._subscription_obj(sub))

    def subscription_of(self, customer: str) -> dict[str, Any] | None:
        return next((s for s in self.subscriptions.values() if s["customer"] == customer), None)


def _error(
    status: int, message: str, kind: str = "invalid_request_error"
) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": kind, "message": message}}


class Handler(BaseHTTPRequestHandler):
    server: StandInServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    @property
    def state(self) -> StandInState:
        return self.server.state

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {key: values[-1] for key, values in parse_qs(raw, keep_blank_values=True).items()}

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", events.new_id("req"))
        self.end_headers()
        self.wfile.write(data)

    def _html(self, body: str) -> None:
        head = "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Stripe stand-in</title>"
        data = (head + body).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, url: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _authorized(self) -> bool:
        return self.headers.get("Authorization", "") == f"Bearer {self.state.secret_key}"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        parts = path.split("/")
        if len(parts) == 3 and parts[1] == "checkout" and parts[2] in self.state.sessions:
            session = self.state.sessions[parts[2]]
            self._html(
                f"<h1>Pay {self.state.amount / 100:.2f} {self.state.currency.upper()} a month</h1>"
                f"<form method=post action='/checkout/{html.escape(parts[2])}/pay'>"
                "<button>Pay</button></form>"
                f"<a href='{html.escape(session['cancel_url'])}'>Cancel</a>"
            )
        elif len(parts) == 3 and parts[1] == "portal" and parts[2] in self.state.portals:
            portal = self.state.portals[parts[2]]
            sub = self.state.subscription_of(portal["customer"])
            action = "resume" if sub and sub["cancel_at_period_end"] else "cancel"
            self._html(
                f"<h1>Your subscription: {html.escape(sub['status'] if sub else 'none')}</h1>"
                f"<form method=post action='/portal/{html.escape(parts[2])}/{action}'>"
                f"<button>{action.title()} subscription</button></form>"
                f"<a href='{html.escape(portal['return_url'])}'>Return</a>"
            )
        else:
            self._json(*_error(404, "Unrecognized request URL"))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        parts = path.split("/")
        if path.startswith("/v1/"):
            self.state.requests.append(f"POST {path}")
            if not self._authorized():
                self._json(*_error(401, "Invalid API Key provided", "authentication_error"))
                return
            form = self._form()
            self.state.forms.append(form)
            if path == "/v1/checkout/sessions":
                self._json(*self._create_checkout(form))
            elif path == "/v1/billing_portal/sessions":
                self._json(*self._create_portal(form))
            elif len(parts) == 4 and parts[2] == "subscriptions":
                self._json(*self._update_subscription(parts[3], form))
            else:
                self._json(*_error(404, "Unrecognized request URL"))
            return
        if len(parts) == 4 and parts[1] == "checkout" and parts[3] == "pay":
            session = self.state.sessions.get(parts[2])
            if session is None or session["status"] != "open":
                self._json(*_error(404, "No such session"))
                return
            self.state.complete(parts[2])
            self._redirect(session["success_url"])
        elif len(parts) == 4 and parts[1] == "portal" and parts[3] in ("cancel", "resume"):
            portal = self.state.portals.get(parts[2])
            sub = self.state.subscription_of(portal["customer"]) if portal else None
            if portal is None or sub is None:
                self._json(*_error(404, "No such session"))
                return
            self.state.set_cancel(sub["id"], parts[3] == "cancel")
            self._redirect(portal["return_url"])
        else:
            self._json(*_error(404, "Unrecognized request URL"))

    def _create_checkout(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("mode") != "subscription":
            return _error(400, "mode must be subscription")
        if form.get("line_items[0][price]") != self.state.price_id:
            return _error(400, "No such price")
        for required in ("success_url", "cancel_url", "client_reference_id"):
            if not form.get(required):
                return _error(400, f"Missing required param: {required}.")
        customer = form.get("customer", "")
        if customer and customer not in self.state.customers:
            return _error(400, f"No such customer: '{customer}'")
        session_id = events.new_id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "url": f"{self.state.base_url}/checkout/{session_id}",
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "client_reference_id": form["client_reference_id"],
            "customer": customer or None,
            "metadata_user": form.get("subscription_data[metadata][mosaic_user]", ""),
        }
        self.state.sessions[session_id] = session
        return 200, {k: v for k, v in session.items() if k != "metadata_user"}

    def _update_subscription(self, sub_id: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        sub = self.state.subscriptions.get(sub_id)
        if sub is None:
            return _error(404, f"No such subscription: '{sub_id}'")
        if "cancel_at_period_end" in form:
            self.state.set_cancel(sub_id, form["cancel_at_period_end"] == "true")
        return 200, {"object": "subscription", **self.state._subscription_obj(sub)}

    def _create_portal(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        customer = form.get("customer", "")
        if customer not in self.state.customers:
            return _error(400, f"No such customer: '{customer}'")
        portal_id = events.new_id("bps")
        portal = {
            "id": portal_id,
            "object": "billing_portal.session",
            "customer": customer,
            "return_url": form.get("return_url", ""),
            "url": f"{self.state.base_url}/portal/{portal_id}",
        }
        self.state.portals[portal_id] = portal
        return 200, portal


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        price_id: str,
        port: int = 0,
        webhook_url: str = "",
        verbose: bool = False,
    ) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.verbose = verbose
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.state = StandInState(
            secret_key=secret_key,
            webhook_secret=webhook_secret,
            price_id=price_id,
            base_url=self.base_url,
            webhook_url=webhook_url,
        )

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread
