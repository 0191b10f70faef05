"""Production's task workers (TASKS_BACKEND=celery): RabbitMQ, `manage.py task_worker QUEUE`.

Each test runs real worker processes on the test database against RabbitMQ (a virtual host of
this run's own) and an OpenAI-compatible image server on loopback that takes its time.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from dalle.models import GeneratedImage, ImageEvent
from dalle.tasks import generate_image
from lib.mail import email_send
from tests.conftest import ROOT, process_env, wait_for
from tests.core.slow_provider import SlowProvider
from tests.dalle.factories import QueuedImageFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = GeneratedImage.Status


def _rabbitmq_or_skip() -> None:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
        reachable = bool(shutil.which("rabbitmqctl"))
    except OSError:
        reachable = False
    if not reachable:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Celery worker tests: RabbitMQ on 127.0.0.1:5672")
        pytest.skip("needs RabbitMQ on 127.0.0.1:5672 and rabbitmqctl")


@pytest.fixture(scope="session")
def broker_url():
    """A RabbitMQ virtual host for this test run only; deleted with its queues at the end."""
    if connection.vendor != "postgresql":
        pytest.skip("the Celery workers run on PostgreSQL")
    _rabbitmq_or_skip()
    vhost = f"aig-test-{secrets.token_hex(4)}"

    def ctl(*args: str) -> None:
        subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)

    ctl("add_vhost", vhost)
    ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    ctl("delete_vhost", vhost)


@pytest.fixture
def celery_tasks(settings, broker_url):
    """This process enqueues to the broker, as the web processes of production do."""
    from core.celery import app

    app.conf.broker_url = broker_url
    settings.TASKS = {
        "default": {
            "BACKEND": "lib.celery_backend.CeleryBackend",
            "QUEUES": list(settings.TASK_QUEUES),
            "OPTIONS": {"APP": "core.celery.app"},
        }
    }
    return broker_url


@pytest.fixture
def celery_worker(celery_tasks, tmp_path):
    """`manage.py task_worker QUEUE ...` as production runs it; killed after the test."""
    started = []

    def start(queue: str, *args: str, provider: SlowProvider | None = None, **extra: str):
        log = tmp_path / f"{queue}-{len(started)}.log"
        env = process_env(
            TASKS_BACKEND="celery",
            CELERY_BROKER_URL=celery_tasks,
            MEDIA_ROOT=str(tmp_path / "media"),
            PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(tmp_path / "mail"),
            CHATBOT_PROVIDER="offline",
            LOG_LEVEL="INFO",
            **extra,
        )
        if provider:
            env.update(
                IMAGE_PROVIDER="openai", OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=provider.base_url
            )
        with open(log, "w") as output:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "task_worker", queue, *args],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture
def slow_provider():
    providers = []

    def make(delay) -> SlowProvider:
        providers.append(SlowProvider(delay))
        return providers[-1]

    yield make
    for provider in providers:
        provider.close()


def queue_generations(count: int) -> list[GeneratedImage]:
    images = QueuedImageFactory.create_batch(count)
    for image in images:
        generate_image.enqueue(image_id=image.pk)
    return images


def statuses(images) -> list[str]:
    return list(
        GeneratedImage.objects.filter(pk__in=[i.pk for i in images]).values_list(
            "status", flat=True
        )
    )


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) / 1024 for line in status.splitlines() if "VmRSS" in line)


def test_one_worker_process_holds_fifty_generations_at_the_provider(celery_worker, slow_provider):
    """60 generations, a provider taking 6 s each, one process of concurrency 50: the provider
    holds 50 requests at once (never more), the process stays under 300 MB, and all 60 end."""
    provider = slow_provider(lambda n: 6)
    images = queue_generations(60)
    worker = celery_worker("generation", "--concurrency", "50", provider=provider)

    wait_for(lambda: provider.in_flight >= 50, timeout=90)
    assert rss_mb(worker.pid) < 300
    assert Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text() == ""
    assert statuses(images).count(Status.QUEUED) == 10, "the other 10 wait their turn"

    wait_for(lambda: statuses(images) == [Status.SUCCEEDED] * 60, timeout=90)
    assert provider.peak == 50
    assert provider.calls == 60


def test_an_interactive_job_finishes_while_generation_is_backlogged(
    celery_worker, slow_provider, tmp_path
):
    """With every generation slot busy and more generations waiting, an e-mail and a chat
    reply (their own queue, their own worker) are done within seconds."""
    from chatbot.models import Conversation, Message
    from chatbot.services import chat_send
    from tests.factories import UserFactory

    provider = slow_provider(lambda n: 30)
    images = queue_generations(6)
    celery_worker("generation", "--concurrency", "2", provider=provider)
    celery_worker("interactive")
    wait_for(lambda: provider.in_flight == 2, timeout=90)

    shopper = UserFactory()
    conversation = Conversation.objects.create(user=shopper)
    question = chat_send(conversation=conversation, user=shopper, session_key="", text="Hello")
    email_send.enqueue(subject="Your order", body="Shipped", to=["ada@example.com"])
    outbox = tmp_path / "mail"
    asked = time.monotonic()
    wait_for(lambda: outbox.exists() and any(outbox.iterdir()), timeout=60)
    wait_for(lambda: Message.objects.filter(in_reply_to=question).exists(), timeout=30)

    assert time.monotonic() - asked < 30, "answered long before a generation slot frees"
    assert "To: ada@example.com" in "".join(p.read_text() for p in outbox.iterdir())
    assert statuses(images).count(Status.QUEUED) == 4, "the generation backlog is still there"
    assert provider.calls == 2


def test_a_stopped_worker_hands_its_running_generations_to_the_next_worker(
    celery_worker, slow_provider
):
    """SIGTERM mid-generation: the worker exits once its grace is over without finishing the
    two jobs at the provider; a new worker paints each of them, once."""
    # The first two requests would take far longer than the grace; the next ones are quick.
    provider = slow_provider(lambda n: 120 if n <= 2 else 0.5)
    images = queue_generations(3)
    first = celery_worker(
        "generation", "--concurrency", "2", provider=provider, WORKER_GENERATION_SHUTDOWN_GRACE="1"
    )
    wait_for(lambda: provider.in_flight == 2, timeout=90)

    first.send_signal(signal.SIGTERM)
    first.wait(timeout=30)
    output = first.log.read_text()
    assert first.returncode == 0, output
    assert "2 running job(s) handed back to the broker" in output
    assert sorted(statuses(images)) == [Status.QUEUED, Status.RUNNING, Status.RUNNING]

    celery_worker("generation", "--concurrency", "2", provider=provider)
    wait_for(lambda: statuses(images) == [Status.SUCCEEDED] * 3, timeout=90)

    assert provider.calls == 5  # two abandoned with the first worker, three answered
    for image in images:
        notes = list(ImageEvent.objects.filter(image=image).values_list("note", flat=True))
        assert notes.count("painted") == 1
    handed_back = ImageEvent.objects.filter(note="handed back by a stopping worker")
    assert handed_back.count() == 2
    files = list((Path(first.log).parent / "private" / "images").rglob("*.png"))
    assert len(files) == 3, "one original per picture, none stored twice"


def test_health_reports_the_jobs_waiting_at_the_broker(celery_tasks, client):
    """/healthz counts the messages waiting in RabbitMQ as the task backlog."""
    from core.celery import app

    with app.connection_for_write() as broker:
        for queue in ("generation", "interactive", "fulfilment"):
            broker.default_channel.queue_declare(queue=queue, durable=True, auto_delete=False)
            broker.default_channel.queue_purge(queue)
    queue_generations(3)
    email_send.enqueue(subject="Hello", body="Hi", to=["ada@example.com"])

    report = client.get("/healthz").json()

    assert report["checks"]["tasks"] == {"status": "ok", "backlog": 4}
