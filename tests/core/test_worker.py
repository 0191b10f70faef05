import pytest
from django_tasks_db.models import DBTaskResult

from tests.conftest import wait_for


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_by_a_request_runs_in_a_real_worker_process(
    client, user, tmp_path, worker_process
):
    """A password reset asked for on the site is e-mailed by a separate db_worker process."""
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"

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
