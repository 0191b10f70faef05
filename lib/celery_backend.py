"""Django's task framework on Celery: `enqueue` sends a message, a Celery worker runs the task.

Tasks stay plain `@task` functions enqueued on commit; only the transport changes. Celery
brings what django-tasks-db's worker lacks: many jobs in flight in one process (a gevent
pool), a broker that hands a job to another worker when its worker stops or dies (late
acknowledgement), and one worker per queue with that queue's concurrency and time limit.

Every message names one Celery task, `RUN_TASK`, whose arguments are the Django task's
import path and its arguments; the worker imports the task and runs it with `Task.call`, as
the database worker does. No result is stored: nothing reads task results (pages read their
own rows), and the broker's queue depth is the backlog.
"""

import uuid
from dataclasses import replace
from typing import Any

from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext, TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

RUN_TASK = "aigallery.run_task"


class CeleryBackend(BaseTaskBackend):
    """OPTIONS: `APP`, the import path of the Celery application (`core.celery.app`)."""

    supports_defer = True
    supports_async_task = True

    @cached_property
    def app(self):
        return import_string(self.options["APP"])

    def enqueue(self, task: Task, args: list, kwargs: dict[str, Any]) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=str(uuid.uuid4()),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        self.app.send_task(
            RUN_TASK,
            args=[task.module_path, result.args, result.kwargs],
            task_id=result.id,
            queue=task.queue_name,
            eta=task.run_after,
        )
        task_enqueued.send(type(self), task_result=result)
        return result

    def queue_depth(self) -> int:
        """Messages waiting in every queue of this backend (not those a worker holds)."""
        with self.app.connection_for_write() as connection:
            channel = connection.default_channel
            return sum(
                channel.queue_declare(queue=name, passive=True).message_count
                for name in self.queues
            )


def task_run(request, module_path: str, args: list, kwargs: dict[str, Any]) -> Any:
    """Run one Django task inside a Celery worker; `request` is Celery's task request.

    The result's id is the message's id, the same on every delivery of that message, so a job
    handed back by a stopping worker is recognisable as the same job when it runs again.
    """
    task = import_string(module_path)
    now = timezone.now()
    result = TaskResult(
        task=task,
        id=request.id,
        status=TaskResultStatus.RUNNING,
        enqueued_at=None,
        started_at=now,
        finished_at=None,
        last_attempted_at=now,
        args=args,
        kwargs=kwargs,
        backend=task.backend,
        errors=[],
        worker_ids=[request.hostname or ""],
    )
    backend_type = type(task.get_backend())
    task_started.send(backend_type, task_result=result)
    try:
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *args, **kwargs)
        else:
            value = task.call(*args, **kwargs)
    except Exception:
        ended = replace(result, status=TaskResultStatus.FAILED, finished_at=timezone.now())
        task_finished.send(backend_type, task_result=ended)
        raise
    ended = replace(result, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
    task_finished.send(backend_type, task_result=ended)
    return value
