"""Notifications in the API: your list, the unread count, mark one or all read."""

import pytest

from accounts.services import api_token_create
from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def api(client, user):
    _, key = api_token_create(user=user, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def test_list_count_and_mark_read(api, user, other_user):
    for n in range(3):
        services.notification_send(
            recipient=user, kind=Kind.IMAGE_READY, text=f"Ready {n}", event_key=f"e{n}"
        )
    theirs = services.notification_send(
        recipient=other_user, kind=Kind.IMAGE_READY, text="Not yours", event_key="x"
    )
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 3
    assert [item["text"] for item in body["results"]] == ["Ready 2", "Ready 1", "Ready 0"]
    assert body["results"][0]["read"] is False and body["results"][0]["kind"] == "image_ready"
    assert api.get("/api/v1/notifications/unread/").json() == {"unread": 3}
    first = body["results"][0]["id"]
    assert api.post(f"/api/v1/notifications/{first}/read/").json() == {"unread": 2}
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post("/api/v1/notifications/read-all/").json() == {"unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_need_a_signed_in_caller(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
