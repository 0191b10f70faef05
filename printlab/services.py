"""Lab events in, one signal out."""

from django.db import transaction

from printlab.callbacks import LabCallback
from printlab.models import LabEvent
from printlab.signals import lab_order_changed


def lab_event_receive(*, callback: LabCallback, lab: str) -> bool:
    """Record the event once and tell the shop; False (and no signal) for a replay.

    One transaction: a receiver that fails rolls the record back, so the lab's next delivery
    of the same event is taken, not dropped as a replay.
    """
    with transaction.atomic():
        _, created = LabEvent.objects.get_or_create(
            lab=lab,
            event_id=callback.id,
            defaults={"type": callback.type, "lab_order_id": callback.subject},
        )
        if created:
            lab_order_changed.send(
                sender=lab,
                lab_order_id=callback.subject,
                event_id=callback.id,
                event_type=callback.type,
            )
    return created
