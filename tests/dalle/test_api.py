import pytest

from dalle.models import GeneratedImage
from tests.dalle.factories import ImageFactory, QueuedImageFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/generations/"


def test_create_returns_202_with_a_status_url(
    user_client, user, run_tasks, django_capture_on_commit_callbacks
):
    """POST starts a job and answers 202 at once, pointing to where its status will be."""
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            URL,
            {"prompt": "A kite over dunes", "size": "1536x1024"},
            content_type="application/json",
        )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert response.headers["Location"] == body["status_url"]
    run_tasks()
    done = user_client.get(body["status_url"]).json()
    assert done["status"] == "succeeded"
    assert (done["width"], done["height"]) == (1536, 1024)
    assert done["image_url"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"prompt": "x" * 1001}, "prompt"),
        ({"prompt": ""}, "prompt"),
        ({"prompt": 42, "size": "9x9"}, "size"),
        ({"size": "1024x1024"}, "prompt"),
        ({"prompt": ["a", "b"]}, "prompt"),
    ],
)
def test_bad_input_is_refused_with_the_field(user_client, payload, field):
    """Wrong types, too-long prompts and unknown sizes get a 400 naming the field."""
    response = user_client.post(URL, payload, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not GeneratedImage.objects.exists()


def test_malformed_json_is_a_clear_400(user_client):
    """A body that is not JSON is a 400 with a message, not a 500."""
    response = user_client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_limits_answer_429_with_when(user_client, settings):
    """Past the daily limit the API says so, and when to come back."""
    settings.GENERATION_DAILY_LIMIT_PER_USER = 0
    response = user_client.post(URL, {"prompt": "one more"}, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "limit_reached"


def test_generation_is_throttled_per_user(user_client, other_user, client):
    """Starting generations through the API is throttled per user (10 a minute by default)."""
    from django.core.cache import cache

    cache.clear()
    post = {"data": {"prompt": "p"}, "content_type": "application/json"}
    codes = [user_client.post(URL, **post).status_code for _ in range(11)]
    assert codes == [202] * 10 + [429]
    throttled = user_client.post(URL, **post).json()["error"]
    assert throttled["code"] == "throttled"
    assert throttled["retry_after_seconds"] > 0
    client.force_login(other_user)
    assert client.post(URL, **post).status_code == 202
    cache.clear()


def test_permissions_anonymous_owner_other_staff(client, user, other_user, manager):
    """Only the owner lists, reads and cancels a generation; staff get no special view."""
    mine = QueuedImageFactory(owner=user)
    detail, cancel = f"{URL}{mine.public_id}/", f"{URL}{mine.public_id}/cancel/"
    assert client.get(URL).status_code in (401, 403)
    assert client.post(URL, {"prompt": "x"}, content_type="application/json").status_code in (
        401,
        403,
    )
    for intruder in (other_user, manager):
        client.force_login(intruder)
        assert client.get(detail).status_code == 404
        assert client.post(cancel).status_code == 404
        assert client.get(URL).json()["count"] == 0
    client.force_login(user)
    assert client.get(URL).json()["results"][0]["id"] == str(mine.public_id)
    assert client.post(cancel).json()["status"] == "canceled"
    assert client.post(cancel).status_code == 409


def test_unknown_ids_are_404(user_client):
    """An id that does not exist, or is not a UUID, is a 404 in the common shape."""
    assert (
        user_client.get(f"{URL}00000000-0000-0000-0000-000000000000/").json()["error"]["code"]
        == "not_found"
    )
    assert user_client.get(f"{URL}not-a-uuid/").status_code == 404


def test_list_is_paginated(user_client, user):
    """Lists come in pages with a count and links."""
    ImageFactory.create_batch(26, owner=user)
    body = user_client.get(URL).json()
    assert body["count"] == 26
    assert len(body["results"]) == 24
    assert body["next"].endswith("page=2")
