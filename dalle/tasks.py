from django.tasks import task

from dalle.runner import generation_run


@task(queue_name="generation")
def generate_image(image_id: int) -> None:
    """Paint one queued image; safe to run twice (the second run finds it claimed)."""
    retry_at = generation_run(image_id=image_id)
    if retry_at is not None:
        # The job is back in the queue (committed): run it again once the back-off is over.
        generate_image.using(run_after=retry_at).enqueue(image_id=image_id)
