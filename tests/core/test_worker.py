import contextlib
import os
import signal
import subprocess
import sys

import pytest
from django_tasks_db.models import DBTaskResult

from lib.mail import email_send
from tests.conftest import ROOT, process_env, wait_for
from tests.core.worker_tasks import nap


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_by_a_request_runs_in_a_real_worker_process(
    client, user, tmp_path, worker_process
):
    """A password reset asked for on the site is e-mailed by a separate db_worker process."""
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.queue_name == "interactive"

    outbox = tmp_path / "mail"
    worker_process(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    )

    def task_finished():
        """the worker to finish the e-mail task"""
        queued.refresh_from_db()
        return queued.status in ("SUCCESSFUL", "FAILED")

    wait_for(task_finished)
    assert queued.status == "SUCCESSFUL"
    sent = "".join(path.read_text() for path in outbox.iterdir())
    assert f"To: {user.email}" in sent
    assert "/accounts/reset/" in sent


@pytest.fixture
def queue_worker(tmp_path):
    """`manage.py task_worker QUEUE` as production runs it, on the test database."""
    started = []

    def start(queue: str, *args: str, **extra_env: str) -> subprocess.Popen:
        env = process_env(MEDIA_ROOT=str(tmp_path / "media"), **extra_env)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "task_worker", queue, "--interval", "0.2", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its group: the teardown stops its worker children too
        )
        started.append(process)
        return process

    yield start
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=10)


def statuses(results) -> list[str]:
    return [DBTaskResult.objects.get(pk=result.id).status for result in results]


@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_while_generations_are_still_waiting_their_turn(queue_worker, tmp_path):
    """An e-mail enqueued behind a backlog of generations goes out before the backlog drains."""
    backlog = [nap.enqueue(3) for _ in range(6)]
    outbox = tmp_path / "mail"
    mail_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }
    queue_worker("generation", "--processes", "2", **mail_env)
    queue_worker("interactive", "--processes", "1", **mail_env)
    wait_for(lambda: "RUNNING" in statuses(backlog))

    email = email_send.enqueue(subject="Your order", body="Shipped", to=["ada@example.com"])
    wait_for(lambda: statuses([email]) == ["SUCCESSFUL"], timeout=20)

    assert "To: ada@example.com" in "".join(path.read_text() for path in outbox.iterdir())
    assert "READY" in statuses(backlog), "generations were still queued when the e-mail left"


@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_mid_job_finishes_it_and_leaves_the_rest_queued(queue_worker):
    """SIGTERM: the running jobs complete, queued jobs stay queued, the workers exit cleanly."""
    jobs = [nap.enqueue(2) for _ in range(5)]
    worker = queue_worker("generation", "--processes", "2")
    wait_for(lambda: statuses(jobs).count("RUNNING") == 2)

    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=20)

    assert worker.returncode == 0, output
    assert sorted(statuses(jobs)) == ["READY"] * 3 + ["SUCCESSFUL"] * 2
