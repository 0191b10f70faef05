from django.db import models

from printlab.simulated.models import SimulatedLabOrder, SimulatedShipment

__all__ = ["LabEvent", "SimulatedLabOrder", "SimulatedShipment"]


class LabEvent(models.Model):
    """Each lab event taken once: a callback delivered again (same lab, same id) is a replay."""

    lab = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=200)
    lab_order_id = models.CharField(max_length=100, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lab", "event_id"], name="lab_event_once"),
        ]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.lab} {self.event_id} {self.type}"
