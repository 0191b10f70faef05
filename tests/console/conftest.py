"""A shop with known figures: orders paid on known days, a refund, generations of every outcome
with known costs, bot replies with costs, and sign-ups, all on the site's local days."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from chatbot.models import Conversation, Message
from dalle.models import GeneratedImage
from purchases.models import LabStage, Order, OrderItem, Refund
from tests.dalle.factories import ImageFactory, QueuedImageFactory
from tests.factories import UserFactory
from tests.products.factories import FormatFactory, PrintFormatFactory, ProductFactory

Status = Order.Status
ImageStatus = GeneratedImage.Status


def at(days_ago: int, hour: int = 10):
    """A moment on a local day counted back from today."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def paid_order(customer, lines, *, days_ago, status=Status.PAID, shipping=0, currency="usd", **f):
    """An order paid on a known day; `lines` are (product, format, unit amount, quantity)."""
    subtotal = sum(unit * quantity for _, _, unit, quantity in lines)
    order = Order.objects.create(
        customer=customer,
        currency=currency,
        subtotal_amount=subtotal,
        shipping_amount=shipping,
        total_amount=subtotal + shipping,
        email=customer.email,
        status=status,
        paid_at=at(days_ago) if days_ago is not None else None,
        **f,
    )
    for product, fmt, unit, quantity in lines:
        OrderItem.objects.create(
            order=order,
            product=product,
            format=fmt,
            unit_amount=unit,
            quantity=quantity,
            line_amount=unit * quantity,
        )
    return order


def image(days_ago: int, factory=ImageFactory, **fields) -> GeneratedImage:
    made = factory(**fields)
    GeneratedImage.objects.filter(pk=made.pk).update(created_at=at(days_ago, 9))
    return made


def bot_reply(conversation, *, days_ago: int, cost) -> Message:
    question = Message.objects.create(
        conversation=conversation, role=Message.Role.USER, content="How much is a canvas?"
    )
    reply = Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        content="A canvas is $79.00.",
        in_reply_to=question,
        cost_microusd=cost,
    )
    Message.objects.filter(pk__in=[question.pk, reply.pk]).update(created_at=at(days_ago, 11))
    return reply


@pytest.fixture
def known_shop(db, manager):
    """The data set whose figures tests/console/test_figures.py checks (see its docstring)."""
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    buyer = UserFactory(username="buyer")
    digital, print_small = FormatFactory(), PrintFormatFactory()
    lighthouse = ProductFactory(image__owner=ana, image__prompt="A red lighthouse")
    whale = ProductFactory(image__owner=ben, image__prompt="A whale in the sky")
    GeneratedImage.objects.update(created_at=at(100))  # the artworks on sale are old

    shipped = paid_order(
        buyer, [(lighthouse, print_small, 2400, 1)], days_ago=1, shipping=600,
        status=Status.SHIPPED, lab_stage=LabStage.SHIPPED,
    )  # fmt: skip
    paid_order(buyer, [(whale, digital, 500, 2)], days_ago=1)
    refunded = paid_order(
        buyer, [(lighthouse, digital, 500, 1)], days_ago=0, status=Status.REFUNDED,
        refunded_amount=500,
    )  # fmt: skip
    refund = Refund.objects.create(
        order=refunded, amount=500, key="refund-1", status=Refund.Status.SUCCEEDED
    )
    Refund.objects.filter(pk=refund.pk).update(created_at=at(0, 12))
    Refund.objects.create(order=shipped, amount=600, key="refund-2", status=Refund.Status.FAILED)
    paid_order(
        buyer, [(lighthouse, print_small, 2400, 1)], days_ago=3, shipping=600,
        lab_stage=LabStage.PROBLEM, lab_problem="The lab refused the file",
    )  # fmt: skip
    paid_order(buyer, [(whale, digital, 500, 1)], days_ago=None, status=Status.PENDING)
    paid_order(buyer, [(whale, digital, 500, 1)], days_ago=40, status=Status.DELIVERED)
    paid_order(buyer, [(whale, digital, 30000, 1)], days_ago=2, currency="krw")

    owner = UserFactory(username="painter")
    image(1, owner=owner, provider="openai", cost_microusd=40_000)
    image(1, owner=owner, provider="openai", cost_microusd=42_000)
    image(0, owner=owner, cost_microusd=0)
    image(0, owner=owner, provider="openai", model="unpriced-model", cost_microusd=None)
    failed = {"factory": QueuedImageFactory, "owner": owner, "status": ImageStatus.FAILED}
    image(0, error_code="safety_rejected", **failed)
    image(1, error_code="server_error", **failed)
    image(1, error_code="timeout", **failed)
    image(2, error_code="server_error", **failed)
    image(0, factory=QueuedImageFactory, owner=owner, status=ImageStatus.CANCELED)
    image(60, owner=owner, cost_microusd=999_999)  # long ago: in no period below

    chat = Conversation.objects.create(user=buyer)
    bot_reply(chat, days_ago=0, cost=1_250)
    bot_reply(chat, days_ago=1, cost=0)
    Message.objects.create(
        conversation=chat, role=Message.Role.ASSISTANT, content="Reply from our team: hello"
    )

    # Everyone so far joined long ago; three people sign up in the period.
    get_user_model().objects.update(date_joined=at(100))
    for days_ago in (1, 1, 0):
        joined = UserFactory()
        get_user_model().objects.filter(pk=joined.pk).update(date_joined=at(days_ago, 8))
    return {"lighthouse": lighthouse, "whale": whale}
