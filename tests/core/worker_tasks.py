"""Tasks that only the worker tests enqueue: stand-ins for jobs that wait on another system."""

import time

from django.tasks import task


@task(queue_name="generation")
def nap(seconds: float) -> list[float]:
    """Wait like a generation waits on its provider; return when it started and ended."""
    started = time.time()
    time.sleep(seconds)
    return [started, time.time()]
