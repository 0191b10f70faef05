import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Run the workers of one task queue with that queue's settings (TASK_QUEUES): "
        "`processes` django-tasks-db `db_worker` processes, each running one job at a time. "
        "SIGTERM stops claiming jobs and exits once the running ones have finished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queue", help=f"one of: {', '.join(settings.TASK_QUEUES)}")
        parser.add_argument("--processes", type=int, help="override the queue's setting")
        parser.add_argument("--interval", type=float, help="override the queue's setting")

    def handle(self, *, queue: str, processes: int | None, interval: float | None, **options):
        if queue not in settings.TASK_QUEUES:
            raise CommandError(
                f"Unknown queue {queue!r}: use one of {', '.join(settings.TASK_QUEUES)}"
            )
        config = settings.TASK_QUEUES[queue]
        processes = config["processes"] if processes is None else processes
        interval = config["interval"] if interval is None else interval
        if processes < 1:
            raise CommandError("--processes must be at least 1")
        if processes == 1:
            call_command(
                "db_worker",
                queue_name=queue,
                interval=interval,
                # Never reload: a reload kills the running job, which slow jobs cannot afford.
                reload=False,
                verbosity=options["verbosity"],
            )
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
