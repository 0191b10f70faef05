from django.tasks import task

from dalle import services


@task(queue_name="generation")
def generate_image(image_id: int) -> None:
    """Paint one queued image; safe to run twice (the second run finds it claimed)."""
    services.generation_run(image_id=image_id)
