from collections import Counter

from django.core.management.base import BaseCommand

from dalle.files import image_sizes_backfill
from dalle.models import GeneratedImage


class Command(BaseCommand):
    help = (
        "Give finished images their sized previews (srcset) and, while public, their public "
        "copies. Safe to run again: an image that has them is left alone."
    )

    def handle(self, *args, **options) -> None:
        done: Counter[str] = Counter()
        checked = 0
        finished = GeneratedImage.objects.filter(status=GeneratedImage.Status.SUCCEEDED)
        for image in finished.exclude(image="").order_by("pk").iterator():
            checked += 1
            for action in image_sizes_backfill(image=image):
                done[action] += 1
        summary = ", ".join(f"{action}: {count}" for action, count in sorted(done.items()))
        self.stdout.write(f"Checked {checked} images. {summary or 'Nothing to do.'}")
