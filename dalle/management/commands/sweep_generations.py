from django.core.management.base import BaseCommand

from dalle.services import generation_recover_stale


class Command(BaseCommand):
    help = "Requeue or fail generation jobs left running by a worker that stopped (run from cron)."

    def handle(self, *args, **options) -> None:
        found = generation_recover_stale()
        self.stdout.write(f"{found} stale generation job(s) recovered.")
