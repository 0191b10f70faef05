from django.tasks import task


@task
def generate_image(image_id: int) -> None:
    """Paint one queued image; safe to run twice (the second run finds it claimed)."""
    from dalle.services import generation_run  # inside the body: services enqueue this task

    generation_run(image_id=image_id)
