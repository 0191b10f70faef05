from django.core.management.base import BaseCommand

from dalle.files import relocate_image_files
from dalle.models import GeneratedImage


class Command(BaseCommand):
    help = "Move image files to the private/public layout (the migration runs this; re-runnable)."

    def handle(self, *args, **options) -> None:
        count = 0
        for image in GeneratedImage.objects.exclude(image="").iterator():
            relocate_image_files(image)
            count += 1
        self.stdout.write(f"Checked {count} images.")
