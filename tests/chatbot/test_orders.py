"""'Where is my order?': what is still on its way first, with the lab stage and tracking."""

import html

import pytest
from django.urls import reverse

from chatbot.models import Message, SupportRequest
from purchases import services as order_services
from purchases.models import LabStage, Order, Shipment
from tests.chatbot.conftest import ask, download_order, print_order
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db
TRACKING = "https://track.example.com/parcel/JD014600006281"


def reply_text() -> str:
    return Message.objects.filter(role="assistant").latest("id").content


@pytest.fixture
def shipped_and_delivered(user):
    """An older print shipped with a parcel, and a newer download already delivered."""
    shipped = print_order(user, prompt="A red lighthouse")
    manager = ManagerFactory()
    order_services.order_advance(order=shipped, to=Order.Status.IN_PRODUCTION, actor=manager)
    order_services.order_advance(order=shipped, to=Order.Status.SHIPPED, actor=manager)
    Order.objects.filter(pk=shipped.pk).update(lab_stage=LabStage.SHIPPED)
    Shipment.objects.create(
        order=shipped, carrier="DHL", tracking_number="JD014600006281", tracking_url=TRACKING
    )
    delivered = download_order(user)
    return shipped, delivered


def test_leads_with_the_print_on_its_way_then_the_rest(
    user_client, demo_shop, shipped_and_delivered
):
    """The shipped print comes first with its parcel's tracking link; the download after it."""
    shipped, delivered = shipped_and_delivered
    page = ask(user_client, "Where is my order?").content.decode()
    text = reply_text()
    assert text.startswith(f"Still on its way:\nOrder {shipped.short_id} (Art print 15×15 cm")
    assert "is shipped" in text
    assert "A parcel with DHL is on its way: tracking number JD014600006281" in text
    assert text.index(shipped.short_id) < text.index(delivered.short_id)
    assert text.endswith(f"\nYour other orders: {delivered.short_id} (delivered).")
    assert f'<a href="{TRACKING}" rel="nofollow">{TRACKING}</a>' in page


def test_the_lab_stage_shows_while_a_paid_print_waits(user_client, user, demo_shop):
    """A paid print at the lab: the answer names the lab stage."""
    order = print_order(user)
    Order.objects.filter(pk=order.pk).update(lab_stage=LabStage.SUBMITTED)
    ask(user_client, "has my print shipped yet?")
    assert f"Order {order.short_id} (Art print 15×15 cm" in reply_text()
    assert "is paid; print lab: at the lab" in reply_text()


def test_korean_question_gets_a_korean_answer_with_tracking(
    user_client, demo_shop, shipped_and_delivered
):
    """Asked in Korean, the answer is Korean, leads with the parcel, and links its tracking."""
    shipped, delivered = shipped_and_delivered
    page = ask(user_client, "제 주문 어디쯤 왔어요?").content.decode()
    text = reply_text()
    assert text.startswith(f"아직 배송 중인 주문이에요.\n{shipped.short_id} 주문(")
    assert "발송됨" in text and "DHL 택배(배송 중): 운송장 번호 JD014600006281" in text
    assert f"다른 주문: {delivered.short_id} (배송 완료)." in text
    assert f'href="{TRACKING}"' in page


def test_a_question_naming_an_order_answers_about_that_order(
    user_client, demo_shop, shipped_and_delivered
):
    """'What about order X?' describes X alone."""
    shipped, delivered = shipped_and_delivered
    ask(user_client, f"what's happening with {delivered.short_id}?")
    text = reply_text()
    assert text.startswith(f"Order {delivered.short_id} (Digital download")
    assert "is delivered" in text
    assert shipped.short_id not in text


def test_visitors_are_asked_to_log_in_with_a_way_back(client, demo_shop):
    """A visitor asking about an order gets a log-in link that comes back to the chat."""
    page = html.unescape(ask(client, "where is my parcel?").content.decode())
    assert "Log in and ask me again" in page
    assert f'<a href="{reverse("login")}?next={reverse("contact")}">Log in</a>' in page
    page = html.unescape(ask(client, "주문 취소하고 싶어요").content.decode())
    assert "로그인한 뒤 여기서 다시 물어봐 주세요" in page
    assert f'href="{reverse("login")}?next={reverse("contact")}"' in page


def test_handoff_summary_names_the_question_the_answer_and_the_order(
    user_client, user, demo_shop, shipped_and_delivered, admin_client
):
    """'Talk to a person' saves a summary for managers: asked, answered, which order."""
    shipped, _ = shipped_and_delivered
    ask(user_client, f"my parcel {shipped.short_id} has not moved for a week")
    user_client.post(reverse("chat_handoff"), {"email": user.email})
    request = SupportRequest.objects.get()
    lines = request.summary.splitlines()
    assert lines[0] == f"Asked: my parcel {shipped.short_id} has not moved for a week"
    assert lines[1].startswith(f"Bot answered: Order {shipped.short_id} (Art print")
    assert lines[2] == f"Order: {shipped.short_id} (shipped)"
    listing = admin_client.get(reverse("admin:chatbot_supportrequest_changelist"))
    assert f"Asked: my parcel {shipped.short_id}" in listing.content.decode()
    detail = admin_client.get(reverse("admin:chatbot_supportrequest_change", args=[request.pk]))
    assert f"Order: {shipped.short_id} (shipped)" in detail.content.decode()


def test_visitor_handoff_summary_has_no_order(client, demo_shop):
    """A visitor's summary says what was asked and answered, and that no order was named."""
    ask(client, "My print arrived with a scratch")
    client.post(reverse("chat_handoff"), {"email": "visitor@example.com"})
    summary = SupportRequest.objects.get().summary
    assert summary.startswith("Asked: My print arrived with a scratch\nBot answered: I'm sorry")
    assert summary.endswith("Order: none named")
