import io

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from purchases import services
from purchases.models import Order
from purchases.testmode.services import testmode_checkout_get, testmode_checkout_pay
from tests.conftest import run_queued_tasks
from tests.products.factories import FormatFactory, PrintFormatFactory, ProductFactory
from tests.purchases.factories import make_order

# The support bot's score on tests/chatbot/questions.py, shown at the end of the run.
QUESTION_SET_RESULT = pytest.StashKey[str]()


@pytest.fixture(autouse=True)
def no_lab(settings):
    """Orders in these tests are fulfilled by hand: no print lab is called."""
    settings.LAB_BACKEND = "none"


SHIP_TO = {
    "full_name": "Kim Min-ji",
    "line1": "110 Sejong-daero",
    "line2": "",
    "city": "Seoul",
    "region": "Jung-gu",
    "postal_code": "04524",
    "country": "KR",
    "phone": "+82 2 120",
}


def paid(order: Order) -> Order:
    """Pay an order as a shopper does on the TEST MODE checkout page (a real simulated payment,
    so that it can be refunded)."""
    services.order_checkout_open(order=order, base_url="http://testserver/")
    order.refresh_from_db()
    checkout = testmode_checkout_get(user=order.customer, session_id=order.checkout_session_id)
    testmode_checkout_pay(checkout=checkout)
    order.refresh_from_db()
    return order


def print_order(customer, *, pay: bool = True, prompt: str = "A harbour at dawn") -> Order:
    """A print order shipping to Seoul, paid unless `pay` is False."""
    order = make_order(
        customer=customer,
        product=ProductFactory(image__prompt=prompt),
        format=PrintFormatFactory(),
        address=dict(SHIP_TO),
    )
    return paid(order) if pay else order


def download_order(customer, prompt: str = "A forest in the rain") -> Order:
    """A paid download order: delivered on payment."""
    order = make_order(
        customer=customer, product=ProductFactory(image__prompt=prompt), format=FormatFactory()
    )
    return paid(order)


@pytest.fixture
def demo_shop(db):
    """The demo formats and FAQ, as `make run` creates them."""
    call_command("ensure_demo_data", stdout=io.StringIO())


def ask(client, text: str, htmx: bool = True):
    """Send a message as the page does, let the worker answer, and return what the page shows.

    With htmx that is the chat as its polling finds it once the reply is in; a refused
    message, or a plain form post, returns the POST's own response.
    """
    headers = {"HX-Request": "true"} if htmx else {}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("chat_message"), {"message": text}, headers=headers)
    run_queued_tasks()
    if htmx and response.status_code == 200:
        return client.get(reverse("chat_log"), headers=headers)
    return response


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if result := config.stash.get(QUESTION_SET_RESULT, None):
        terminalreporter.write_line(result)
