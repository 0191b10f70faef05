"""The Celery application that runs Django's tasks when TASKS_BACKEND is "celery".

`manage.py task_worker QUEUE` starts `celery --app core.celery worker` for that one queue with
the queue's settings (TASK_QUEUES in core/settings.py); lib/celery_backend.py says how a task
travels. Configuration comes from the CELERY_* settings.

Stopping (SIGTERM) is Celery's warm shutdown: the worker takes no new job and waits for the
running ones. Jobs are acknowledged only once they have finished (late acknowledgement), so
after the queue's `shutdown_grace` the worker hands the jobs still running back by exiting
without acknowledging them: the broker gives each to the next worker, which finds it by its
task id (dalle/runner.py takes a handed-back generation up again). Celery's own "soft
shutdown" cannot do this with a thread pool (threads cannot be cancelled, celery#10490).
"""

import logging
import os
import threading

from celery import Celery
from celery.signals import celeryd_init, worker_shutting_down
from celery.worker import state
from django.db import InterfaceError, OperationalError, close_old_connections

from lib.celery_backend import RUN_TASK, task_run

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
logger = logging.getLogger(__name__)

app = Celery("aigallery")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Seconds a stopping worker lets its running jobs finish: its queue's shutdown_grace.
_grace = {"seconds": 0.0}


@app.task(name=RUN_TASK, bind=True, max_retries=None)
def run_task(self, module_path: str, args: list, kwargs: dict):
    """Run one Django task; a database that cannot be reached now means "again, later".

    The job is sent again under the same id (1 s, doubling, at most 30 s), as the database
    worker keeps polling through a database restart; tasks are safe to run twice.
    """
    try:
        return task_run(self.request, module_path, args, kwargs)
    except (OperationalError, InterfaceError) as error:
        close_old_connections()
        raise self.retry(exc=error, countdown=min(2**self.request.retries, 30)) from error


@celeryd_init.connect
def _grace_of_the_queue(sender, conf, options, **kwargs) -> None:
    """The worker serves the queues it was started for: the longest of their graces applies."""
    from django.conf import settings

    queues = options.get("queues") or []
    if isinstance(queues, str):
        queues = queues.split(",")
    graces = [settings.TASK_QUEUES[name]["shutdown_grace"] for name in queues]
    _grace["seconds"] = max(graces, default=0.0)


@worker_shutting_down.connect
def _hand_back_after_the_grace(sig, how, exitcode, **kwargs) -> None:
    """Once the grace is over, exit without acknowledging the jobs that are still running."""
    timer = threading.Timer(_grace["seconds"], _hand_back)
    timer.daemon = True  # a worker whose jobs finished in time exits at once
    timer.start()


def _hand_back() -> None:
    running = [request.id for request in state.active_requests]
    logger.warning(
        "Shutdown grace of %.0f s over: %s running job(s) handed back to the broker: %s",
        _grace["seconds"],
        len(running),
        ", ".join(running),
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    # No cleanup on purpose: the broker takes an unacknowledged job back when the connection
    # closes, and the database rolls back any transaction left open.
    os._exit(0)
