import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from lib.worker import ResilientWorker


class Command(BaseCommand):
    help = (
        "Run the workers of one task queue with that queue's settings (TASK_QUEUES). "
        "Database backend: `processes` db_worker processes, one job at a time each; SIGTERM "
        "finishes the running job. Celery backend: one Celery worker holding `concurrency` "
        "jobs at once; SIGTERM gives them the queue's shutdown grace, then hands the rest back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "queue", help=f"one of: {', '.join(settings.TASK_QUEUES)}, or * for every queue"
        )
        parser.add_argument("--processes", type=int, help="override the queue's setting")
        parser.add_argument("--interval", type=float, help="override the queue's setting")
        parser.add_argument(
            "--concurrency", type=int, help="override the queue's setting (Celery backend)"
        )

    def handle(self, *, queue: str, processes, interval, concurrency, **options):
        if queue not in settings.TASK_QUEUES and queue != "*":
            raise CommandError(
                f"Unknown queue {queue!r}: use one of {', '.join(settings.TASK_QUEUES)}, or *"
            )
        verbosity = options["verbosity"]
        if settings.TASKS_BACKEND == "celery":
            if queue == "*":
                commands = [self._own_command(name, verbosity) for name in settings.TASK_QUEUES]
                sys.exit(_supervise(commands))
            _celery_worker(queue, concurrency, verbosity)  # never returns
        config = settings.TASK_QUEUES.get(queue, {"processes": 1, "interval": 0.5})
        processes = config["processes"] if processes is None else processes
        interval = config["interval"] if interval is None else interval
        if processes < 1:
            raise CommandError("--processes must be at least 1")
        if processes == 1:
            _db_worker(queue, interval, verbosity)
            return
        command = self._own_command(queue, verbosity)
        command += ["--processes", "1", "--interval", str(interval)]
        sys.exit(_supervise([command] * processes))

    @staticmethod
    def _own_command(queue: str, verbosity: int) -> list[str]:
        manage = str(settings.BASE_DIR / "manage.py")
        return [sys.executable, manage, "task_worker", queue, "--verbosity", str(verbosity)]


def _db_worker(queue: str, interval: float, verbosity: int) -> None:
    """django-tasks-db's worker loop, kept alive through a database restart.

    Never reloaded (a reload kills the running job, which slow jobs cannot afford).
    """
    DbWorkerCommand().configure_logging(verbosity)
    worker = ResilientWorker(
        queue_names=[queue],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=True,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


def _celery_worker(queue: str, concurrency: int | None, verbosity: int) -> None:
    """Become `celery worker` for one queue: a pool of the queue's `concurrency` threads.

    Exec'd, so that the platform's stop signal reaches Celery itself. SIGTERM is Celery's warm
    shutdown: no new job is taken and the running ones finish; those still running after the
    queue's `shutdown_grace` are handed back to the broker (core/celery.py). The process keeps
    at most the queue's `connections` database connections (its pool).
    """
    config = settings.TASK_QUEUES[queue]
    concurrency = config["concurrency"] if concurrency is None else concurrency
    if concurrency < 1:
        raise CommandError("--concurrency must be at least 1")
    level = {0: "WARNING", 1: "INFO"}.get(verbosity, "DEBUG")
    # A node name of its own, so that several workers of a queue can share a machine.
    node = f"{queue}-{get_random_string(6).lower()}@%h"
    command = [sys.executable, "-m", "celery", "--app", "core.celery", "worker"]
    command += ["--queues", queue, "--hostname", node, "--loglevel", level]
    command += ["--pool", "threads", "--concurrency", str(concurrency)]
    command += ["--prefetch-multiplier", "1", "--without-gossip", "--without-mingle"]
    # Jobs share the pool: one may wait its turn for a connection longer than a web request.
    env = {
        **os.environ,
        "DATABASE_POOL_MAX": str(config["connections"]),
        "DATABASE_POOL_TIMEOUT": "30",
        # glibc gives every thread its own malloc arena; a hundred threads would keep a
        # hundred arenas' worth of freed memory. Two arenas hold a thread pool's RSS down.
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
    }
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(settings.BASE_DIR)
    os.execve(sys.executable, command, env)


def _supervise(commands: list[list[str]]) -> int:
    """Start one child per command and pass SIGTERM on; the worst exit code wins.

    A stop signal reaches every child once, each stops as its backend does, and this process
    waits for all of them, so a platform's grace period covers the slowest job. Ctrl+C in a
    terminal already reaches every child (one process group), so SIGINT is not passed on: a
    second signal would make a worker abandon its job at once.
    """
    children = [subprocess.Popen(command) for command in commands]

    def forward(signum, frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return max(child.wait() for child in children)
