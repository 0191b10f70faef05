"""The lab's callbacks: CloudEvents 1.0 in JSON, as Prodigi sends them.

    {"specversion": "1.0", "id": "evt_305174", "type": "com.prodigi.order.status.stage.changed#InProgress",
     "source": "https://api.prodigi.com/v4.0/Orders/", "subject": "ord_1469466",
     "time": "2020-08-14T11:51:01.55Z", "datacontenttype": "application/json",
     "data": {"order": {...}}}

Prodigi signs nothing, so the URL carries a secret token (LAB_CALLBACK_TOKEN) and a callback is
only a hint: the shop re-fetches the order from the lab before acting on it. `type` names the
changed part of the order and, after `#`, its new value; any `com.prodigi.order.` type is
accepted (Prodigi documents the convention, not the full list), anything else is refused.
"""

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime

ORDER_EVENT_PREFIX = "com.prodigi.order."
LAB_ORDER_ID = re.compile(r"^ord_[A-Za-z0-9_]{1,60}$")
EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


@dataclass(frozen=True)
class LabCallback:
    id: str  # the event's id: the same event delivered twice has the same id
    type: str
    subject: str  # the lab's order id
    source: str
    time: datetime | None = None
    data: dict = field(default_factory=dict)

    @property
    def change(self) -> str:
        """The new value the type names: "InProgress" in "...stage.changed#InProgress"."""
        return self.type.partition("#")[2]


class CallbackInvalid(ValueError):
    """A body that is no callback we take; `status` is the HTTP answer (400, or 422 for a
    well-formed event of a type we do not know)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def callback_token_valid(token: str) -> bool:
    """Whether the URL's token is ours; with no LAB_CALLBACK_TOKEN set, none is."""
    expected = settings.LAB_CALLBACK_TOKEN
    return bool(expected) and secrets.compare_digest(token.encode(), expected.encode())


def callback_parse(body: bytes) -> LabCallback:
    """Decode and check one callback, or raise CallbackInvalid with a sentence saying why."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise CallbackInvalid("Malformed callback: the body is not JSON.") from error
    if not isinstance(event, dict):
        raise CallbackInvalid("Malformed callback: the body is not a JSON object.")
    if event.get("specversion") != "1.0":
        raise CallbackInvalid('Malformed callback: specversion must be "1.0" (CloudEvents 1.0).')
    for name in ("id", "type", "source"):
        if not isinstance(event.get(name), str) or not event[name].strip():
            raise CallbackInvalid(f'Malformed callback: "{name}" is missing.')
    if not EVENT_ID.match(event["id"]):
        raise CallbackInvalid('Malformed callback: "id" is not an event id.')
    if not event["type"].startswith(ORDER_EVENT_PREFIX):
        raise CallbackInvalid(
            f"Unknown callback type {event['type'][:100]!r}: only order events are taken.",
            status=422,
        )
    data = event.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CallbackInvalid('Malformed callback: "data" is not a JSON object.')
    order = data.get("order") if isinstance(data.get("order"), dict) else {}
    subject = event.get("subject") or order.get("id")
    if not isinstance(subject, str) or not LAB_ORDER_ID.match(subject):
        raise CallbackInvalid('Malformed callback: "subject" is not a lab order id.')
    if order.get("id") and order["id"] != subject:
        raise CallbackInvalid('Malformed callback: "subject" and the order in "data" differ.')
    return LabCallback(
        id=event["id"],
        type=event["type"][:200],
        subject=subject,
        source=event["source"][:500],
        time=_time(event.get("time")),
        data=data,
    )


def _time(value) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise CallbackInvalid('Malformed callback: "time" is not an RFC 3339 time.')
    return parsed
