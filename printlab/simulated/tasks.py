"""The simulated lab's timer: one task per step, each scheduling the next once it is taken."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from printlab.simulated.models import SimulatedLabOrder
from printlab.simulated.services import simulated_step


@task(queue_name="fulfilment")
def simulated_lab_step(lab_id: str, step: int) -> None:
    """Move one simulated order on to `step`; a second run finds it moved and does nothing."""
    taken = simulated_step(lab_id=lab_id, step=step)
    if taken and step < SimulatedLabOrder.Step.DELIVERED:
        simulated_schedule(lab_id=lab_id, step=step + 1)


def simulated_schedule(*, lab_id: str, step: int) -> None:
    """Run `step` LAB_SIMULATED_STEP_SECONDS after the current transaction commits."""

    def enqueue() -> None:
        run_after = timezone.now() + timedelta(seconds=settings.LAB_SIMULATED_STEP_SECONDS)
        simulated_lab_step.using(run_after=run_after).enqueue(lab_id=lab_id, step=step)

    transaction.on_commit(enqueue)
