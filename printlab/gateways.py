"""Which lab, from the settings: LAB_BACKEND = prodigi | simulated | none.

Only the shop's services call these; they turn a `LabError` into their own domain error.
"""

from django.conf import settings
from django.urls import reverse

from printlab.contract import LabGateway, LabNotConfigured


def lab_enabled() -> bool:
    """False when managers fulfil prints by hand (LAB_BACKEND=none)."""
    return settings.LAB_BACKEND != "none"


def lab_get() -> LabGateway:
    """The lab the settings choose; LabNotConfigured when there is none."""
    # Imported here: each implementation imports the contract, and the simulated lab its models.
    if settings.LAB_BACKEND == "prodigi":
        from printlab.prodigi import ProdigiLab

        return ProdigiLab()
    if settings.LAB_BACKEND == "simulated":
        from printlab.simulated.gateway import SimulatedLab

        return SimulatedLab()
    raise LabNotConfigured()


def lab_callback_url() -> str:
    """The absolute URL the lab should call back, with its secret; "" without LAB_CALLBACK_TOKEN
    (the lab then sends no callbacks and the shop has to ask)."""
    if not settings.LAB_CALLBACK_TOKEN:
        return ""
    return settings.SITE_URL + reverse(
        "lab_callback", kwargs={"token": settings.LAB_CALLBACK_TOKEN}
    )
