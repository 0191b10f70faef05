from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from printlab.contract import LabError
from purchases import fulfilment


@task(queue_name="fulfilment")
def order_lab_submit(order_id: int, attempt: int = 1) -> None:
    """Send a paid print order to the lab; a passing failure tries again later, with back-off."""
    retry_at = fulfilment.lab_submit(order_id=order_id, attempt=attempt)
    if retry_at is not None:
        order_lab_submit.using(run_after=retry_at).enqueue(order_id=order_id, attempt=attempt + 1)


@task(queue_name="fulfilment")
def order_lab_refresh(lab_order_id: str, attempt: int = 1) -> None:
    """Ask the lab about one of its orders and apply the answer (a callback's follow-up)."""
    try:
        fulfilment.lab_refresh(lab_order_id=lab_order_id)
    except LabError as error:
        if error.permanent or attempt >= 5:
            raise
        run_after = timezone.now() + timedelta(seconds=30 * 2 ** (attempt - 1))
        order_lab_refresh.using(run_after=run_after).enqueue(
            lab_order_id=lab_order_id, attempt=attempt + 1
        )
