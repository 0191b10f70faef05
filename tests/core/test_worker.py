import subprocess
import sys
import time

import pytest
from django_tasks_db.models import DBTaskResult

from tests.conftest import ROOT, process_env


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_by_a_request_runs_in_a_real_worker_process(client, user, tmp_path):
    """A password reset asked for on the site is e-mailed by a separate db_worker process."""
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"

    outbox = tmp_path / "mail"
    env = process_env(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            queued.refresh_from_db()
            if queued.status in ("SUCCESSFUL", "FAILED"):
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=10)[0]
    assert queued.status == "SUCCESSFUL", output
    sent = "".join(path.read_text() for path in outbox.iterdir())
    assert f"To: {user.email}" in sent
    assert "/accounts/reset/" in sent
