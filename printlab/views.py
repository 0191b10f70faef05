import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from printlab.callbacks import CallbackInvalid, callback_parse, callback_token_valid
from printlab.services import lab_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt  # the lab cannot send a CSRF token; the secret in the URL stands in for it
def lab_callback(request: HttpRequest, token: str) -> HttpResponse:
    """The lab's callback: 202 when taken (or already taken), 4xx with a sentence otherwise."""
    if not callback_token_valid(token):
        raise Http404("No such page")  # a wrong token looks like no URL at all
    if request.method != "POST":
        return HttpResponse(
            "POST a CloudEvents callback here.", status=405, headers={"Allow": "POST"}
        )
    try:
        callback = callback_parse(request.body)
    except CallbackInvalid as error:
        logger.warning("Refused a lab callback: %s", error)
        return HttpResponse(str(error), status=error.status, content_type="text/plain")
    fresh = lab_event_receive(callback=callback, lab=settings.LAB_BACKEND)
    answer = "Accepted." if fresh else "Already received."
    return HttpResponse(answer, status=202, content_type="text/plain")
