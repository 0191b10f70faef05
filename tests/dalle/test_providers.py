"""The OpenAI provider against a faked OpenAI HTTP API (respx), through the whole job."""

import base64
import json
import logging
from datetime import timedelta

import httpx  # httpx2 under its old name: see tests/httpx_alias.py
import pytest
import respx
from django.core.files.storage import storages
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dalle import services
from dalle.models import GeneratedImage, GenerationSwitch
from tests.dalle.factories import QueuedImageFactory, png_bytes

pytestmark = pytest.mark.django_db
Status = GeneratedImage.Status
GENERATIONS = "https://api.openai.com/v1/images/generations"


@pytest.fixture
def openai_api(settings):
    settings.IMAGE_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = None
    settings.GENERATION_RETRY_BASE_SECONDS = 2
    with respx.mock(using="httpx", assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def job(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.generation_request(user=user, prompt="A cat in a hat", size="1024x1024")


def stored_bytes(name: str) -> bytes:
    """Originals live in the private store."""
    with storages["private"].open(name) as stored:
        return stored.read()


def run_due(run_tasks):
    """Run every queued task, including retries scheduled for later."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    return run_tasks()


def error(status: int, code: str, headers: dict | None = None) -> httpx.Response:
    body = {"error": {"message": f"error {code}", "type": code, "code": code, "param": None}}
    return httpx.Response(status, json=body, headers=headers or {})


def b64_image(prompt: str = "fake") -> dict:
    return {
        "created": 1,
        "data": [
            {"b64_json": base64.b64encode(png_bytes(prompt)).decode(), "revised_prompt": "A cat"}
        ],
        "usage": {"input_tokens": 12, "output_tokens": 4160, "total_tokens": 4172},
    }


def test_base64_response_is_decoded_and_stored(openai_api, job, run_tasks, user):
    """A GPT image model's base64 answer becomes the stored image, with usage figures."""
    route = openai_api.post(GENERATIONS).mock(return_value=httpx.Response(200, json=b64_image()))
    run_tasks()
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    assert job.provider == "openai"
    assert job.revised_prompt == "A cat"
    assert job.usage["total_tokens"] == 4172
    assert stored_bytes(job.image.name) == png_bytes("fake")
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "model": "gpt-image-2",
        "prompt": "A cat in a hat",
        "size": "1024x1024",
        "quality": "medium",
        "n": 1,
        "user": f"aigallery-user-{user.pk}",
    }
    assert route.calls.last.request.headers["authorization"] == "Bearer sk-test"


def test_url_response_is_downloaded(openai_api, job, run_tasks):
    """A compatible server's URL answer is downloaded and stored."""
    openai_api.post(GENERATIONS).mock(
        return_value=httpx.Response(
            200, json={"created": 1, "data": [{"url": "https://img.example/a.png"}]}
        )
    )
    openai_api.get("https://img.example/a.png").mock(
        return_value=httpx.Response(200, content=png_bytes("remote"))
    )
    run_tasks()
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    assert stored_bytes(job.image.name) == png_bytes("remote")


def test_oversized_download_fails_cleanly(openai_api, job, run_tasks, settings):
    """A URL answer larger than the cap fails with a message and stores nothing."""
    settings.IMAGE_DOWNLOAD_MAX_BYTES = 1000
    openai_api.post(GENERATIONS).mock(
        return_value=httpx.Response(
            200, json={"created": 1, "data": [{"url": "https://img.example/big.png"}]}
        )
    )
    openai_api.get("https://img.example/big.png").mock(
        return_value=httpx.Response(200, content=b"x" * 5000)
    )
    run_tasks()
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error_code == "bad_response"
    assert not job.image


def test_custom_base_url_is_used(
    openai_api, settings, user, django_capture_on_commit_callbacks, run_tasks
):
    """OPENAI_BASE_URL points generation at any OpenAI-compatible server."""
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    with django_capture_on_commit_callbacks(execute=True):
        image = services.generation_request(user=user, prompt="A dog", size="1024x1536")
    route = openai_api.post("http://127.0.0.1:9/v1/images/generations").mock(
        return_value=httpx.Response(200, json=b64_image())
    )
    run_tasks()
    image.refresh_from_db()
    assert route.called
    assert image.status == Status.SUCCEEDED


@pytest.mark.parametrize("code", ["content_policy_violation", "moderation_blocked"])
def test_safety_rejection_is_not_retried_nor_counted(openai_api, job, run_tasks, user, code):
    """A safety rejection fails at once with 'please rephrase' and leaves the allowance."""
    route = openai_api.post(GENERATIONS).mock(return_value=error(400, code))
    run_due(run_tasks)
    job.refresh_from_db()
    assert route.call_count == 1
    assert job.status == Status.FAILED
    assert "rejected by the safety system" in job.error_message
    assert "rephrase" in job.error_message
    assert services.allowance_for(user).used == 0


@pytest.mark.parametrize(
    ("status", "code"),
    [(429, "insufficient_quota"), (400, "billing_hard_limit_reached")],
)
def test_billing_exhausted_pauses_generation_and_alerts(
    openai_api, job, run_tasks, user, caplog, status, code, django_capture_on_commit_callbacks
):
    """Exhausted billing: no retry, the user is told, managers alerted, new requests refused."""
    route = openai_api.post(GENERATIONS).mock(return_value=error(status, code))
    with caplog.at_level(logging.ERROR, logger="dalle.services"):
        run_due(run_tasks)
    job.refresh_from_db()
    assert route.call_count == 1
    assert job.status == Status.FAILED
    assert job.error_message == services.UNAVAILABLE_MESSAGE
    assert any("Image generation paused" in r.getMessage() for r in caplog.records)
    assert not GenerationSwitch.load().enabled
    with (
        pytest.raises(services.GenerationRefused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.generation_request(user=user, prompt="again", size="1024x1024")


@pytest.mark.parametrize(
    ("status", "code"), [(401, "invalid_api_key"), (403, "unverified_organization")]
)
def test_auth_errors_fail_and_alert_managers(
    openai_api, job, run_tasks, status, code, admin_client
):
    """A bad key or an unverified organisation fails the job and shows a notice in the admin."""
    openai_api.post(GENERATIONS).mock(return_value=error(status, code))
    run_due(run_tasks)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error_code == "auth_error"
    notice = admin_client.get("/admin/").content.decode()
    assert "Image generation is paused" in notice


def test_rate_limit_is_retried_honouring_retry_after(openai_api, job, run_tasks):
    """A 429 rate limit is retried after Retry-After, then succeeds."""
    route = openai_api.post(GENERATIONS)
    route.side_effect = [
        error(429, "rate_limit_exceeded", {"retry-after": "30"}),
        httpx.Response(200, json=b64_image()),
    ]
    run_tasks()
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after >= timezone.now() + timedelta(seconds=25)
    assert run_tasks() == 0  # not due yet
    run_due(run_tasks)
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    assert job.attempts == 2


def test_server_errors_back_off_then_give_up(openai_api, job, run_tasks, settings):
    """5xx answers are retried a bounded number of times, then 'busy, please try again'."""
    settings.GENERATION_MAX_ATTEMPTS = 3
    route = openai_api.post(GENERATIONS).mock(return_value=error(500, "server_error"))
    delays = []
    for _ in range(5):
        run_due(run_tasks)
        pending = DBTaskResult.objects.filter(status="READY").first()
        if pending:
            delays.append((pending.run_after - timezone.now()).total_seconds())
    job.refresh_from_db()
    assert route.call_count == 3
    assert job.status == Status.FAILED
    assert "busy" in job.error_message
    assert delays[1] > delays[0]  # exponential backoff


def test_timeout_is_retried_once_only(openai_api, job, run_tasks):
    """A timeout may have billed already: it is retried once, then fails."""
    route = openai_api.post(GENERATIONS).mock(side_effect=httpx.ReadTimeout("slow"))
    for _ in range(4):
        run_due(run_tasks)
    job.refresh_from_db()
    assert route.call_count == 2
    assert job.status == Status.FAILED
    assert job.error_code == "timeout"


def test_connection_error_is_retried(openai_api, job, run_tasks):
    """A refused connection did no work, so it is retried and can succeed."""
    route = openai_api.post(GENERATIONS)
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(200, json=b64_image())]
    run_due(run_tasks)
    run_due(run_tasks)
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED


def test_running_a_job_twice_stores_one_image(openai_api, job, run_tasks):
    """A duplicate task finds the job taken and calls the provider once."""
    from dalle.tasks import generate_image

    route = openai_api.post(GENERATIONS).mock(return_value=httpx.Response(200, json=b64_image()))
    generate_image.enqueue(image_id=job.pk)
    assert run_tasks() == 2
    assert route.call_count == 1
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    folder = job.image.name.rsplit("/", 1)[0]
    # The original, its preview and its sized previews, once.
    assert len(storages["private"].listdir(folder)[1]) == 2 + len(job.sized_previews) == 6


def test_stale_running_job_is_requeued_then_failed(django_capture_on_commit_callbacks, settings):
    """A job left running by a dead worker is requeued, and failed after the last attempt."""
    settings.GENERATION_MAX_ATTEMPTS = 2
    long_ago = timezone.now() - timedelta(hours=2)
    stale = QueuedImageFactory(status=Status.RUNNING, started_at=long_ago, attempts=1)
    dead = QueuedImageFactory(status=Status.RUNNING, started_at=long_ago, attempts=2)
    fresh = QueuedImageFactory(status=Status.RUNNING, started_at=timezone.now(), attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.generation_recover_stale() == 2
    for image in (stale, dead, fresh):
        image.refresh_from_db()
    assert stale.status == Status.QUEUED
    assert dead.status == Status.FAILED
    assert "took far too long" in dead.error_message
    assert fresh.status == Status.RUNNING
    assert DBTaskResult.objects.count() == 1


def test_sweep_command(django_capture_on_commit_callbacks):
    """`manage.py sweep_generations` runs the stale sweep for cron or the worker host."""
    from django.core.management import call_command

    QueuedImageFactory(status=Status.RUNNING, started_at=timezone.now() - timedelta(hours=2))
    from io import StringIO

    out = StringIO()
    call_command("sweep_generations", stdout=out)
    assert "1 stale" in out.getvalue()


def test_jobs_queued_behind_a_billing_refusal_are_held_then_resumed(
    openai_api, user, other_user, manager, run_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    """After the provider refuses the account, queued jobs wait (not sent, not failed); managers
    get one e-mail for the pause; switching generation back on paints them."""
    with django_capture_on_commit_callbacks(execute=True):
        jobs = [
            services.generation_request(user=owner, prompt=f"Job {n}", size="1024x1024")
            for n, owner in enumerate([user, user, other_user])
        ]
    route = openai_api.post(GENERATIONS)
    route.side_effect = [error(429, "insufficient_quota")] + [
        httpx.Response(200, json=b64_image()) for _ in jobs
    ]
    run_due(run_tasks)
    statuses = [GeneratedImage.objects.get(pk=job.pk).status for job in jobs]
    assert route.call_count == 1, "nothing more is sent to a provider that refused us"
    assert statuses == [Status.FAILED, Status.QUEUED, Status.QUEUED]
    run_due(run_tasks)
    alerts = [m for m in mailoutbox if manager.email in m.to]
    assert len(alerts) == 1
    assert "paused" in alerts[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        assert services.generation_resume() == 2
    run_due(run_tasks)
    statuses = [GeneratedImage.objects.get(pk=job.pk).status for job in jobs]
    assert statuses == [Status.FAILED, Status.SUCCEEDED, Status.SUCCEEDED]
    assert route.call_count == 3
