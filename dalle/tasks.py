from django.tasks import TaskContext, task

from dalle.runner import generation_run


@task(queue_name="generation", takes_context=True)
def generate_image(context: TaskContext, image_id: int) -> None:
    """Paint one queued image; safe to run twice (the second run finds it claimed)."""
    retry_at = generation_run(image_id=image_id, run_id=str(context.task_result.id))
    if retry_at is not None:
        # The job is back in the queue (committed): run it again once the back-off is over.
        generate_image.using(run_after=retry_at).enqueue(image_id=image_id)
