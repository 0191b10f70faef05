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
        "Run the workers of one task queue with that queue's settings (TASK_QUEUES): "
        "`processes` django-tasks-db `db_worker` processes, each running one job at a time. "
        "SIGTERM stops claiming jobs and exits once the running ones have finished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "queue", help=f"one of: {', '.join(settings.TASK_QUEUES)}, or * for every queue"
        )
        parser.add_argument("--processes", type=int, help="override the queue's setting")
        parser.add_argument("--interval", type=float, help="override the queue's setting")

    def handle(self, *, queue: str, processes: int | None, interval: float | None, **options):
        if queue not in settings.TASK_QUEUES and queue != "*":
            raise CommandError(
                f"Unknown queue {queue!r}: use one of {', '.join(settings.TASK_QUEUES)}, or *"
            )
        config = settings.TASK_QUEUES.get(queue, {"processes": 1, "interval": 0.5})
        processes = config["processes"] if processes is None else processes
        interval = config["interval"] if interval is None else interval
        if processes < 1:
            raise CommandError("--processes must be at least 1")
        if processes == 1:
            # django-tasks-db's worker loop, kept alive through a database restart; never
            # reloaded (a reload kills the running job, which slow jobs cannot afford).
            DbWorkerCommand().configure_logging(options["verbosity"])
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
            return
        sys.exit(_supervise(queue, processes, interval, options["verbosity"]))


def _supervise(queue: str, processes: int, interval: float, verbosity: int) -> int:
    """Start `processes` single workers and pass SIGTERM on; the worst exit code wins.

    A stop signal reaches every child once, each finishes its running job, and this process
    waits for all of them, so a platform's grace period covers the slowest job. Ctrl+C in a
    terminal already reaches every child (one process group), so SIGINT is not passed on: a
    second signal would make db_worker abandon its job.
    """
    manage = str(settings.BASE_DIR / "manage.py")
    command = [sys.executable, manage, "task_worker", queue, "--processes", "1"]
    command += ["--interval", str(interval), "--verbosity", str(verbosity)]
    children = [subprocess.Popen(command) for _ in range(processes)]

    def forward(signum, frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return max(child.wait() for child in children)
