from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Run the worker for one task queue with that queue's settings (TASK_QUEUES): "
        "`concurrency` jobs at once in this one process. SIGTERM stops claiming jobs and "
        "exits once the running ones have finished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queue", help=f"one of: {', '.join(settings.TASK_QUEUES)}")
        parser.add_argument("--concurrency", type=int, help="override the queue's setting")
        parser.add_argument("--interval", type=float, help="override the queue's setting")

    def handle(self, *, queue: str, concurrency: int | None, interval: float | None, **options):
        if queue not in settings.TASK_QUEUES:
            raise CommandError(
                f"Unknown queue {queue!r}: use one of {', '.join(settings.TASK_QUEUES)}"
            )
        config = settings.TASK_QUEUES[queue]
        call_command(
            "db_async_worker",
            queue_name=queue,
            concurrency=concurrency or config["concurrency"],
            interval=config["interval"] if interval is None else interval,
            # Never reload: a reload kills running jobs, which a queue of slow jobs cannot afford.
            reload=False,
            verbosity=options["verbosity"],
        )
