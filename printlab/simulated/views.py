from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from printlab.simulated.services import simulated_parcel_get


def tracking_page(request: HttpRequest, number: str) -> HttpResponse:
    """The simulated carrier's tracking page for one parcel; open to anyone with the number."""
    parcel = simulated_parcel_get(tracking_number=number)
    return render(request, "printlab/simulated/track.html", {"parcel": parcel})
